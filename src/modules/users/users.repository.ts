import type { Executor } from '../../db/database.js';
import type { Insertable, Updateable } from 'kysely';
import type { UsersTable } from '../../db/schema.js';

export const findUserById = (ex: Executor, id: string) => ex.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const findUserByEmail = (ex: Executor, email: string) =>
  ex.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();

export const insertUser = (ex: Executor, row: Insertable<UsersTable>) => ex.insertInto('users').values(row).execute();

export const updateUser = (ex: Executor, id: string, patch: Updateable<UsersTable>) =>
  ex.updateTable('users').set(patch).where('id', '=', id).execute();

export function listUsers(ex: Executor, opts: { limit: number; after?: string; role?: string; q?: string; active?: boolean; ids?: string[] }) {
  let q = ex.selectFrom('users').selectAll().orderBy('id').limit(opts.limit + 1);
  if (opts.after) q = q.where('id', '>', opts.after);
  if (opts.role) q = q.where('role', '=', opts.role);
  if (opts.active !== undefined) q = q.where('active', '=', opts.active ? 1 : 0);
  if (opts.ids) q = q.where('id', 'in', opts.ids.length ? opts.ids : ['']);
  if (opts.q) {
    const like = `%${opts.q.toLowerCase()}%`;
    q = q.where((eb) => eb.or([eb(eb.fn('lower', ['name']), 'like', like), eb('email', 'like', like)]));
  }
  return q.execute();
}

export const countUsers = async (ex: Executor): Promise<number> => {
  const r = await ex.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
};

/** The actor's membership roles in the teams the target also belongs to. */
export const sharedTeamRoles = async (ex: Executor, actorId: string, targetId: string): Promise<string[]> =>
  (
    await ex
      .selectFrom('team_members as mine')
      .innerJoin('team_members as theirs', 'theirs.team_id', 'mine.team_id')
      .select('mine.role')
      .where('mine.user_id', '=', actorId)
      .where('theirs.user_id', '=', targetId)
      .execute()
  ).map((r) => r.role);
