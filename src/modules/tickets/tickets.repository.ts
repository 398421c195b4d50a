import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { containsInsensitive, nextCounterValue, type DialectName } from '../../db/dialect.js';
import type { AttachmentsTable, TicketEventsTable, TicketsTable } from '../../db/schema.js';

export const nextTicketNumber = (ex: Executor): Promise<number> => nextCounterValue(ex, 'ticket_number');

export const insertTicket = (ex: Executor, row: TicketsTable) => ex.insertInto('tickets').values(row).execute();
export const findTicket = (ex: Executor, id: string) => ex.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
export const findTicketByNumber = (ex: Executor, n: number) => ex.selectFrom('tickets').selectAll().where('number', '=', n).executeTakeFirst();

/** Optimistic update: succeeds only if nobody changed the ticket since `version` was read. */
export async function updateTicket(ex: Executor, id: string, version: number, patch: Partial<TicketsTable>): Promise<boolean> {
  const r = await ex
    .updateTable('tickets')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertTags(ex: Executor, ticketId: string, tags: string[]) {
  if (tags.length) await ex.insertInto('ticket_tags').values(tags.map((tag) => ({ ticket_id: ticketId, tag }))).execute();
}

export async function replaceTags(ex: Executor, ticketId: string, tags: string[]) {
  await ex.deleteFrom('ticket_tags').where('ticket_id', '=', ticketId).execute();
  if (tags.length) await ex.insertInto('ticket_tags').values(tags.map((tag) => ({ ticket_id: ticketId, tag }))).execute();
}

export type TicketSort = 'created' | '-created' | 'updated' | '-updated';

export interface TicketFilter {
  status?: string[];
  priority?: string[];
  teamId?: string[];
  assigneeId?: string | null;
  unassigned?: boolean;
  requesterId?: string;
  tag?: string[];
  category?: string[];
  product?: string;
  channel?: string;
  text?: string;
  ids?: string[];
  /** SLA: tickets with an open clock breached, or (atRisk) running and due before this instant. */
  sla?: { breached: boolean; dueBefore?: number };
}

export function listTickets(
  ex: Executor,
  dialect: DialectName,
  f: TicketFilter,
  page: { limit: number; sort: TicketSort; after?: { v: number | null; id: string } },
) {
  let q = ex.selectFrom('tickets').selectAll('tickets');
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.priority?.length) q = q.where('priority', 'in', f.priority);
  if (f.teamId?.length) q = q.where('team_id', 'in', f.teamId);
  if (f.assigneeId) q = q.where('assignee_id', '=', f.assigneeId);
  if (f.unassigned) q = q.where('assignee_id', 'is', null);
  if (f.requesterId) q = q.where('requester_id', '=', f.requesterId);
  if (f.category?.length) q = q.where('category', 'in', f.category);
  if (f.product) q = q.where('product', '=', f.product);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.ids) q = q.where('tickets.id', 'in', f.ids.length ? f.ids : ['']);
  if (f.sla) {
    // The SLA module's clocks (one row per clock; superseded rows are history).
    const { breached, dueBefore } = f.sla;
    q = q.where('tickets.id', 'in', (eb) =>
      eb
        .selectFrom('sla_clocks')
        .select('sla_clocks.ticket_id')
        .where('sla_clocks.superseded_at', 'is', null)
        .where((c) =>
          c.or([
            c.and([c('sla_clocks.state', '=', 'breached'), c('sla_clocks.met_at', 'is', null)]),
            ...(!breached && dueBefore !== undefined ? [c.and([c('sla_clocks.state', '=', 'running'), c('sla_clocks.due_at', '<=', dueBefore)])] : []),
          ]),
        ),
    );
  }
  for (const tag of f.tag ?? []) {
    q = q.where('tickets.id', 'in', ex.selectFrom('ticket_tags').select('ticket_id').where('tag', '=', tag));
  }
  if (f.text) {
    const text = f.text;
    const num = /^#?(\d{1,12})$/.exec(text.trim());
    q = q.where((eb) =>
      eb.or([
        containsInsensitive(dialect, 'tickets.subject', text),
        ...(num ? [eb('tickets.number', '=', Number(num[1]))] : []),
        eb.exists(
          ex
            .selectFrom('ticket_events')
            .select(sql`1`.as('one'))
            .where(sql<boolean>`ticket_events.ticket_id = tickets.id`)
            .where('ticket_events.kind', '=', 'message.added')
            .where(containsInsensitive(dialect, 'ticket_events.body', text)),
        ),
      ]),
    );
  }
  const desc = page.sort.startsWith('-');
  const col = page.sort.endsWith('updated') ? 'updated_at' : null;
  const cmp = desc ? '<' : '>';
  if (page.after) {
    const a = page.after;
    if (col) {
      q = q.where((eb) => eb.or([eb(col, cmp, a.v as number), eb.and([eb(col, '=', a.v as number), eb('tickets.id', cmp, a.id)])]));
    } else {
      q = q.where('tickets.id', cmp, a.id);
    }
  }
  if (col) q = q.orderBy(col, desc ? 'desc' : 'asc');
  return q.orderBy('tickets.id', desc ? 'desc' : 'asc').limit(page.limit + 1).execute();
}

export const insertEvent = (ex: Executor, row: TicketEventsTable) => ex.insertInto('ticket_events').values(row).execute();

export function listEvents(ex: Executor, ticketId: string, opts: { limit: number; after?: string; visibility?: 'public'; id?: string }) {
  let q = ex
    .selectFrom('ticket_events')
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'ticket_events.author_id').on('ticket_events.author_type', '=', 'user'))
    .leftJoin('customers', (j) => j.onRef('customers.id', '=', 'ticket_events.author_id').on('ticket_events.author_type', '=', 'customer'))
    .selectAll('ticket_events')
    .select(['users.name as user_name', 'customers.name as customer_name'])
    .where('ticket_events.ticket_id', '=', ticketId)
    .orderBy('ticket_events.id')
    .limit(opts.limit + 1);
  if (opts.after) q = q.where('ticket_events.id', '>', opts.after);
  if (opts.visibility) q = q.where('ticket_events.visibility', '=', opts.visibility);
  if (opts.id) q = q.where('ticket_events.id', '=', opts.id);
  return q.execute();
}

export const insertAttachment = (ex: Executor, row: AttachmentsTable) => ex.insertInto('attachments').values(row).execute();
export const findAttachment = (ex: Executor, id: string) => ex.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
export const listAttachments = (ex: Executor, ticketId: string) =>
  ex.selectFrom('attachments').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();

/** Links uploaded files that are on no message yet to a message; returns how many were linked. */
export async function linkAttachments(ex: Executor, ticketId: string, eventId: string, ids: string[]): Promise<number> {
  const r = await ex.updateTable('attachments').set({ event_id: eventId }).where('ticket_id', '=', ticketId).where('id', 'in', ids).where('event_id', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
