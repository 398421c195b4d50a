import type { TSchema } from '@sinclair/typebox';
import type { Tx } from '../db/database.js';

export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'dead' | 'cancelled';

export interface ClaimedJob<P = Record<string, unknown>> {
  id: string;
  kind: string;
  dedupeKey: string | null;
  payload: P;
  dueAt: number;
  attempts: number;
  maxAttempts: number;
}

/**
 * A job handler. `transactional` handlers run inside one transaction that also marks the job
 * done, fenced by the claim: their database effects happen exactly once, even when two nodes
 * race or a node dies mid-handler. `external` handlers talk to the outside world (SMTP, HTTP):
 * they run outside a transaction and are retried until they succeed (at least once; the
 * receiver deduplicates by the job's dedupe key).
 */
export type JobHandler<P = Record<string, unknown>> =
  | {
      mode: 'transactional';
      schema?: TSchema;
      /**
       * 'bulk': an outbox fan-out (rendering, many rows per job) that runs in its own loop, so a
       * due timer never waits behind a flood of them. Default 'timers': the timer loop.
       */
      loop?: 'timers' | 'bulk';
      handle(tx: Tx, job: ClaimedJob<P>, now: number): Promise<void>;
      /**
       * Optional: several due jobs of this kind handled set-wise, in one go (a burst of SLA
       * breaches: one UPDATE of the clocks, one INSERT of the events), with the same effects as
       * `handle` for each. The runner calls it inside a batch transaction for jobs that are alone
       * in their lane (no earlier job of their subject in the batch), each of them already fenced
       * (marked done only if this node still held it, in the same transaction). If it throws,
       * its work is rolled back and the jobs go through `handle` one by one, so one failing job
       * does not fail the others.
       */
      handleMany?(tx: Tx, jobs: ClaimedJob<P>[], now: number): Promise<void>;
      /**
       * handleMany handles its jobs one after the other in the order given (due order), with the
       * effects of `handle` for each in that order: jobs of one subject may then share a set-wise
       * batch (a burst of notify intents about one ticket), as long as no job of another kind is
       * in their lane in the same claim.
       */
      manyInOrder?: boolean;
    }
  | {
      mode: 'external';
      schema?: TSchema;
      handle(job: ClaimedJob<P>, now: number): Promise<ExternalOutcome | void>;
      /**
       * Optional: several due jobs of this kind handled set-wise (a batch of deliveries: one read
       * of them all, the sends side by side, their outcomes written together), with the outcome
       * of `handle` for each, in the order given. The runner claims up to `manyMax` of them at once
       * (default 32), runs at most `manyAtOnce` such batches at a time (default 2), holds their
       * leases meanwhile (heartbeat), and finishes them fenced: the successes in one statement,
       * each failure retried or dead as `handle`'s would be. If it throws, every job of the batch
       * counts as failed (retried with backoff).
       */
      handleMany?(jobs: ClaimedJob<P>[], now: number): Promise<(ExternalOutcome | void)[]>;
      manyMax?: number;
      manyAtOnce?: number;
    };

export type ExternalOutcome =
  | { ok: true; response?: string }
  | {
      ok: false;
      retryable: boolean;
      response: string;
      retryAfterMs?: number;
      /** The instant of the next attempt, decided by the handler: the runner neither counts nor backs off. */
      retryAt?: number;
    };

/** Thrown by a handler to give up at once (no retry): the job goes to the dead-letter state. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Exponential backoff with full jitter: 2^attempt seconds, capped at an hour. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(3600_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + random() * (base / 2));
}
