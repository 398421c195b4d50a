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

/** Ids of the tickets whose escalations name the viewer as receiver (uncorrelated: computed once per query). */
const receivedTicketIds = (s: Limited) =>
  sql`select e.ticket_id from escalations e inner join escalation_recipients r on r.escalation_id = e.id where ${receiverIs(s.userId, s.teamIds)}`;

/**
 * The visibility condition on a query of the tickets table (`table` is its name or alias), or
 * null when the viewer sees everything: callers then add nothing, so the queries of an
 * unrestricted desk and of administrators are the indexed ones of migration 0010 unchanged.
 */
export function ticketVisibleCondition(scope: TicketScope, table = 'tickets'): RawBuilder<boolean> | null {
  if (scope.all) return null;
  const team = sql.ref(`${table}.team_id`);
  const id = sql.ref(`${table}.id`);
  return sql<boolean>`(${team} is null or ${team} not in (${sql.join(scope.hiddenTeamIds)}) or ${id} in (${receivedTicketIds(scope)}))`;
}

/**
 * The same condition for a table that refers to tickets (`column` holds a ticket id, perhaps
 * null): rows of no ticket, or of a ticket the viewer sees. Null when the viewer sees everything.
 */
export function ticketRefVisibleCondition(scope: TicketScope, column: string): RawBuilder<boolean> | null {
  if (scope.all) return null;
  const ref = sql.ref(column);
  return sql<boolean>`(${ref} is null or not exists (select 1 from tickets vt where vt.id = ${ref} and vt.team_id in (${sql.join(scope.hiddenTeamIds)})) or ${ref} in (${receivedTicketIds(scope)}))`;
}
