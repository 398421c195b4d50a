import { Type, type Static } from '@sinclair/typebox';
import { parseJson } from '../../db/database.js';
import type { CalendarsTable } from '../../db/schema.js';
import { CalendarDefinition as CalendarDefinitionSchema } from './calendar.schema.js';
import type { CalendarDefinition } from './calendar.types.js';

export const CalendarView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  definition: CalendarDefinitionSchema,
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type CalendarView = Static<typeof CalendarView>;

export const presentCalendar = (r: CalendarsTable): CalendarView => ({
  id: r.id,
  name: r.name,
  definition: parseJson<CalendarDefinition>(r.definition, { timezone: 'UTC', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } }) as CalendarView['definition'],
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});
