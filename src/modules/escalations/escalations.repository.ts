/**
 * Queries of the escalation module: escalations and their recipients, and the read-only
 * snapshots the engine needs (calendars, a ticket's team changes and timeline). Paths and
 * the directory are queried by the paths and oncall modules. Portable SQL only.
 */
import { sql, type RawBuilder, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { parseJson } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import type { EscalationsTable } from '../../db/schema.js';

// ---------------------------------------------------------------------------------------
// Escalations

export const insertEscalation = (ex: Executor, row: EscalationsTable) => ex.insertInto('escalations').values(row).execute();
export const updateEscalationBrief = (ex: Executor, id: string, brief: string) => ex.updateTable('escalations').set({ brief }).where('id', '=', id).execute();

/** Loads an escalation; on PostgreSQL the row stays locked until commit (timers and people race). */
/** Escalations by id in one query (the report drill-down); `visible`: the viewer's ticket condition. */
export const escalationsByIds = (ex: Executor, ids: string[], visible?: RawBuilder<boolean>) => {
  if (ids.length === 0) return Promise.resolve([] as EscalationsTable[]);
  let q = ex.selectFrom('escalations').selectAll().where('id', 'in', ids);
  if (visible) q = q.where(visible);
  return q.execute();
};

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
  /** Escalations of this customer's tickets. */
  customerId?: string;
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
  if (f.customerId) q = q.where('ticket_id', 'in', ex.selectFrom('tickets').select('tickets.id').where('tickets.requester_id', '=', f.customerId));
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

/** customerTiers for several customers (one query), by customer id. */
export async function customerTiersOf(ex: Executor, customerIds: string[]) {
  if (customerIds.length === 0) return new Map<string, { own: string; org: string | null; name: string }>();
  const rows = await ex
    .selectFrom('customers as c')
    .leftJoin('organizations as o', 'o.id', 'c.organization_id')
    .select(['c.id', 'c.tier as own', 'o.tier as org', 'c.name'])
    .where('c.id', 'in', customerIds)
    .execute();
  return new Map(rows.map(({ id, ...r }) => [id, r]));
}

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

export const ticketNumbers = async (ex: Executor, ids: string[]): Promise<Map<string, number>> => {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await ex.selectFrom('tickets').select(['id', 'number']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.number]));
};


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
