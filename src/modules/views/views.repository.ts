import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { SavedViewsTable } from '../../db/schema.js';

export const findView = (ex: Executor, id: string) => ex.selectFrom('saved_views').selectAll().where('id', '=', id).executeTakeFirst();
export const insertView = (ex: Executor, row: Insertable<SavedViewsTable>) => ex.insertInto('saved_views').values(row).execute();
export const updateView = (ex: Executor, id: string, patch: Updateable<SavedViewsTable>) => ex.updateTable('saved_views').set(patch).where('id', '=', id).execute();
export const deleteView = (ex: Executor, id: string) => ex.deleteFrom('saved_views').where('id', '=', id).execute();

/** Shared views, then the viewer's own, each by name. */
export const listViews = (ex: Executor, viewerId: string) =>
  ex
    .selectFrom('saved_views')
    .selectAll()
    .where((eb) => eb.or([eb('scope', '=', 'shared'), eb('owner_id', '=', viewerId)]))
    .orderBy('scope', 'desc')
    .orderBy('name')
    .orderBy('id')
    .limit(200)
    .execute();
