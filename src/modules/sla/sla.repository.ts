import type { Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import type { SlaClocksTable, SlaPoliciesTable, TicketSlaTable } from '../../db/schema.js';

// Policies
export const findPolicy = (ex: Executor, id: string) =>
  ex.selectFrom('sla_policies').selectAll().where('id', '=', id).executeTakeFirst();
export const listPolicies = (ex: Executor, opts: { activeOnly?: boolean } = {}) => {
  let q = ex.selectFrom('sla_policies').selectAll().orderBy('position').orderBy('id');
  if (opts.activeOnly) q = q.where('active', '=', 1);
  return q.execute();
};
/** Changes whenever a policy is created, edited (its version grows) or deleted. */
export const policiesStamp = async (ex: Executor): Promise<string> => {
  const r = await ex
    .selectFrom('sla_policies')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('version').as('v'), eb.fn.max('updated_at').as('m')])
    .executeTakeFirstOrThrow();
  return `${String(r.n)}:${String(r.v)}:${String(r.m)}`;
};
export const insertPolicy = (ex: Executor, row: SlaPoliciesTable) =>
  ex.insertInto('sla_policies').values(row).execute();
export const updatePolicy = (ex: Executor, id: string, patch: Partial<SlaPoliciesTable>) =>
  ex.updateTable('sla_policies').set(patch).where('id', '=', id).execute();
export const deletePolicy = (ex: Executor, id: string) =>
  ex.deleteFrom('sla_policies').where('id', '=', id).executeTakeFirst();
export const maxPosition = async (ex: Executor): Promise<number> => {
  const r = await ex
    .selectFrom('sla_policies')
    .select((eb) => eb.fn.max<number>('position').as('p'))
    .executeTakeFirst();
  return r?.p === null || r?.p === undefined ? -1 : Number(r.p);
};

// The policy applied to a ticket
export const findTicketSla = (ex: Executor, ticketId: string) =>
  ex.selectFrom('ticket_sla').selectAll().where('ticket_id', '=', ticketId).executeTakeFirst();
/** The policies applied to several tickets (one query). */
export const findTicketSlas = (ex: Executor, ticketIds: string[]) =>
  ticketIds.length === 0
    ? Promise.resolve([])
    : ex.selectFrom('ticket_sla').selectAll().where('ticket_id', 'in', ticketIds).execute();
/** `fresh`: the ticket is being created, so there is no previous row to replace. */
export async function replaceTicketSla(ex: Executor, row: TicketSlaTable, fresh = false): Promise<void> {
  if (!fresh) await ex.deleteFrom('ticket_sla').where('ticket_id', '=', row.ticket_id).execute();
  await ex.insertInto('ticket_sla').values(row).execute();
}
export const deleteTicketSla = (ex: Executor, ticketId: string) =>
  ex.deleteFrom('ticket_sla').where('ticket_id', '=', ticketId).execute();

/** A customer's own tier and their organisation's (one query). */
export const customerTiers = (ex: Executor, customerId: string) =>
  ex
    .selectFrom('customers as c')
    .leftJoin('organizations as o', 'o.id', 'c.organization_id')
    .select(['c.tier as own', 'o.tier as org'])
    .where('c.id', '=', customerId)
    .executeTakeFirst();

// Clocks (superseded ones are kept for history but ignored)
// `lock`: on PostgreSQL the rows stay locked until commit, so a timer firing and a reply
// arriving at the same moment serialise instead of overwriting each other (SQLite has one writer).
export const findClock = (ex: Executor, id: string, lock = false) => {
  const q = ex.selectFrom('sla_clocks').selectAll().where('id', '=', id);
  return (lock && dialectOf(ex) === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
};
/** Several clocks in one query, in id order (locked like findClock). */
export const findClocks = (ex: Executor, ids: string[], lock = false) => {
  if (ids.length === 0) return Promise.resolve([]);
  const q = ex.selectFrom('sla_clocks').selectAll().where('id', 'in', ids).orderBy('id');
  return (lock && dialectOf(ex) === 'postgres' ? q.forUpdate() : q).execute();
};
/** Marks running clocks breached at their due instant (a batch of breach timers). */
export const breachClocks = (ex: Executor, ids: string[], now: number) =>
  ex
    .updateTable('sla_clocks')
    .set((eb) => ({ state: 'breached', breached_at: eb.ref('due_at'), updated_at: now }))
    .where('id', 'in', ids)
    .execute();
export const currentClocks = (ex: Executor, ticketId: string, lock = false) => {
  const q = ex
    .selectFrom('sla_clocks')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .where('superseded_at', 'is', null)
    .orderBy('id');
  return (lock && dialectOf(ex) === 'postgres' ? q.forUpdate() : q).execute();
};
export const insertClock = (ex: Executor, row: SlaClocksTable) =>
  ex.insertInto('sla_clocks').values(row).execute();
export const insertClocks = (ex: Executor, rows: SlaClocksTable[]) =>
  ex.insertInto('sla_clocks').values(rows).execute();
export const updateClock = (ex: Executor, id: string, patch: Partial<SlaClocksTable>) =>
  ex.updateTable('sla_clocks').set(patch).where('id', '=', id).execute();

// Holds (0020): a ticket's clocks paused while a major incident owns it.
export const isHeld = async (ex: Executor, ticketId: string): Promise<boolean> =>
  !!(await ex.selectFrom('sla_holds').select('ticket_id').where('ticket_id', '=', ticketId).limit(1).executeTakeFirst());
export const insertHold = (ex: Executor, row: { ticket_id: string; source: string; created_at: number }) =>
  ex.insertInto('sla_holds').values(row).onConflict((oc) => oc.columns(['ticket_id', 'source']).doNothing()).execute();
/** The holds of `source` on these tickets are removed; returns the tickets that had one (in the order given). */
export async function deleteHolds(ex: Executor, ticketIds: string[], source: string): Promise<string[]> {
  if (!ticketIds.length) return [];
  const rows = await ex.deleteFrom('sla_holds').where('ticket_id', 'in', ticketIds).where('source', '=', source).returning('ticket_id').execute();
  const had = new Set(rows.map((r) => r.ticket_id));
  return ticketIds.filter((t) => had.has(t));
}
/** Those of the tickets that some hold still pauses. */
export const heldAmong = async (ex: Executor, ticketIds: string[]): Promise<Set<string>> =>
  ticketIds.length === 0 ? new Set() : new Set((await ex.selectFrom('sla_holds').select('ticket_id').where('ticket_id', 'in', ticketIds).execute()).map((r) => r.ticket_id));
export const deleteHold = async (ex: Executor, ticketId: string, source: string): Promise<boolean> =>
  Number((await ex.deleteFrom('sla_holds').where('ticket_id', '=', ticketId).where('source', '=', source).executeTakeFirst()).numDeletedRows) > 0;
