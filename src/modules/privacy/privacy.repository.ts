/**
 * Queries of customer data requests and retention. They cross the tables of several modules
 * (tickets, intake, escalations, notifications, audit) on purpose: finding and removing
 * everything held about one person is one use case, and keeping its queries in one file is what
 * lets a reviewer check that nothing is left behind.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Executor, Tx } from '../../db/database.js';

/** Ids per IN list: far below either database's parameter limit. */
export const CHUNK = 500;

export function chunks<T>(xs: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** A LIKE pattern matching `s` anywhere, with LIKE's wildcards in `s` taken literally. */
const containsPattern = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** lower(column) contains `s` (case-insensitive on both databases; `\` escapes). */
const lowerContains = (column: string, s: string): Expression<SqlBool> => sql<SqlBool>`lower(${sql.ref(column)}) like ${containsPattern(s)} escape '\\'`;

// ------------------------------------------------------------------------------- reading

export const customerTickets = (ex: Executor, customerId: string) =>
  ex.selectFrom('tickets').selectAll().where('requester_id', '=', customerId).orderBy('id').execute();

export const eventsOf = (ex: Executor, ticketIds: string[]) =>
  ticketIds.length ? ex.selectFrom('ticket_events').selectAll().where('ticket_id', 'in', ticketIds).orderBy('ticket_id').orderBy('id').execute() : Promise.resolve([]);

/** The customer's own messages on any ticket (literal predicate: the partial index ticket_events_customer_author). */
export const customerAuthoredEvents = (ex: Executor, customerId: string) =>
  ex.selectFrom('ticket_events').selectAll().where(sql<SqlBool>`author_type = 'customer'`).where('author_id', '=', customerId).orderBy('author_id').orderBy('id').execute();

/** Attachments of these events (by their tickets first: the attachments_ticket index). */
export const attachmentsOfEvents = (ex: Executor, events: { id: string; ticket_id: string }[]) =>
  events.length
    ? ex.selectFrom('attachments').selectAll().where('ticket_id', 'in', [...new Set(events.map((e) => e.ticket_id))]).where('event_id', 'in', events.map((e) => e.id)).orderBy('id').execute()
    : Promise.resolve([]);

export const attachmentsOf = (ex: Executor, ticketIds: string[]) =>
  ticketIds.length ? ex.selectFrom('attachments').selectAll().where('ticket_id', 'in', ticketIds).orderBy('id').execute() : Promise.resolve([]);

export const escalationsOf = (ex: Executor, ticketIds: string[]) =>
  ticketIds.length ? ex.selectFrom('escalations').select(['id', 'ticket_id', 'kind', 'status', 'brief', 'state', 'requested_at', 'finished_at']).where('ticket_id', 'in', ticketIds).orderBy('id').execute() : Promise.resolve([]);

export const tagsOf = (ex: Executor, ticketIds: string[]) =>
  ticketIds.length ? ex.selectFrom('ticket_tags').selectAll().where('ticket_id', 'in', ticketIds).execute() : Promise.resolve([]);

export const customerDeliveriesOf = (ex: Executor, ticketIds: string[]) =>
  ticketIds.length
    ? ex.selectFrom('deliveries').select(['id', 'ticket_id', 'event_id', 'channel', 'state', 'delivered_at', 'created_at']).where('ticket_id', 'in', ticketIds).where('recipient_key', 'like', 'customer:%').orderBy('id').execute()
    : Promise.resolve([]);

/** Raw mail on the customer's tickets, or from their address without a ticket (rejected, failed). */
export function inboundOf(ex: Executor, ticketIds: string[], email: string | null) {
  if (ticketIds.length === 0 && !email) return Promise.resolve([]);
  return ex
    .selectFrom('inbound_messages')
    .selectAll()
    .where((eb) => {
      const ors: Expression<SqlBool>[] = [];
      if (ticketIds.length) ors.push(eb('ticket_id', 'in', ticketIds));
      if (email) ors.push(lowerContains('from_address', email), lowerContains('envelope', email));
      return eb.or(ors);
    })
    .orderBy('id')
    .execute();
}

export const conversationsOf = (ex: Executor, customerId: string, ticketIds: string[]) =>
  ex
    .selectFrom('messaging_conversations')
    .selectAll()
    .where((eb) => eb.or([eb('customer_id', '=', customerId), ...(ticketIds.length ? [eb('ticket_id', 'in', ticketIds)] : [])]))
    .execute();

export const publicLinksOf = (ex: Executor, customerId: string) =>
  ex.selectFrom('public_ticket_links').select(['ticket_id', 'created_at']).where('customer_id', '=', customerId).execute();

/** Audit entries about the customer or one of their tickets. */
export const auditAbout = (ex: Executor, targetIds: string[]) =>
  targetIds.length ? ex.selectFrom('audit_log').selectAll().where('target_id', 'in', targetIds).orderBy('id').execute() : Promise.resolve([]);

// ------------------------------------------------------------------------------- erasing

export const updateTicketsErased = (tx: Tx, ids: string[], subject: string, now: number) =>
  tx.updateTable('tickets').set({ subject, cc: '[]', updated_at: now }).where('id', 'in', ids).execute();

export const updateEvent = (tx: Tx, id: string, body: string | null, data: string) =>
  tx.updateTable('ticket_events').set({ body, data }).where('id', '=', id).execute();

export const updateEscalationText = (tx: Tx, id: string, brief: string, state: string) =>
  tx.updateTable('escalations').set({ brief, state }).where('id', '=', id).execute();

export const notificationsOf = (tx: Tx, ticketIds: string[]) =>
  tx.selectFrom('notifications').select(['id', 'data']).where('ticket_id', 'in', ticketIds).execute();

export const updateNotification = (tx: Tx, id: string, text: string, data: string) =>
  tx.updateTable('notifications').set({ title: text, body: text, data }).where('id', '=', id).execute();

/** Deliveries of the tickets lose their content; those not sent yet are dropped. */
export async function eraseDeliveries(tx: Tx, ticketIds: string[], now: number): Promise<void> {
  await tx
    .updateTable('delivery_attempts')
    .set({ response: '' })
    .where('delivery_id', 'in', (eb) => eb.selectFrom('deliveries').select('id').where('ticket_id', 'in', ticketIds))
    .execute();
  await tx
    .updateTable('deliveries')
    .set({ state: 'dropped', drop_reason: 'erased', next_attempt_at: null, updated_at: now })
    .where('ticket_id', 'in', ticketIds)
    .where('state', 'in', ['pending', 'queued', 'failed'])
    .execute();
  await tx.updateTable('deliveries').set({ items: '[]', last_response: null }).where('ticket_id', 'in', ticketIds).execute();
}

export const deleteMessageIds = (tx: Tx, ticketIds: string[]) => tx.deleteFrom('ticket_message_ids').where('ticket_id', 'in', ticketIds).execute();

/** CSAT surveys of the customer (issue 18): address, rating and comment are theirs. */
export const surveysOf = (tx: Tx, customerId: string) =>
  tx.selectFrom('satisfaction_surveys').select(['id', 'ticket_id', 'email', 'language', 'state', 'sent_at', 'rating', 'score', 'reason', 'comment', 'rated_at']).where('customer_id', '=', customerId).orderBy('id').execute();

/** Erasure keeps the rating (counted in reports) and drops the address, the comment and the link. */
export const eraseSurveys = (tx: Tx, customerId: string, now: number) =>
  tx.updateTable('satisfaction_surveys').set({ email: null, comment: null, token_hash: null, updated_at: now }).where('customer_id', '=', customerId).executeTakeFirst();

export const deletePublicLinks = (tx: Tx, customerId: string) =>
  tx.deleteFrom('public_ticket_links').where('customer_id', '=', customerId).executeTakeFirst();

export const deleteConversations = (tx: Tx, customerId: string, ticketIds: string[]) =>
  tx
    .deleteFrom('messaging_conversations')
    .where((eb) => eb.or([eb('customer_id', '=', customerId), ...(ticketIds.length ? [eb('ticket_id', 'in', ticketIds)] : [])]))
    .executeTakeFirst();

export const deleteAttachmentRows = (tx: Tx, ids: string[]) => tx.deleteFrom('attachments').where('id', 'in', ids).execute();
export const deleteInboundRows = (tx: Tx, ids: string[]) => tx.deleteFrom('inbound_messages').where('id', 'in', ids).execute();

export const deleteAutomaticMailLog = (tx: Tx, email: string) => tx.deleteFrom('automatic_mail_log').where('address', '=', email.toLowerCase()).execute();

// The scans below read whole tables (an erasure is rare); the erasure runs them before its
// transaction, so a write transaction never waits on them, and re-reads the rows they found.

/** Tickets whose CC list has the address. */
export const ticketsCopying = (ex: Executor, email: string) =>
  ex.selectFrom('tickets').select('id').where(lowerContains('cc', email)).execute().then((r) => r.map((x) => x.id));

/** Timeline events whose body or data mention the address (a CC change, a forwarded note). */
export const eventsMentioning = (ex: Executor, email: string) =>
  ex
    .selectFrom('ticket_events')
    .select('id')
    .where((eb) => eb.or([lowerContains('data', email), lowerContains('body', email)]))
    .execute()
    .then((r) => r.map((x) => x.id));

/** Jobs whose payload contains one of the needles; `finishedOnly` leaves pending and running ones out. */
export async function jobsMentioning(ex: Executor, needles: string[], finishedOnly: boolean): Promise<string[]> {
  const ids = new Set<string>();
  for (const part of chunks(needles.filter((x) => x.length >= 3), 50)) {
    let q = ex
      .selectFrom('jobs')
      .select('id')
      .where((eb) => eb.or(part.map((s) => lowerContains('payload', s))));
    if (finishedOnly) q = q.where('state', 'not in', ['pending', 'running']);
    for (const r of await q.execute()) ids.add(r.id);
  }
  return [...ids];
}

export const ticketsById = (tx: Tx, ids: string[]) => tx.selectFrom('tickets').select(['id', 'cc']).where('id', 'in', ids).execute();
export const eventsById = (tx: Tx, ids: string[]) => tx.selectFrom('ticket_events').select(['id', 'ticket_id', 'body', 'data']).where('id', 'in', ids).execute();
export const updateTicketCc = (tx: Tx, id: string, cc: string) => tx.updateTable('tickets').set({ cc }).where('id', '=', id).execute();

/** The jobs lose their payload; `cancel`: a pending one is cancelled too. */
export async function scrubJobs(tx: Tx, ids: string[], cancel: boolean, now: number): Promise<void> {
  for (const part of chunks(ids)) {
    if (cancel) await tx.updateTable('jobs').set({ state: 'cancelled', updated_at: now }).where('id', 'in', part).where('state', '=', 'pending').execute();
    await tx.updateTable('jobs').set({ payload: '{}', updated_at: now }).where('id', 'in', part).execute();
  }
}

export const updateAuditData = (tx: Tx, id: string, data: string) => tx.updateTable('audit_log').set({ data }).where('id', '=', id).execute();

// ------------------------------------------------------------------------------- retention

/** The oldest closed tickets closed before `cutoff` (one index range, tickets_closed_retention). */
export const closedBefore = (ex: Executor, cutoff: number, limit: number) =>
  ex
    .selectFrom('tickets')
    .select('id')
    .where('status', '=', 'closed')
    .where('closed_at', '<', cutoff)
    .orderBy('closed_at')
    .orderBy('id')
    .limit(limit)
    .execute();

/** The oldest raw mail received before `cutoff` (inbound_messages_created). */
export const rawMailBefore = (ex: Executor, cutoff: number, limit: number) =>
  ex.selectFrom('inbound_messages').select(['id', 'raw_key']).where('created_at', '<', cutoff).orderBy('created_at').orderBy('id').limit(limit).execute();

/**
 * Deletes tickets and everything hanging off them, children first (escalations and deliveries
 * have no cascade); returns the storage keys of their files, to be deleted after commit.
 */
export async function deleteTickets(tx: Tx, ids: string[]): Promise<{ attachmentKeys: string[]; rawKeys: string[] }> {
  if (ids.length === 0) return { attachmentKeys: [], rawKeys: [] };
  const attachments = await tx.selectFrom('attachments').select('storage_key').where('ticket_id', 'in', ids).execute();
  const inbound = await tx.selectFrom('inbound_messages').select('raw_key').where('ticket_id', 'in', ids).execute();
  await tx.deleteFrom('attachments').where('ticket_id', 'in', ids).execute();
  await tx.deleteFrom('inbound_messages').where('ticket_id', 'in', ids).execute();
  // Raised hands about these tickets (0019, no cascade): their thread, then the hands; a hand
  // elsewhere that became an escalation of these tickets keeps its story without the link.
  await tx
    .deleteFrom('hand_events')
    .where('hand_id', 'in', (eb) => eb.selectFrom('hands').select('id').where('ticket_id', 'in', ids))
    .execute();
  await tx.deleteFrom('hands').where('ticket_id', 'in', ids).execute();
  await tx
    .updateTable('hands')
    .set({ escalation_id: null })
    .where('escalation_id', 'in', (eb) => eb.selectFrom('escalations').select('id').where('ticket_id', 'in', ids))
    .execute();
  await tx
    .deleteFrom('escalation_recipients')
    .where('escalation_id', 'in', (eb) => eb.selectFrom('escalations').select('id').where('ticket_id', 'in', ids))
    .execute();
  await tx.deleteFrom('escalations').where('ticket_id', 'in', ids).execute();
  await tx
    .deleteFrom('delivery_attempts')
    .where('delivery_id', 'in', (eb) => eb.selectFrom('deliveries').select('id').where('ticket_id', 'in', ids))
    .execute();
  await tx.deleteFrom('deliveries').where('ticket_id', 'in', ids).execute();
  await tx.deleteFrom('notifications').where('ticket_id', 'in', ids).execute();
  // ticket_tags, ticket_events, ticket_sla, sla_clocks, ticket_message_ids, public links and
  // messaging conversations go with the ticket (on delete cascade).
  await tx.deleteFrom('tickets').where('id', 'in', ids).execute();
  return { attachmentKeys: attachments.map((a) => a.storage_key), rawKeys: inbound.map((r) => r.raw_key) };
}

// Raised hands (0019): about the customer when they called, or on one of their tickets.
export const handsOf = (ex: Executor, customerId: string, ticketIds: string[]) =>
  ex
    .selectFrom('hands')
    .selectAll()
    .where((eb) => (ticketIds.length ? eb.or([eb('customer_id', '=', customerId), eb('ticket_id', 'in', ticketIds)]) : eb('customer_id', '=', customerId)))
    .orderBy('raised_at')
    .execute();

export const handEventsOf = (ex: Executor, handIds: string[]) =>
  handIds.length ? ex.selectFrom('hand_events').selectAll().where('hand_id', 'in', handIds).orderBy('id').execute() : Promise.resolve([]);

/** The customer's words in a hand go; who raised it, who claimed it and when stay (the reports). */
export async function eraseHands(ex: Executor, handIds: string[], erased: string, scrub: (data: string) => string): Promise<void> {
  if (!handIds.length) return;
  const blank = (col: 'ask' | 'concern' | 'tried' | 'environment' | 'background') => sql<string>`case when ${sql.ref(col)} = '' then '' else ${erased} end`;
  await ex
    .updateTable('hands')
    .set({ caller_number: null, ask: blank('ask'), concern: blank('concern'), tried: blank('tried'), environment: blank('environment'), background: blank('background'), answer: sql<string | null>`case when answer is null then null else ${erased} end` })
    .where('id', 'in', handIds)
    .execute();
  for (const e of await handEventsOf(ex, handIds))
    await ex.updateTable('hand_events').set({ body: e.body === null ? null : erased, data: scrub(e.data) }).where('id', '=', e.id).execute();
}

/** A phone state still showing the customer's number (a call in progress) forgets it. */
export const forgetCallerNumber = (ex: Executor, phone: string) => ex.updateTable('hand_presence').set({ caller_number: null }).where('caller_number', '=', phone).execute();
