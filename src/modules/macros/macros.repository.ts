import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { MacrosTable } from '../../db/schema.js';

export const findMacro = (ex: Executor, id: string) => ex.selectFrom('macros').selectAll().where('id', '=', id).executeTakeFirst();

export const insertMacro = (ex: Executor, row: Insertable<MacrosTable>) => ex.insertInto('macros').values(row).execute();

export const updateMacro = (ex: Executor, id: string, patch: Updateable<MacrosTable>) => ex.updateTable('macros').set(patch).where('id', '=', id).execute();

export const deleteMacro = (ex: Executor, id: string) => ex.deleteFrom('macros').where('id', '=', id).execute();

/** Shared macros and the viewer's own, by name; `q` matches the name or either text (case-insensitive). */
export function listMacros(ex: Executor, viewerId: string, f: { q?: string; scope?: string; limit: number }) {
  let q = ex
    .selectFrom('macros')
    .selectAll()
    .where((eb) => eb.or([eb('scope', '=', 'shared'), eb('owner_id', '=', viewerId)]));
  if (f.scope) q = q.where('scope', '=', f.scope);
  if (f.q) {
    const like = `%${f.q.toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['name']), 'like', like),
        eb(eb.fn('lower', ['body_ja']), 'like', like),
        eb(eb.fn('lower', ['body_en']), 'like', like),
      ]),
    );
  }
  return q.orderBy('name').orderBy('id').limit(f.limit).execute();
}

export const userName = async (ex: Executor, id: string) => (await ex.selectFrom('users').select('name').where('id', '=', id).executeTakeFirst())?.name ?? '';

export const customerOf = (ex: Executor, id: string) => ex.selectFrom('customers').select(['name', 'locale']).where('id', '=', id).executeTakeFirst();

export const teamExists = async (ex: Executor, id: string) => !!(await ex.selectFrom('teams').select('id').where('id', '=', id).executeTakeFirst());
