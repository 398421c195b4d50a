import type { Executor } from '../../db/database.js';
import type { CalendarsTable } from '../../db/schema.js';

export const findCalendar = (ex: Executor, id: string) => ex.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();
export const findCalendars = (ex: Executor, ids: string[]) =>
  ids.length ? ex.selectFrom('calendars').selectAll().where('id', 'in', ids).execute() : Promise.resolve([]);
export const insertCalendar = (ex: Executor, row: CalendarsTable) => ex.insertInto('calendars').values(row).execute();
export const updateCalendar = (ex: Executor, id: string, patch: Partial<CalendarsTable>) => ex.updateTable('calendars').set(patch).where('id', '=', id).execute();
export const deleteCalendar = (ex: Executor, id: string) => ex.deleteFrom('calendars').where('id', '=', id).executeTakeFirst();

export function listCalendars(ex: Executor, opts: { limit: number; after?: string }) {
  let q = ex.selectFrom('calendars').selectAll().orderBy('id').limit(opts.limit + 1);
  if (opts.after) q = q.where('id', '>', opts.after);
  return q.execute();
}
