import type { Executor } from '../../db/database.js';
import type { Insertable, Updateable } from 'kysely';
import type { TeamMembersTable, TeamsTable } from '../../db/schema.js';

export const findTeam = (ex: Executor, id: string) => ex.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
export const insertTeam = (ex: Executor, row: Insertable<TeamsTable>) => ex.insertInto('teams').values(row).execute();
export const updateTeam = (ex: Executor, id: string, patch: Updateable<TeamsTable>) => ex.updateTable('teams').set(patch).where('id', '=', id).execute();
export const deleteTeam = (ex: Executor, id: string) => ex.deleteFrom('teams').where('id', '=', id).executeTakeFirst();

export function listTeams(ex: Executor, opts: { limit: number; after?: string; memberId?: string }) {
  let q = ex.selectFrom('teams').selectAll('teams').orderBy('teams.id').limit(opts.limit + 1);
  if (opts.after) q = q.where('teams.id', '>', opts.after);
  if (opts.memberId) q = q.where('teams.id', 'in', ex.selectFrom('team_members').select('team_id').where('user_id', '=', opts.memberId));
  return q.execute();
}

export const membersOf = (ex: Executor, teamIds: string[]) =>
  teamIds.length === 0
    ? Promise.resolve([])
    : ex
        .selectFrom('team_members')
        .innerJoin('users', 'users.id', 'team_members.user_id')
        .select(['team_members.team_id', 'team_members.user_id', 'team_members.role', 'users.name', 'users.availability'])
        .where('team_members.team_id', 'in', teamIds)
        .orderBy('users.name')
        .execute();

export async function replaceMembers(ex: Executor, teamId: string, members: TeamMembersTable[]) {
  await ex.deleteFrom('team_members').where('team_id', '=', teamId).execute();
  if (members.length) await ex.insertInto('team_members').values(members).execute();
}

export const teamIdsOfUser = async (ex: Executor, userId: string): Promise<string[]> =>
  (await ex.selectFrom('team_members').select('team_id').where('user_id', '=', userId).execute()).map((r) => r.team_id);
