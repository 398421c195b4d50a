import { Type, type Static } from '@sinclair/typebox';

/**
 * The wire shape of a business calendar, for route validation and the OpenAPI document.
 * It checks shapes and formats only; meaning (known zone, real dates, spans that do not
 * overlap) is checked by validateCalendarDefinition in calendar.policy.ts.
 */

export const WALL_CLOCK_PATTERN = '^(?:([01]\\d|2[0-3]):[0-5]\\d|24:00)$';
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
export const MONTH_DAY_PATTERN = '^\\d{2}-\\d{2}$';

const WallClock = Type.String({
  pattern: WALL_CLOCK_PATTERN,
  description: 'Local wall-clock time "HH:MM" in the calendar\'s zone; "24:00" ends the day.',
  examples: ['09:00', '24:00'],
});

export const HourSpanSchema = Type.Tuple([WallClock, WallClock], {
  description: 'Working span [start, end) on one local date; end after start.',
  examples: [['09:00', '12:00']],
});

const DayHours = Type.Array(HourSpanSchema, {
  maxItems: 48,
  description: 'Working spans of the day, not overlapping. [] = closed.',
});

const LocalDate = Type.String({ pattern: DATE_PATTERN, description: 'Local date "YYYY-MM-DD".' });
const MonthDay = Type.String({ pattern: MONTH_DAY_PATTERN, description: 'Date every year, "MM-DD".' });

export const CalendarDefinition = Type.Object(
  {
    timezone: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'IANA time zone, e.g. "Asia/Tokyo". All times and dates are local to it.',
      examples: ['Asia/Tokyo'],
    }),
    weekly: Type.Object(
      {
        mon: DayHours,
        tue: DayHours,
        wed: DayHours,
        thu: DayHours,
        fri: DayHours,
        sat: DayHours,
        sun: DayHours,
      },
      { additionalProperties: false, description: 'Working hours per weekday; every day is required.' },
    ),
    holidays: Type.Optional(Type.Array(LocalDate, { maxItems: 2000, description: 'Dates closed all day.' })),
    recurringHolidays: Type.Optional(
      Type.Array(MonthDay, { maxItems: 366, description: 'Dates closed all day every year ("MM-DD").' }),
    ),
    holidayPresets: Type.Optional(
      Type.Array(Type.Union([Type.Literal('jp')]), {
        maxItems: 4,
        description:
          'National holiday sets: "jp" = Japanese national holidays including substitute holidays.',
      }),
    ),
    closures: Type.Optional(
      Type.Array(
        Type.Object(
          {
            from: Type.Union([MonthDay, LocalDate]),
            to: Type.Union([MonthDay, LocalDate]),
            name: Type.Optional(Type.String({ maxLength: 200 })),
          },
          {
            additionalProperties: false,
            description:
              'Closed from..to inclusive. Both "MM-DD": every year (12-29..01-03 wraps over the year end). Both "YYYY-MM-DD": once.',
          },
        ),
        { maxItems: 500 },
      ),
    ),
    exceptions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            date: LocalDate,
            hours: DayHours,
            name: Type.Optional(Type.String({ maxLength: 200 })),
          },
          {
            additionalProperties: false,
            description: "Replaces this date's hours; wins over holidays and closures. Empty hours = closed.",
          },
        ),
        { maxItems: 2000 },
      ),
    ),
  },
  { additionalProperties: false, title: 'Business calendar definition' },
);

export type CalendarDefinitionBody = Static<typeof CalendarDefinition>;
