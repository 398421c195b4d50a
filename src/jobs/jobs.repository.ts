import type { Executor } from '../db/database.js';
import { json } from '../db/database.js';
import { newId } from '../lib/ids.js';

export interface EnqueueInput {
  kind: string;
  payload: Record<string, unknown>;
  dueAt: number;
  /** Same key, same job: a second enqueue with a live key is ignored (or replaces it with `replace`). */
  dedupeKey?: string;
  maxAttempts?: number;
}

/**
 * Writes a job (a timer or an outgoing side effect) inside the caller's transaction, so it
 * exists exactly when the change that caused it commits.
 */
export async function enqueueJob(ex: Executor, input: EnqueueInput, now: number, opts: { replace?: boolean } = {}): Promise<string> {
  const id = newId();
  const row = {
    id,
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
  if (!input.dedupeKey) {
    await ex.insertInto('jobs').values(row).execute();
    return id;
  }
  const q = ex.insertInto('jobs').values(row);
  if (opts.replace) {
    // Moving a due time replaces the timer: same key, new due instant, back to pending.
    await q
      .onConflict((oc) =>
        oc.column('dedupe_key').doUpdateSet({ due_at: input.dueAt, payload: row.payload, state: 'pending', attempts: 0, locked_by: null, locked_until: null, last_error: null, updated_at: now }),
      )
      .execute();
  } else {
    await q.onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
  }
  return id;
}

/** Cancels pending jobs by dedupe key (e.g. a satisfied SLA clock cancels its timers). */
export async function cancelJobs(ex: Executor, keys: string[], now: number): Promise<number> {
  if (keys.length === 0) return 0;
  const r = await ex.updateTable('jobs').set({ state: 'cancelled', updated_at: now }).where('dedupe_key', 'in', keys).where('state', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Cancels pending jobs whose dedupe key starts with a prefix (all timers of one clock or target). */
export async function cancelJobsByPrefix(ex: Executor, prefix: string, now: number): Promise<number> {
  const r = await ex
    .updateTable('jobs')
    .set({ state: 'cancelled', updated_at: now })
    .where('dedupe_key', '>=', prefix)
    .where('dedupe_key', '<', prefix + '\uffff')
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
