import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { afterCommit, json, parseJson } from '../db/database.js';
import { dialectOf, type DialectName } from '../db/dialect.js';
import type { JobRow } from '../db/schema.js';
import type { ClaimedJob } from './jobs.types.js';
import { newId } from '../lib/ids.js';

export interface EnqueueInput {
  kind: string;
  payload: Record<string, unknown>;
  dueAt: number;
  /** Same key, same job: a second enqueue with a live key is ignored (or replaces it with `replace`). */
  dedupeKey?: string;
  maxAttempts?: number;
}

/** A new pending job row for `input`. */
function jobRow(input: EnqueueInput, now: number) {
  return {
    id: newId(),
    kind: input.kind,
    dedupe_key: input.dedupeKey ?? null,
    payload: json(input.payload),
    due_at: input.dueAt,
    state: 'pending',
    attempts: 0,
    max_attempts: input.maxAttempts ?? 1,
    locked_by: null,
    locked_until: null,
    last_error: null,
    created_at: now,
    updated_at: now,
  };
}

/** Wakes this node (after commit) and the others (NOTIFY) when `dueAt` is the transaction's earliest job. */
async function announceEarliest(ex: Executor, dueAt: number): Promise<void> {
  if (!earliestInTransaction(ex, dueAt)) return;
  jobSignals.announce(ex, dueAt);
  if (dialectOf(ex) === 'postgres') await notifyPeers(ex, dueAt);
}

/**
 * Writes a job (a timer or an outgoing side effect) inside the caller's transaction, so it
 * exists exactly when the change that caused it commits.
 */
export async function enqueueJob(
  ex: Executor,
  input: EnqueueInput,
  now: number,
  opts: { replace?: boolean } = {},
): Promise<string> {
  await announceEarliest(ex, input.dueAt);
  const row = jobRow(input, now);
  const id = row.id;
  if (!input.dedupeKey) {
    await ex.insertInto('jobs').values(row).execute();
    return id;
  }
  const q = ex.insertInto('jobs').values(row);
  if (opts.replace) {
    // Moving a due time replaces the timer: same key, new due instant, back to pending.
    await q
      .onConflict((oc) =>
        oc.column('dedupe_key').doUpdateSet({
          due_at: input.dueAt,
          payload: row.payload,
          state: 'pending',
          attempts: 0,
          locked_by: null,
          locked_until: null,
          last_error: null,
          updated_at: now,
        }),
      )
      .execute();
  } else {
    await q.onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
  }
  return id;
}

/**
 * Writes several keyed jobs in one statement (a clock's warnings and breach), with the same
 * rules as enqueueJob for each; keys must differ.
 */
export async function enqueueJobs(
  ex: Executor,
  inputs: (EnqueueInput & { dedupeKey: string })[],
  now: number,
  opts: { replace?: boolean } = {},
): Promise<void> {
  if (inputs.length === 0) return;
  if (inputs.length === 1) return void (await enqueueJob(ex, inputs[0]!, now, opts));
  await announceEarliest(ex, Math.min(...inputs.map((i) => i.dueAt)));
  const rows = inputs.map((input) => jobRow(input, now));
  const q = ex.insertInto('jobs').values(rows);
  if (opts.replace) {
    await q
      .onConflict((oc) =>
        oc.column('dedupe_key').doUpdateSet((eb) => ({
          due_at: eb.ref('excluded.due_at'),
          payload: eb.ref('excluded.payload'),
          state: 'pending',
          attempts: 0,
          locked_by: null,
          locked_until: null,
          last_error: null,
          updated_at: now,
        })),
      )
      .execute();
  } else {
    await q.onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
  }
}

/** Cancels pending jobs by dedupe key (e.g. a satisfied SLA clock cancels its timers). */
export async function cancelJobs(ex: Executor, keys: string[], now: number): Promise<number> {
  if (keys.length === 0) return 0;
  const r = await ex
    .updateTable('jobs')
    .set({ state: 'cancelled', updated_at: now })
    .where('dedupe_key', 'in', keys)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Cancels pending jobs whose dedupe key starts with a prefix (all timers of one clock or target).
 * Keys are ASCII, compared byte-wise: the range [prefix, prefix + U+FFFF) holds exactly the keys
 * starting with the prefix. The access path is the key index on both databases, never the state
 * indexes (which would walk every pending job): PostgreSQL reads the partial index of pending
 * keys (migration 0009, COLLATE "C"); on SQLite `+state` keeps the planner on the unique key
 * index. jobs.plans.int.test.ts asserts both plans.
 */
export async function cancelJobsByPrefix(ex: Executor, prefix: string, now: number): Promise<number> {
  const upper = prefix + '\uffff';
  const r =
    dialectOf(ex) === 'postgres'
      ? await sql`update jobs set state = 'cancelled', updated_at = ${now} where dedupe_key collate "C" >= ${prefix} and dedupe_key collate "C" < ${upper} and state = 'pending'`.execute(
          ex,
        )
      : await sql`update jobs set state = 'cancelled', updated_at = ${now} where dedupe_key >= ${prefix} and dedupe_key < ${upper} and +state = 'pending'`.execute(
          ex,
        );
  return Number(r.numAffectedRows ?? 0);
}

/**
 * The earliest due instant already announced by this transaction. A scheduler woken for the
 * earliest job looks in the database again after running it (nextWakeAt), so later jobs of the
 * same transaction need no wake-up (and no NOTIFY round trip) of their own.
 */
const announced = new WeakMap<object, number>();
function earliestInTransaction(ex: Executor, dueAt: number): boolean {
  if (!ex.isTransaction) return true;
  const before = announced.get(ex);
  if (before !== undefined && before <= dueAt) return false;
  announced.set(ex, dueAt);
  return true;
}

/** A savepoint with announced jobs was rolled back: the next job written announces itself again. */
export function forgetAnnounced(tx: Executor): void {
  announced.delete(tx);
}

type Wake = (dueAt: number) => void;

/**
 * Wakes the schedulers when a job is written: in this process after the commit, and on
 * PostgreSQL every node through NOTIFY (delivered by the server at commit).
 */
export const jobSignals = {
  listeners: new Set<Wake>(),
  announce(ex: Executor, dueAt: number): void {
    afterCommit(ex, () => {
      for (const l of this.listeners) l(dueAt);
    });
  },
};

export const NOTIFY_CHANNEL = 'escalon_jobs';

export async function notifyPeers(ex: Executor, dueAt: number): Promise<void> {
  await sql`select pg_notify(${NOTIFY_CHANNEL}, ${String(dueAt)})`.execute(ex);
}

const toClaimed = (r: JobRow): ClaimedJob => ({
  id: r.id,
  kind: r.kind,
  dedupeKey: r.dedupe_key,
  payload: parseJson<Record<string, unknown>>(r.payload, {}),
  dueAt: Number(r.due_at),
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
});

/** Which kinds a claim takes: only these, or all but these. */
export interface KindFilter {
  only?: string[];
  except?: string[];
}

/**
 * Claims up to `limit` due jobs atomically, in due order: running jobs whose lease expired
 * (their node died) first, then pending jobs whose time has come. PostgreSQL skips rows another
 * node is claiming at the same moment; SQLite has a single writer.
 *
 * Two statements, each made of ordered index ranges that stop after `limit` rows, instead of
 * one OR of both states (a multi-index OR plus a sort of every due job on each claim): lapsed
 * leases on jobs_lease (state, locked_until); pending jobs on jobs_due_order (state, due_at,
 * id) for every kind, or, with `kinds.only` (the runner claims its timers, its fan-outs and its
 * network jobs separately), one range per kind on jobs_kind_due (state, kind, due_at, id),
 * merged: a claim for timers never walks a backlog of due mail jobs, nor the other way round.
 * query-plans.int.test.ts asserts the plans.
 */
export async function claimDueJobs(
  ex: Executor,
  dialect: DialectName,
  node: string,
  now: number,
  leaseMs: number,
  limit: number,
  kinds: KindFilter = {},
  /** lapsed: false skips the look for jobs whose lease lapsed (the caller looked a moment ago). */
  opts: { lapsed?: boolean } = {},
): Promise<ClaimedJob[]> {
  if (limit <= 0 || (kinds.only && kinds.only.length === 0)) return [];
  const lock = dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const kind = kinds.only
    ? sql`and kind in (${sql.join(kinds.only)})`
    : kinds.except?.length
      ? sql`and kind not in (${sql.join(kinds.except)})`
      : sql``;
  const set = sql`state = 'running', locked_by = ${node}, locked_until = ${now + leaseMs}, attempts = attempts + 1, updated_at = ${now}`;
  const lapsed = opts.lapsed === false ? { rows: [] as JobRow[] } : await sql<JobRow>`
    update jobs set ${set}
    where id in (
      select id from jobs
      where state = 'running' and locked_until < ${now} ${kind}
      order by state, locked_until
      limit ${limit}
      ${lock}
    )
    returning *`.execute(ex);
  const rows = lapsed.rows;
  const left = limit - rows.length;
  if (left > 0 && kinds.only) {
    const ranges = kinds.only.map(
      (k) =>
        sql`select * from (select id, due_at from jobs where state = 'pending' and kind = ${k} and due_at <= ${now} order by due_at, id limit ${left}) as r`,
    );
    const pending = await sql<JobRow>`
      update jobs set ${set}
      where id in (
        select j.id from (${sql.join(ranges, sql` union all `)}) as c cross join jobs as j
        where j.id = c.id and j.state = 'pending'
        order by c.due_at, c.id
        limit ${left}
        ${dialect === 'postgres' ? sql`for update of j skip locked` : sql``}
      )
      returning *`.execute(ex);
    rows.push(...pending.rows);
  } else if (left > 0) {
    const pending = await sql<JobRow>`
      update jobs set ${set}
      where id in (
        select id from jobs
        where state = 'pending' and due_at <= ${now} ${kind}
        order by state, due_at, id
        limit ${left}
        ${lock}
      )
      returning *`.execute(ex);
    rows.push(...pending.rows);
  }
  return rows.map(toClaimed).sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
}

/** Marks a claimed job finished, only if this node still holds it (the fence). */
export async function finishJob(
  ex: Executor,
  id: string,
  node: string,
  state: 'done' | 'dead' | 'cancelled',
  now: number,
  lastError: string | null = null,
): Promise<boolean> {
  return (await finishJobs(ex, [id], node, state, now, lastError)).has(id);
}

/**
 * finishJob for many jobs of this node at once, fenced the same way: returns the ids it
 * finished; a job missing from the answer was taken over by another node.
 */
export async function finishJobs(
  ex: Executor,
  ids: string[],
  node: string,
  state: 'done' | 'dead' | 'cancelled',
  now: number,
  lastError: string | null = null,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await ex
    .updateTable('jobs')
    .set({ state, locked_by: null, locked_until: null, last_error: lastError, updated_at: now })
    .where('id', 'in', ids)
    .where('state', '=', 'running')
    .where('locked_by', '=', node)
    .returning('id')
    .execute();
  return new Set(r.map((x) => x.id));
}

/** Puts a claimed job back for another attempt at `dueAt`. */
export async function retryJob(
  ex: Executor,
  id: string,
  node: string,
  dueAt: number,
  now: number,
  lastError: string,
): Promise<boolean> {
  const r = await ex
    .updateTable('jobs')
    .set({
      state: 'pending',
      due_at: dueAt,
      locked_by: null,
      locked_until: null,
      last_error: lastError,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('locked_by', '=', node)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Gives back the jobs a node holds (shutdown): pending again with the lease cleared, due as
 * they were, so another node takes them at once instead of after the lease. `ids` limits it to
 * jobs claimed but never started, whose claim did not count as an attempt.
 */
export async function releaseJobs(
  ex: Executor,
  node: string,
  now: number,
  opts: { ids?: string[] } = {},
): Promise<number> {
  if (opts.ids && opts.ids.length === 0) return 0;
  let q = ex
    .updateTable('jobs')
    .set({ state: 'pending', locked_by: null, locked_until: null, updated_at: now })
    .where('state', '=', 'running')
    .where('locked_by', '=', node);
  if (opts.ids)
    q = q
      .set({ attempts: sql<number>`case when attempts > 0 then attempts - 1 else 0 end` })
      .where('id', 'in', opts.ids);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * The heartbeat: extends the lease of every listed job this node still holds, in one
 * statement; returns the ids this node still holds (a missing one was taken over by another
 * node). On PostgreSQL it never waits for a row lock: a row locked by a transaction that is
 * running the job right now (a timer batch, which locked it with its fence) is skipped, not
 * waited for, and counts as still held when its committed state says so. Waiting there would
 * stall every renewal behind the slowest batch, and could deadlock with a batch that locks a
 * row the heartbeat has already updated.
 */
export async function renewLeases(
  ex: Executor,
  node: string,
  ids: string[],
  lockedUntil: number,
): Promise<string[]> {
  if (ids.length === 0) return [];
  if (dialectOf(ex) !== 'postgres') {
    const r = await ex
      .updateTable('jobs')
      .set({ locked_until: lockedUntil })
      .where('id', 'in', ids)
      .where('state', '=', 'running')
      .where('locked_by', '=', node)
      .returning('id')
      .execute();
    return r.map((x) => x.id);
  }
  const renewed = await sql<{ id: string }>`
    update jobs set locked_until = ${lockedUntil}
    where id in (
      select id from jobs
      where id in (${sql.join(ids)}) and state = 'running' and locked_by = ${node}
      for update skip locked
    )
    returning id`.execute(ex);
  const held = renewed.rows.map((x) => x.id);
  if (held.length === ids.length) return held;
  const got = new Set(held);
  // Skipped (locked right now): still ours as far as anything committed says.
  const busy = await ex
    .selectFrom('jobs')
    .select('id')
    .where(
      'id',
      'in',
      ids.filter((id) => !got.has(id)),
    )
    .where('state', '=', 'running')
    .where('locked_by', '=', node)
    .execute();
  return [...held, ...busy.map((x) => x.id)];
}

/** Makes pending jobs whose dedupe key starts with `prefix` due now at the latest (a retry brought forward). */
export async function bringJobsForward(ex: Executor, prefix: string, now: number): Promise<number> {
  const r = await ex
    .updateTable('jobs')
    .set({ due_at: now, updated_at: now })
    .where('dedupe_key', '>=', prefix)
    .where('dedupe_key', '<', prefix + '\uffff')
    .where('state', '=', 'pending')
    .where('due_at', '>', now)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) > 0) {
    jobSignals.announce(ex, now);
    if (dialectOf(ex) === 'postgres') await notifyPeers(ex, now);
  }
  return Number(r.numUpdatedRows);
}

/**
 * The earliest instant at which some job needs attention (a due job or an expiring lease);
 * `onlyKinds` counts pending jobs of those kinds only (the runner leaves out the kinds its
 * busy workers claim by themselves): one index lookup per kind on jobs_kind_due, never a walk
 * over the due jobs of other kinds.
 */
export async function nextWakeAt(
  ex: Executor,
  opts: { onlyKinds?: string[] } = {},
): Promise<number | null> {
  let due: unknown;
  if (opts.onlyKinds) {
    if (opts.onlyKinds.length > 0) {
      const mins = opts.onlyKinds.map(
        (k) => sql`select (select min(due_at) from jobs where state = 'pending' and kind = ${k}) as d`,
      );
      const r = await sql<{ due: unknown }>`select min(d) as due from (${sql.join(mins, sql` union all `)}) as m`.execute(ex);
      due = r.rows[0]?.due;
    }
  } else {
    const r = await ex
      .selectFrom('jobs')
      .select((eb) => eb.fn.min<number>('due_at').as('due'))
      .where('state', '=', 'pending')
      .executeTakeFirst();
    due = r?.due;
  }
  const lease = await ex
    .selectFrom('jobs')
    .select((eb) => eb.fn.min<number>('locked_until').as('until'))
    .where('state', '=', 'running')
    .executeTakeFirst();
  const candidates = [due, lease?.until]
    .filter((x) => x !== null && x !== undefined)
    .map(Number);
  return candidates.length ? Math.min(...candidates) : null;
}

export const findJobByKey = (ex: Executor, key: string) =>
  ex.selectFrom('jobs').selectAll().where('dedupe_key', '=', key).executeTakeFirst();

/**
 * How many pending jobs have a dedupe key starting with `prefix`, counted up to `cap` only: the
 * key index range (as cancelJobsByPrefix reads it), never the state indexes.
 * The status-page fan-out (incidents) writes its next page of mail jobs when the senders have caught up.
 */
export const pendingJobsWithPrefix = async (ex: Executor, prefix: string, cap: number): Promise<number> => {
  const upper = prefix + '\uffff';
  const r =
    dialectOf(ex) === 'postgres'
      ? await sql<{ n: number }>`select count(*) as n from (select 1 from jobs where dedupe_key collate "C" >= ${prefix} and dedupe_key collate "C" < ${upper} and state = 'pending' limit ${cap}) t`.execute(ex)
      : await sql<{ n: number }>`select count(*) as n from (select 1 from jobs where dedupe_key >= ${prefix} and dedupe_key < ${upper} and +state = 'pending' limit ${cap}) t`.execute(ex);
  return Number(r.rows[0]?.n ?? 0);
};
