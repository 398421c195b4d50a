/** Queries of raise a hand: hands, their events, people's hands presence. Portable SQL only. */
import type { Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import type { HandEventsTable, HandPresenceTable, HandsTable } from '../../db/schema.js';

export const insertHand = (ex: Executor, row: HandsTable) => ex.insertInto('hands').values(row).execute();

/** Loads a hand; on PostgreSQL the row stays locked until commit (timers and people race). */
export const findHand = (ex: Executor, id: string, opts: { lock?: boolean } = {}) => {
  const q = ex.selectFrom('hands').selectAll().where('id', '=', id);
  return (opts.lock && dialectOf(ex) === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
};

/**
 * Changes a hand only while it is in one of `states`: the one statement that decides a race
 * (twenty supervisors claiming at once: one row changes, the others change nothing).
 * Returns whether the row changed.
 */
export async function updateHandIf(ex: Executor, id: string, states: readonly string[], patch: Updateable<HandsTable>): Promise<boolean> {
  const r = await ex.updateTable('hands').set(patch).where('id', '=', id).where('state', 'in', [...states]).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface HandFilter {
  states?: string[];
  teamId?: string;
  operatorId?: string;
  /** Hands raised at or after this instant (closed hands of today, the wallboard). */
  since?: number;
  limit: number;
}

/** Oldest first for open and claimed hands (the panel), newest first when closed ones are asked. */
export const listHands = (ex: Executor, f: HandFilter) => {
  let q = ex.selectFrom('hands').selectAll();
  if (f.states?.length) q = q.where('state', 'in', f.states);
  if (f.teamId) q = q.where('team_id', '=', f.teamId);
  if (f.operatorId) q = q.where('operator_id', '=', f.operatorId);
  if (f.since !== undefined) q = q.where('raised_at', '>=', f.since);
  const newestFirst = f.states?.includes('closed') ?? true;
  return q.orderBy('raised_at', newestFirst ? 'desc' : 'asc').orderBy('id', newestFirst ? 'desc' : 'asc').limit(f.limit).execute();
};

/** Hands raised in [from, to) for the report. */
export const handsRaisedBetween = (ex: Executor, from: number, to: number) =>
  ex.selectFrom('hands').selectAll().where('raised_at', '>=', from).where('raised_at', '<', to).orderBy('raised_at').limit(50_000).execute();

export const insertHandEvent = (ex: Executor, row: HandEventsTable) => ex.insertInto('hand_events').values(row).execute();

export const handEvents = (ex: Executor, handId: string) =>
  ex.selectFrom('hand_events').selectAll().where('hand_id', '=', handId).orderBy('id').execute();

export const findPresence = (ex: Executor, userId: string) =>
  ex.selectFrom('hand_presence').selectAll().where('user_id', '=', userId).executeTakeFirst();

export async function putPresence(ex: Executor, row: HandPresenceTable): Promise<void> {
  const { user_id: _id, ...rest } = row;
  await ex
    .insertInto('hand_presence')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(rest))
    .execute();
}

export const allPresence = (ex: Executor) => ex.selectFrom('hand_presence').selectAll().execute();

/** Claimed, not yet closed hands per supervisor. */
export async function activeHandCounts(ex: Executor): Promise<Record<string, number>> {
  const rows = await ex
    .selectFrom('hands')
    .select(['claimed_by'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'claimed')
    .groupBy('claimed_by')
    .execute();
  return Object.fromEntries(rows.filter((r) => r.claimed_by).map((r) => [r.claimed_by!, Number(r.n)]));
}

/** Role of every active user. */
export async function activeRoles(ex: Executor): Promise<Record<string, string>> {
  const rows = await ex.selectFrom('users').select(['id', 'role']).where('active', '=', 1).execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.role]));
}

export const userFacts = (ex: Executor, ids: string[]) =>
  ids.length ? ex.selectFrom('users').select(['id', 'name', 'role', 'availability']).where('id', 'in', [...new Set(ids)]).execute() : Promise.resolve([]);

export const teamNames = (ex: Executor, ids: string[]) =>
  ids.length ? ex.selectFrom('teams').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute() : Promise.resolve([]);

export const ticketFacts = (ex: Executor, ids: string[]) =>
  ids.length ? ex.selectFrom('tickets').select(['id', 'number', 'requester_id', 'team_id']).where('id', 'in', [...new Set(ids)]).execute() : Promise.resolve([]);

/** The customer with this phone number (as written, or digits only), if exactly one has it. */
export async function customerByPhone(ex: Executor, phone: string): Promise<string | null> {
  const digits = phone.replace(/[^0-9+]/g, '');
  const rows = await ex
    .selectFrom('customers')
    .select('id')
    .where('erased_at', 'is', null)
    .where('phone', 'in', [...new Set([phone, digits])])
    .limit(2)
    .execute();
  return rows.length === 1 ? rows[0]!.id : null;
}

/** Everyone on a call now (the floor view). */
export const peopleOnCall = (ex: Executor) =>
  ex.selectFrom('hand_presence').innerJoin('users', 'users.id', 'hand_presence.user_id').select(['users.id', 'users.name', 'users.role', 'hand_presence.call_started_at']).where('hand_presence.on_call', '=', 1).orderBy('users.name').execute();

/** Supervisors and managers with their availability and hands presence (the floor view). */
export const floorSupervisors = (ex: Executor) =>
  ex
    .selectFrom('users')
    .leftJoin('hand_presence', 'hand_presence.user_id', 'users.id')
    .select(['users.id', 'users.name', 'users.role', 'users.availability', 'hand_presence.available_for_hands', 'hand_presence.on_call'])
    .where('users.active', '=', 1)
    .where('users.role', 'in', ['supervisor', 'manager'])
    .orderBy('users.name')
    .execute();
