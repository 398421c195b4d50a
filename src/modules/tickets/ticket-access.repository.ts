import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { TicketScope } from './ticket-access.policy.js';

type Limited = Extract<TicketScope, { all: false }>;

export const restrictedTeamIds = async (ex: Executor): Promise<string[]> =>
  (await ex.selectFrom('teams').select('id').where('restricted', '=', 1).orderBy('id').execute()).map((r) => r.id);

export const teamIdsOf = async (ex: Executor, userId: string): Promise<string[]> =>
  (await ex.selectFrom('team_members').select('team_id').where('user_id', '=', userId).execute()).map((r) => r.team_id);

/** The ticket's team and whether it is restricted; undefined when there is no such ticket. */
export const ticketTeam = (ex: Executor, ticketId: string) =>
  ex
    .selectFrom('tickets')
    .leftJoin('teams', 'teams.id', 'tickets.team_id')
    .select(['tickets.id', 'tickets.team_id', 'teams.restricted'])
    .where('tickets.id', '=', ticketId)
    .executeTakeFirst();

/** Of `userIds`, those who read a ticket of the restricted team `teamId`: members, administrators, receivers of its escalations. */
export async function readersOfRestricted(ex: Executor, ticketId: string, teamId: string, userIds: string[]): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select u.id from users u where u.id in (${sql.join(userIds)}) and (
      u.role = 'admin'
      or exists (select 1 from team_members m where m.user_id = u.id and m.team_id = ${teamId})
      or exists (select 1 from escalations e inner join escalation_recipients r on r.escalation_id = e.id
                 where e.ticket_id = ${ticketId} and ((r.kind = 'user' and r.ref_id = u.id)
                   or (r.kind = 'team' and r.ref_id in (select m2.team_id from team_members m2 where m2.user_id = u.id)))))`.execute(ex);
  return rows.rows.map((r) => r.id);
}

/** The statuses of the ticket's escalations that name the user, or one of their teams, as receiver. */
export const receiverEscalations = (ex: Executor, ticketId: string, userId: string, teamIds: string[]) =>
  ex
    .selectFrom('escalations as e')
    .select('e.status')
    .where('e.ticket_id', '=', ticketId)
    .where(sql<boolean>`exists (select 1 from escalation_recipients r where r.escalation_id = e.id and ${receiverIs(userId, teamIds)})`)
    .execute();

const receiverIs = (userId: string, teamIds: string[]) =>
  teamIds.length
    ? sql<boolean>`((r.kind = 'user' and r.ref_id = ${userId}) or (r.kind = 'team' and r.ref_id in (${sql.join(teamIds)})))`
    : sql<boolean>`(r.kind = 'user' and r.ref_id = ${userId})`;

/**
 * Ids of the tickets whose escalations name the viewer (or one of their teams) as receiver:
 * uncorrelated, so computed once per query, and one arm per kind so each is a range of the
 * (kind, ref_id) index (an OR of both made PostgreSQL walk the whole primary key).
 */
const receivedTicketIdsQuery = (s: { userId: string; teamIds: string[] }) => {
  const arm = (kind: 'user' | 'team', refs: string[]) =>
    sql`select e.ticket_id from escalation_recipients r inner join escalations e on e.id = r.escalation_id where r.kind = ${kind} and r.ref_id in (${sql.join(refs)})`;
  return s.teamIds.length ? sql`${arm('user', [s.userId])} union all ${arm('team', s.teamIds)}` : arm('user', [s.userId]);
};

/** Beyond this many received tickets the condition asks the escalations in a subquery instead of naming them. */
export const RECEIVED_INLINE_LIMIT = 200;

/**
 * The tickets of `hiddenTeamIds` the viewer received an escalation of, or null when there are
 * more than RECEIVED_INLINE_LIMIT. Naming them keeps the list queries free of a subquery, whose
 * cost PostgreSQL charged to every row it would look up by id (the at-risk list then read the
 * whole active range instead of the few tickets at risk).
 */
export async function receivedTicketIds(ex: Executor, s: { userId: string; teamIds: string[]; hiddenTeamIds: string[] }): Promise<string[] | null> {
  const rows = await sql<{ ticket_id: string }>`select distinct x.ticket_id from (${receivedTicketIdsQuery(s)}) x inner join tickets t on t.id = x.ticket_id where t.team_id in (${sql.join(s.hiddenTeamIds)}) limit ${RECEIVED_INLINE_LIMIT + 1}`.execute(ex);
  return rows.rows.length > RECEIVED_INLINE_LIMIT ? null : rows.rows.map((r) => r.ticket_id);
}

const received = (s: Limited) =>
  s.receivedTicketIds === undefined
    ? sql`${receivedTicketIdsQuery(s)}`
    : s.receivedTicketIds.length
      ? sql`${sql.join(s.receivedTicketIds)}`
      : null;

/**
 * The visibility condition on a query of the tickets table (`table` is its name or alias), or
 * null when the viewer sees everything: callers then add nothing, so the queries of an
 * unrestricted desk and of administrators are the indexed ones of migration 0010 unchanged.
 */
export function ticketVisibleCondition(scope: TicketScope, table = 'tickets'): RawBuilder<boolean> | null {
  if (scope.all) return null;
  const team = sql.ref(`${table}.team_id`);
  const id = sql.ref(`${table}.id`);
  const r = received(scope);
  return r
    ? sql<boolean>`(${team} is null or ${team} not in (${sql.join(scope.hiddenTeamIds)}) or ${id} in (${r}))`
    : sql<boolean>`(${team} is null or ${team} not in (${sql.join(scope.hiddenTeamIds)}))`;
}

/**
 * The same condition for a table that refers to tickets (`column` holds a ticket id, perhaps
 * null): rows of no ticket, or of a ticket the viewer sees. Null when the viewer sees everything.
 */
export function ticketRefVisibleCondition(scope: TicketScope, column: string): RawBuilder<boolean> | null {
  if (scope.all) return null;
  const ref = sql.ref(column);
  const r = received(scope);
  const shown = sql<boolean>`${ref} is null or not exists (select 1 from tickets vt where vt.id = ${ref} and vt.team_id in (${sql.join(scope.hiddenTeamIds)}))`;
  return r ? sql<boolean>`(${shown} or ${ref} in (${r}))` : sql<boolean>`(${shown})`;
}
