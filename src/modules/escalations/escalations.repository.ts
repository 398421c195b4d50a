/**
 * Queries of the escalation module: paths and their versions, rotations, escalations and
 * their recipients, and the read-only snapshots the engine needs (directory, calendars,
 * a ticket's team changes and timeline). Portable SQL only.
 */
import { sql, type Insertable, type RawBuilder, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { parseJson } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import type {
  EscalationPathsTable,
  EscalationPathVersionsTable,
  EscalationsTable,
  RotationsTable,
} from '../../db/schema.js';
import { parseOutOfOffice } from '../users/index.js';
import type { Availability, Directory, DirectoryTeam, DirectoryUser, Rotation } from './escalation.types.js';

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
// Escalations

export const insertEscalation = (ex: Executor, row: EscalationsTable) => ex.insertInto('escalations').values(row).execute();

/** Loads an escalation; on PostgreSQL the row stays locked until commit (timers and people race). */
export const findEscalation = (ex: Executor, id: string, opts: { lock?: boolean } = {}) => {
  const q = ex.selectFrom('escalations').selectAll().where('id', '=', id);
  return (opts.lock && dialectOf(ex) === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
};

export const updateEscalation = async (ex: Executor, id: string, revision: number, patch: Updateable<EscalationsTable>) => {
  const r = await ex
    .updateTable('escalations')
    .set({ ...patch, revision: revision + 1 })
    .where('id', '=', id)
    .where('revision', '=', revision)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
};

export const replaceRecipients = async (ex: Executor, escalationId: string, userIds: string[], teamIds: string[]) => {
  await ex.deleteFrom('escalation_recipients').where('escalation_id', '=', escalationId).execute();
  const rows = [
    ...[...new Set(userIds)].map((ref_id) => ({ escalation_id: escalationId, kind: 'user', ref_id })),
    ...[...new Set(teamIds)].map((ref_id) => ({ escalation_id: escalationId, kind: 'team', ref_id })),
  ];
  if (rows.length) await ex.insertInto('escalation_recipients').values(rows).execute();
};

export const recipientsOf = (ex: Executor, escalationIds: string[]) =>
  escalationIds.length
    ? ex.selectFrom('escalation_recipients').selectAll().where('escalation_id', 'in', escalationIds).execute()
    : Promise.resolve([]);

export interface EscalationFilter {
  status?: string[];
  ticketId?: string;
  pathId?: string;
  level?: number;
  overdueAt?: number;
  recipientUserId?: string;
  recipientTeamIds?: string[];
  requestedBy?: string;
  /** Who may see which ticket (ticketRefVisibleCondition on escalations.ticket_id); absent: all. */
  visible?: RawBuilder<boolean>;
}

export const listEscalations = (ex: Executor, f: EscalationFilter, page: { limit: number; before?: string }) => {
  let q = ex.selectFrom('escalations').selectAll().orderBy('id', 'desc').limit(page.limit + 1);
  if (page.before) q = q.where('id', '<', page.before);
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.ticketId) q = q.where('ticket_id', '=', f.ticketId);
  if (f.pathId) q = q.where('path_id', '=', f.pathId);
  if (f.level !== undefined) q = q.where('level_index', '=', f.level);
  if (f.overdueAt !== undefined) q = q.where('status', '=', 'requested').where('ack_due_at', '<', f.overdueAt);
  if (f.requestedBy) q = q.where('requested_by', '=', f.requestedBy);
  if (f.visible) q = q.where(f.visible);
  if (f.recipientUserId) {
    const uid = f.recipientUserId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('escalation_recipients as r')
          .select('r.ref_id')
          .whereRef('r.escalation_id', '=', 'escalations.id')
          .where('r.kind', '=', 'user')
          .where('r.ref_id', '=', uid),
      ),
    );
  }
  if (f.recipientTeamIds) {
    const ids = f.recipientTeamIds.length ? f.recipientTeamIds : [''];
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('escalation_recipients as r')
          .select('r.ref_id')
          .whereRef('r.escalation_id', '=', 'escalations.id')
          .where('r.kind', '=', 'team')
          .where('r.ref_id', 'in', ids),
      ),
    );
  }
  return q.execute();
};

export const escalationsOfTicket = (ex: Executor, ticketId: string) =>
  ex.selectFrom('escalations').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();

// ---------------------------------------------------------------------------------------
// Read-only snapshots for the engine

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

let calendarsTableSeen = false;

/**
 * Definitions of business calendars by id. The calendars table belongs to the calendars
 * module; until its migration has run, every level is on wall-clock time. Checking the
 * catalogue first keeps a PostgreSQL transaction from aborting on a missing table.
 */
export async function calendarDefinitions(ex: Executor, ids: string[]): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  if (!ids.length) return out;
  if (!calendarsTableSeen) {
    const exists =
      dialectOf(ex) === 'postgres'
        ? await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = 'calendars'`.execute(ex)
        : await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'calendars'`.execute(ex);
    if (!Number(exists.rows[0]?.n)) return out;
    calendarsTableSeen = true;
  }
  const rows = await sql<{ id: string; definition: string }>`select id, definition from calendars where id in (${sql.join(ids)})`.execute(ex);
  for (const r of rows.rows) out.set(r.id, parseJson<unknown>(r.definition, null));
  return out;
}

export const activeAdminIds = async (ex: Executor): Promise<string[]> =>
  (await ex.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', 1).orderBy('id').execute()).map((r) => r.id);

/** Team changes of a ticket, from its assignment events, oldest first. */
export const teamChangesOf = (ex: Executor, ticketId: string) =>
  ex
    .selectFrom('ticket_events')
    .select(['created_at', 'data', 'author_id'])
    .where('ticket_id', '=', ticketId)
    .where('kind', '=', 'ticket.assigned')
    .orderBy('created_at')
    .orderBy('id')
    .execute();

/** The latest timeline events with their authors' names (for the brief's background). */
export const recentTimeline = async (ex: Executor, ticketId: string, limit: number) => {
  const rows = await ex
    .selectFrom('ticket_events as e')
    .leftJoin('users as u', 'u.id', 'e.author_id')
    .leftJoin('customers as c', 'c.id', 'e.author_id')
    .select(['e.id', 'e.kind', 'e.author_type', 'e.visibility', 'e.body', 'e.data', 'e.created_at', 'u.name as user_name', 'c.name as customer_name'])
    .where('e.ticket_id', '=', ticketId)
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
};

/** The first message of a ticket (the inquiry), for keyword matching. */
export const firstMessageBody = async (ex: Executor, ticketId: string): Promise<string> => {
  const r = await ex
    .selectFrom('ticket_events')
    .select('body')
    .where('ticket_id', '=', ticketId)
    .where('kind', '=', 'message.added')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return r?.body ?? '';
};

export const customerTiers = (ex: Executor, customerId: string) =>
  ex
    .selectFrom('customers as c')
    .leftJoin('organizations as o', 'o.id', 'c.organization_id')
    .select(['c.tier as own', 'o.tier as org', 'c.name'])
    .where('c.id', '=', customerId)
    .executeTakeFirst();

/** Names of users, teams and customers by id, for texts that mention them (ids unknown are left out). */
export async function namesOfIds(ex: Executor, ids: string[]): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return {};
  const [users, teams, customers] = await Promise.all([
    ex.selectFrom('users').select(['id', 'name']).where('id', 'in', unique).execute(),
    ex.selectFrom('teams').select(['id', 'name']).where('id', 'in', unique).execute(),
    ex.selectFrom('customers').select(['id', 'name']).where('id', 'in', unique).execute(),
  ]);
  return Object.fromEntries([...users, ...teams, ...customers].map((r) => [r.id, r.name]));
}

export const customerLocale = async (ex: Executor, customerId: string): Promise<string | undefined> =>
  (await ex.selectFrom('customers').select('locale').where('id', '=', customerId).executeTakeFirst())?.locale;

export const ticketsOfCustomer = (ex: Executor, customerId: string, exceptTicketId: string, limit: number) =>
  ex
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'status', 'priority', 'created_at', 'updated_at'])
    .where('requester_id', '=', customerId)
    .where('id', '!=', exceptTicketId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();

export const userNames = async (ex: Executor, ids: string[]): Promise<Map<string, string>> => {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await ex.selectFrom('users').select(['id', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
};

export const ticketNumbers = async (ex: Executor, ids: string[]): Promise<Map<string, number>> => {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await ex.selectFrom('tickets').select(['id', 'number']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.number]));
};

/** Calendar names by id, for texts people read (the playbook). */
export const calendarNames = async (ex: Executor): Promise<Record<string, string>> =>
  Object.fromEntries((await ex.selectFrom('calendars').select(['id', 'name']).execute()).map((r) => [r.id, r.name]));

/**
 * Escalations `userId` raised that were resolved and still wait for them to tell the customer:
 * the ticket is neither solved nor closed and no agent has replied publicly since the resolution.
 */
export const awaitingReply = (ex: Executor, userId: string, limit: number, visible: RawBuilder<boolean> | null) =>
  ex
    .selectFrom('escalations as e')
    .innerJoin('tickets as t', 't.id', 'e.ticket_id')
    .select(['e.id', 'e.ticket_id', 'e.state', 'e.finished_at', 't.number', 't.subject'])
    .where('e.requested_by', '=', userId)
    .$if(visible !== null, (q) => q.where(visible!))
    .where('e.status', '=', 'resolved')
    .where('t.status', 'not in', ['solved', 'closed'])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('ticket_events as m')
            .select('m.id')
            .whereRef('m.ticket_id', '=', 'e.ticket_id')
            .where('m.kind', '=', 'message.added')
            .where('m.visibility', '=', 'public')
            .where('m.author_type', '=', 'user')
            .whereRef('m.created_at', '>=', 'e.finished_at'),
        ),
      ),
    )
    .orderBy('e.finished_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute();

/** The conversation on one escalation (escalation.message events of its ticket), oldest first. */
export const escalationMessages = async (ex: Executor, ticketId: string, escalationId: string) =>
  (
    await ex
      .selectFrom('ticket_events')
      .select(['id', 'author_id', 'body', 'data', 'created_at'])
      .where('ticket_id', '=', ticketId)
      .where('kind', '=', 'escalation.message')
      .orderBy('id')
      .execute()
  ).filter((r) => (JSON.parse(r.data) as { escalationId?: string }).escalationId === escalationId);
