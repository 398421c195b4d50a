/** Queries of escalation paths and their versions. Portable SQL only. */
import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { EscalationPathsTable, EscalationPathVersionsTable } from '../../db/schema.js';

// ---------------------------------------------------------------------------------------
// Paths

export const insertPath = (ex: Executor, row: Insertable<EscalationPathsTable>) =>
  ex.insertInto('escalation_paths').values(row).execute();

export const updatePath = (ex: Executor, id: string, patch: Updateable<EscalationPathsTable>) =>
  ex.updateTable('escalation_paths').set(patch).where('id', '=', id).execute();

export const findPath = (ex: Executor, id: string) =>
  ex.selectFrom('escalation_paths').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();

/** Paths by name; `limit` (fetches limit+1 to tell a next page) and `after` (the last row's name and id) page through them. */
export const listPaths = (ex: Executor, opts: { active?: boolean; limit?: number; after?: { name: string; id: string } | null } = {}) => {
  let q = ex.selectFrom('escalation_paths').selectAll().where('deleted_at', 'is', null).orderBy('name').orderBy('id');
  if (opts.active !== undefined) q = q.where('active', '=', opts.active ? 1 : 0);
  const after = opts.after;
  if (after) q = q.where((eb) => eb.or([eb('name', '>', after.name), eb.and([eb('name', '=', after.name), eb('id', '>', after.id)])]));
  if (opts.limit !== undefined) q = q.limit(opts.limit + 1);
  return q.execute();
};

export const listDueReviews = (ex: Executor, now: number) =>
  ex
    .selectFrom('escalation_paths')
    .selectAll()
    .where('deleted_at', 'is', null)
    .where('active', '=', 1)
    .where('review_due_at', '<=', now)
    .orderBy('review_due_at')
    .orderBy('id')
    .execute();

export const insertPathVersion = (ex: Executor, row: EscalationPathVersionsTable) =>
  ex.insertInto('escalation_path_versions').values(row).execute();

export const listPathVersions = (ex: Executor, pathId: string) =>
  ex.selectFrom('escalation_path_versions').selectAll().where('path_id', '=', pathId).orderBy('version', 'desc').execute();

export const findPathVersion = (ex: Executor, pathId: string, version: number) =>
  ex
    .selectFrom('escalation_path_versions')
    .selectAll()
    .where('path_id', '=', pathId)
    .where('version', '=', version)
    .executeTakeFirst();

/** Calendar names by id, for texts people read (the playbook). */
export const calendarNames = async (ex: Executor): Promise<Record<string, string>> =>
  Object.fromEntries((await ex.selectFrom('calendars').select(['id', 'name']).execute()).map((r) => [r.id, r.name]));
