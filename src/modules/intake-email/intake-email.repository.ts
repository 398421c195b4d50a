import type { RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { InboundMessagesTable } from '../../db/schema.js';

/** Queries of the email intake: raw inbound messages and the message ids of each ticket. */

export const insertInbound = (ex: Executor, row: Omit<InboundMessagesTable, 'deliveries' | 'attempts' | 'envelope' | 'auth' | 'auth_verdict' | 'resolved_by' | 'resolved_at'> & { envelope: string }) =>
  ex.insertInto('inbound_messages').values(row).execute();

export const findInbound = (ex: Executor, id: string) => ex.selectFrom('inbound_messages').selectAll().where('id', '=', id).executeTakeFirst();

export const findInboundByKey = (ex: Executor, key: string) =>
  ex.selectFrom('inbound_messages').selectAll().where('dedupe_key', '=', key).executeTakeFirst();

/** A second delivery of a message already kept: counted, not stored again. */
export const countDelivery = (ex: Executor, id: string, now: number) =>
  ex
    .updateTable('inbound_messages')
    .set((eb) => ({ deliveries: eb('deliveries', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .execute();

/**
 * Claims a message for processing inside the caller's transaction (a row lock on PostgreSQL;
 * SQLite has one writer): true only while it is still waiting or failed.
 */
export async function claimInbound(ex: Executor, id: string, now: number): Promise<boolean> {
  const r = await ex
    .updateTable('inbound_messages')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .where('status', 'in', ['received', 'failed'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export const finishInbound = (
  ex: Executor,
  id: string,
  patch: Pick<InboundMessagesTable, 'status' | 'reason' | 'error'> & Partial<Pick<InboundMessagesTable, 'ticket_id' | 'event_id' | 'subject' | 'from_address' | 'message_id'>>,
  now: number,
) =>
  ex
    .updateTable('inbound_messages')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .execute();

export function listInbound(ex: Executor, opts: { status?: string; limit: number; before?: string; visible?: RawBuilder<boolean> | null }) {
  let q = ex.selectFrom('inbound_messages').selectAll().orderBy('id', 'desc').limit(opts.limit + 1);
  if (opts.visible) q = q.where(opts.visible);
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.before) q = q.where('id', '<', opts.before);
  return q.execute();
}

export const countInbound = (ex: Executor) =>
  ex
    .selectFrom('inbound_messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

/** Records that a message id belongs to a ticket; the first writer wins. */
export const insertMessageId = (ex: Executor, messageId: string, ticketId: string, direction: 'in' | 'out', now: number) =>
  ex
    .insertInto('ticket_message_ids')
    .values({ message_id: messageId, ticket_id: ticketId, direction, created_at: now })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .execute();

/** The ticket of the first of `ids` that Escalon sent or received (or only sent: 'out'), in the order given. */
export async function ticketOfMessageIds(ex: Executor, ids: string[], direction?: 'in' | 'out'): Promise<{ ticketId: string; messageId: string } | null> {
  if (ids.length === 0) return null;
  let q = ex.selectFrom('ticket_message_ids').select(['message_id', 'ticket_id']).where('message_id', 'in', ids.slice(0, 100));
  if (direction) q = q.where('direction', '=', direction);
  const rows = await q.execute();
  for (const id of ids) {
    const hit = rows.find((r) => r.message_id === id);
    if (hit) return { ticketId: hit.ticket_id, messageId: id };
  }
  return null;
}

/** 0014: the SPF/DKIM/DMARC facts and verdict of a kept message. */
export const setInboundAuth = (ex: Executor, id: string, auth: string, verdict: string) =>
  ex.updateTable('inbound_messages').set({ auth, auth_verdict: verdict }).where('id', '=', id).execute();

/** Marks a held message decided by `actorId`; false when it is no longer held (someone else decided). */
export async function resolveHeldInbound(ex: Executor, id: string, actorId: string, now: number): Promise<boolean> {
  const r = await ex.updateTable('inbound_messages').set({ resolved_by: actorId, resolved_at: now, updated_at: now }).where('id', '=', id).where('status', '=', 'held').where('resolved_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
