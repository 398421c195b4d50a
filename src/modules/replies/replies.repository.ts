/** Queries of replies to customers (portable SQL; no rules here). */
import type { Executor } from '../../db/database.js';
import type { DeliveriesTable } from '../../db/schema.js';

const withRequester = (ex: Executor) =>
  ex
    .selectFrom('tickets')
    .leftJoin('customers', 'customers.id', 'tickets.requester_id')
    .select(['tickets.id', 'tickets.number', 'tickets.subject', 'tickets.channel', 'tickets.cc', 'tickets.requester_id', 'customers.email as requester_email', 'customers.locale as requester_locale']);

export const ticketWithRequester = (ex: Executor, ticketId: string) => withRequester(ex).where('tickets.id', '=', ticketId).executeTakeFirst();

/** What the reply mails sent together need (replies.service send): their tickets, events and files, one query each. */
export async function mailFactsOf(ex: Executor, replies: { eventId: string; ticketId: string }[]) {
  const ticketIds = [...new Set(replies.map((r) => r.ticketId))];
  const eventIds = [...new Set(replies.map((r) => r.eventId))];
  const tickets = await ticketsWithRequester(ex, ticketIds);
  const events = eventIds.length
    ? await ex.selectFrom('ticket_events').leftJoin('users', 'users.id', 'ticket_events.author_id').select(['ticket_events.id', 'ticket_events.body', 'ticket_events.body_format', 'ticket_events.ticket_id', 'users.name as author_name']).where('ticket_events.id', 'in', eventIds).execute()
    : [];
  const files = eventIds.length ? await ex.selectFrom('attachments').select(['id', 'event_id', 'filename', 'content_type', 'storage_key', 'size']).where('event_id', 'in', eventIds).orderBy('id').execute() : [];
  return { tickets: new Map(tickets.map((t) => [t.id, t])), events: new Map(events.map((e) => [e.id, e])), files };
}

/** ticketWithRequester for several tickets (a fan-out's batch of replies). */
export const ticketsWithRequester = (ex: Executor, ticketIds: string[]) =>
  ticketIds.length === 0 ? Promise.resolve([]) : withRequester(ex).where('tickets.id', 'in', ticketIds).execute();

export const conversationOf = (ex: Executor, ticketId: string) =>
  ex
    .selectFrom('messaging_conversations')
    .innerJoin('messaging_integrations', 'messaging_integrations.id', 'messaging_conversations.integration_id')
    .select(['messaging_conversations.conversation_id', 'messaging_integrations.id as integration_id', 'messaging_integrations.outbound_url', 'messaging_integrations.secret', 'messaging_integrations.active'])
    .where('messaging_conversations.ticket_id', '=', ticketId)
    .orderBy('messaging_conversations.updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();

/** Message ids of a ticket, oldest first (the References chain). */
export const messageIdsOf = (ex: Executor, ticketId: string) =>
  ex.selectFrom('ticket_message_ids').select(['message_id', 'direction', 'created_at']).where('ticket_id', '=', ticketId).orderBy('created_at').orderBy('message_id').execute();

/** messageIdsOf for several tickets, each ticket's oldest first. */
export const messageIdsOfTickets = (ex: Executor, ticketIds: string[]) =>
  ticketIds.length === 0
    ? Promise.resolve([])
    : ex.selectFrom('ticket_message_ids').select(['ticket_id', 'message_id', 'direction', 'created_at']).where('ticket_id', 'in', ticketIds).orderBy('ticket_id').orderBy('created_at').orderBy('message_id').execute();

/** Outgoing message ids of queued replies (a thread's answer comes back to its ticket), in one statement. */
export async function insertOutgoingMessageIds(ex: Executor, rows: { message_id: string; ticket_id: string; direction: 'out'; created_at: number }[]): Promise<void> {
  if (rows.length) await ex.insertInto('ticket_message_ids').values(rows).onConflict((oc) => oc.column('message_id').doNothing()).execute();
}

export async function insertDelivery(ex: Executor, row: DeliveriesTable): Promise<void> {
  await ex.insertInto('deliveries').values(row).execute();
}

export async function insertDeliveries(ex: Executor, rows: DeliveriesTable[]): Promise<void> {
  if (rows.length) await ex.insertInto('deliveries').values(rows).execute();
}

export const deliveriesOfEvents = (ex: Executor, eventIds: string[]) =>
  eventIds.length === 0 ? Promise.resolve([]) : ex.selectFrom('deliveries').selectAll().where('event_id', 'in', eventIds).orderBy('id').execute();

export const markBounced = (ex: Executor, messageId: string, response: string, now: number) =>
  ex.updateTable('deliveries').set({ state: 'bounced', last_response: response.slice(0, 2000), updated_at: now }).where('message_id', '=', messageId).executeTakeFirst();

export const findByMessageId = (ex: Executor, messageId: string) => ex.selectFrom('deliveries').select(['id', 'event_id']).where('message_id', '=', messageId).executeTakeFirst();

export const countAutomaticMail = async (ex: Executor, address: string, since: number): Promise<number> =>
  Number((await ex.selectFrom('automatic_mail_log').select((eb) => eb.fn.countAll<number>().as('n')).where('address', '=', address).where('created_at', '>=', since).executeTakeFirst())?.n ?? 0);

export const logAutomaticMail = (ex: Executor, row: { id: string; address: string; kind: string; created_at: number }) => ex.insertInto('automatic_mail_log').values(row).execute();


/** Which of these addresses a hard bounce marked bouncing on a customer, with that bounce's status. */
export const bouncingAddresses = (ex: Executor, addresses: string[]) =>
  addresses.length === 0
    ? Promise.resolve([])
    : ex.selectFrom('customers').select(['email', 'email_bouncing_status']).where('email', 'in', addresses.map((a) => a.toLowerCase())).where('email_bouncing_at', 'is not', null).execute();
