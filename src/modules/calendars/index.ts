/** Public API of the calendars module: pure business-time arithmetic and the wire schema. */
export {
  addBusinessSeconds,
  businessIntervals,
  businessMillisBetween,
  businessSecondsBetween,
  compileCalendar,
  isBusinessInstant,
  localDateOf,
  nextBusinessInstant,
  TWENTY_FOUR_SEVEN,
  validateCalendarDefinition,
} from './calendar.policy.js';
export { CalendarDefinition as CalendarDefinitionSchema, HourSpanSchema } from './calendar.schema.js';
export type { CalendarDefinitionBody } from './calendar.schema.js';
export {
  HOLIDAY_PRESETS,
  WEEKDAYS,
  type BusinessInterval,
  type CalendarClosure,
  type CalendarDefinition,
  type CalendarException,
  type CompiledCalendar,
  type HolidayPreset,
  type HourSpan,
  type Weekday,
} from './calendar.types.js';
export { CalendarsService, checkedCalendar, parseInstant, type CalendarUsage } from './calendars.service.js';
export { CalendarView } from './calendars.presenter.js';
export { calendarsRoutes } from './calendars.routes.js';
