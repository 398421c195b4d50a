/**
 * Queries of on-call: rotations and the directory snapshot the resolver reads (people with
 * their availability and out-of-office, teams with their roles). Portable SQL only.
 */
import type { Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { parseJson } from '../../db/database.js';
import type { RotationsTable } from '../../db/schema.js';
import { parseOutOfOffice } from '../users/index.js';
import type { Availability, Directory, DirectoryTeam, DirectoryUser, Rotation } from './oncall.types.js';

// ---------------------------------------------------------------------------------------
// Rotations

export const insertRotation = (ex: Executor, row: RotationsTable) => ex.insertInto('rotations').values(row).execute();
export const updateRotation = (ex: Executor, id: string, patch: Updateable<RotationsTable>) =>
  ex.updateTable('rotations').set(patch).where('id', '=', id).execute();
export const findRotation = (ex: Executor, id: string) =>
  ex.selectFrom('rotations').selectAll().where('id', '=', id).executeTakeFirst();
export const listRotations = (ex: Executor) => ex.selectFrom('rotations').selectAll().orderBy('name').orderBy('id').execute();
export const deleteRotation = (ex: Executor, id: string) => ex.deleteFrom('rotations').where('id', '=', id).executeTakeFirst();

export const rotationOf = (row: RotationsTable): Rotation => ({
  ...parseJson<Omit<Rotation, 'id' | 'name'>>(row.definition, {
    members: [],
    shift: { unit: 'days', days: 1 },
    handoffTime: '09:00',
    timeZone: 'UTC',
    startDate: '2026-01-01',
    teamId: null,
    overrides: [],
  }),
  id: row.id,
  name: row.name,
});

// ---------------------------------------------------------------------------------------
// Directory snapshot

/** Everyone and everything the resolver may reach, as of now. */
export async function loadDirectory(ex: Executor): Promise<Directory> {
  const [users, teams, members, rotations] = await Promise.all([
    ex.selectFrom('users').select(['id', 'name', 'availability', 'active', 'out_of_office', 'delegate_user_id']).execute(),
    ex.selectFrom('teams').select(['id', 'name']).execute(),
    ex.selectFrom('team_members').select(['team_id', 'user_id', 'role']).orderBy('user_id').execute(),
    listRotations(ex),
  ]);
  const dirUsers: Record<string, DirectoryUser> = {};
  for (const u of users) {
    dirUsers[u.id] = {
      id: u.id,
      name: u.name,
      availability: u.availability as Availability,
      active: u.active === 1,
      outOfOffice: parseOutOfOffice(u.out_of_office),
      delegateUserId: u.delegate_user_id ?? null,
    };
  }
  const dirTeams: Record<string, DirectoryTeam> = {};
  for (const t of teams) dirTeams[t.id] = { id: t.id, name: t.name, memberIds: [], managerIds: [], supervisorIds: [] };
  for (const m of members) {
    const t = dirTeams[m.team_id];
    if (!t) continue;
    // A team target reaches the people working its queue; managers are reached by role targets.
    if (m.role === 'manager') t.managerIds.push(m.user_id);
    else t.memberIds.push(m.user_id);
    if (m.role === 'supervisor') t.supervisorIds.push(m.user_id);
  }
  const dirRotations: Record<string, Rotation> = {};
  for (const r of rotations) dirRotations[r.id] = rotationOf(r);
  return { users: dirUsers, teams: dirTeams, rotations: dirRotations };
}

export async function directoryIds(ex: Executor) {
  const [users, teams, rotations] = await Promise.all([
    ex.selectFrom('users').select('id').execute(),
    ex.selectFrom('teams').select('id').execute(),
    ex.selectFrom('rotations').select('id').execute(),
  ]);
  return {
    userIds: new Set(users.map((r) => r.id)),
    teamIds: new Set(teams.map((r) => r.id)),
    rotationIds: new Set(rotations.map((r) => r.id)),
  };
}

export const userNames = async (ex: Executor, ids: string[]): Promise<Map<string, string>> => {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await ex.selectFrom('users').select(['id', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
};

