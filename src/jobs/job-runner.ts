import { Value } from '@sinclair/typebox/value';
import pg from 'pg';
import type { Db } from '../db/database.js';
import { inTransaction } from '../db/database.js';
import type { DialectName } from '../db/dialect.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import {
  NOTIFY_CHANNEL,
  claimDueJobs,
  finishJob,
  jobSignals,
  nextWakeAt,
  renewLeases,
  retryJob,
} from './jobs.repository.js';
import { backoffMs, PermanentJobError, type ClaimedJob, type JobHandler } from './jobs.types.js';

export interface JobRunnerOptions {
  db: Db;
  dialect: DialectName;
  clock: Clock;
  logger: Logger;
  /** PostgreSQL URL: the runner LISTENs there so a job written on another node wakes it. */
  listenUrl?: string;
  node?: string;
  /**
   * How long a claim lasts without renewal (default 10 s). A heartbeat renews every claim
   * this runner holds every third of it, so a dead node's jobs are taken over within one
   * lease while a living node keeps what it is working on.
   */
  leaseMs?: number;
  batchSize?: number;
  /** How many external (network) jobs run at once. */
  concurrency?: number;
  /** PostgreSQL: how many independent lanes of transactional jobs run at once. */
  transactionalConcurrency?: number;
  /** Longest sleep without a wake-up; a safety net, not the way timers are found. */
  maxSleepMs?: number;
}

export type JobObserver = (job: ClaimedJob, firedAt: number, outcome: 'done' | 'retry' | 'dead' | 'lost') => void;

/**
 * The scheduler and worker of one node. It sleeps until the earliest due job, wakes early
 * when a nearer one is written (in-process after commit, or by NOTIFY from another node),
 * claims due rows atomically and runs their handlers. Overdue jobs after downtime fire once,
 * at once, in due order.
 */
export class JobRunner {
  readonly node: string;
  private readonly handlers = new Map<string, JobHandler<never>>();
  private timer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  private running = false;
  private stopped = true;
  private rerun = false;
  private listener: pg.Client | null = null;
  private idle: Promise<void> = Promise.resolve();
  private readonly onSignal = (dueAt: number) => this.wake(dueAt);
  private readonly observers: JobObserver[] = [];
  /** Jobs this runner has claimed and not yet finished: the heartbeat renews their leases. */
  private readonly held = new Set<string>();
  /** Held jobs whose renewal found them taken over: not started, and never finished as ours. */
  private readonly lost = new Set<string>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;

  constructor(private readonly o: JobRunnerOptions) {
    this.node = o.node ?? `node-${newId().slice(-12)}`;
  }

  register<P>(kind: string, handler: JobHandler<P>): void {
    if (this.handlers.has(kind)) throw new Error(`A handler for job kind ${kind} is already registered.`);
    this.handlers.set(kind, handler as unknown as JobHandler<never>);
  }

  /** Called after every job run (metrics, benchmarks). */
  observe(fn: JobObserver): void {
    this.observers.push(fn);
  }

  async start(): Promise<void> {
    this.stopped = false;
    jobSignals.listeners.add(this.onSignal);
    if (this.o.listenUrl) {
      const client = new pg.Client({ connectionString: this.o.listenUrl });
      client.on('notification', (n) => this.wake(Number(n.payload)));
      client.on('error', (err) => this.o.logger.warn({ err }, 'job listener connection failed; relying on timed wake-ups'));
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      this.listener = client;
    }
    this.wake(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    jobSignals.listeners.delete(this.onSignal);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.idle;
    if (this.listener) await this.listener.end().catch(() => undefined);
    this.listener = null;
  }

  /** Asks the runner to look again by `dueAt` (earlier than its planned wake-up, or now). */
  wake(dueAt: number): void {
    if (this.stopped) return;
    const now = this.o.clock.now();
    if (dueAt >= this.wakeAt && this.timer) return;
    if (this.running) {
      if (dueAt <= now) this.rerun = true;
      else this.schedule(dueAt);
      return;
    }
    this.schedule(Math.max(dueAt, now));
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    if (this.timer && at >= this.wakeAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    const delay = Math.max(0, Math.min(at - this.o.clock.now(), this.o.maxSleepMs ?? 60_000));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wakeAt = Infinity;
      void this.loop();
    }, delay);
  }

  private async loop(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    let release!: () => void;
    this.idle = new Promise((r) => (release = r));
    try {
      do {
        this.rerun = false;
        while (!this.stopped && (await this.runDue()) > 0) {
          /* keep draining while jobs are due */
        }
      } while (this.rerun && !this.stopped);
      if (!this.stopped) {
        const next = await nextWakeAt(this.o.db);
        // A job written while the query above ran asked for a rerun that the loop no longer sees.
        if (this.rerun) this.schedule(this.o.clock.now());
        else if (next !== null) this.schedule(next);
        else this.schedule(this.o.clock.now() + (this.o.maxSleepMs ?? 60_000));
      }
    } catch (err) {
      this.o.logger.error({ err }, 'job runner failed; retrying shortly');
      if (!this.stopped) this.schedule(this.o.clock.now() + 1000);
    } finally {
      this.running = false;
      release();
    }
  }

  private get leaseMs(): number {
    return this.o.leaseMs ?? 10_000;
  }

  /**
   * Renews the lease of every job this runner holds, in one UPDATE. A job missing from the
   * answer was taken over by another node (our lease had lapsed): it is marked lost, so it is
   * not started here; one already running cannot finish as ours (finishJob is fenced).
   */
  async heartbeat(): Promise<void> {
    if (this.beating) return this.beating;
    if (this.held.size === 0) return;
    const ids = [...this.held];
    this.beating = (async () => {
      try {
        const renewed = new Set(
          await renewLeases(this.o.db, this.node, ids, this.o.clock.now() + this.leaseMs),
        );
        for (const id of ids) if (!renewed.has(id) && this.held.has(id)) this.lost.add(id);
      } catch (err) {
        // Not renewed: the claims may lapse and be taken over; the fence keeps that safe.
        this.o.logger.warn({ err, held: ids.length }, 'job lease renewal failed');
      } finally {
        this.beating = null;
      }
    })();
    return this.beating;
  }

  private hold(ids: string[]): void {
    for (const id of ids) this.held.add(id);
    if (this.heartbeatTimer || this.held.size === 0) return;
    const every = Math.max(20, Math.floor(this.leaseMs / 3));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), every);
    this.heartbeatTimer.unref();
  }

  private release(id: string): void {
    this.held.delete(id);
    this.lost.delete(id);
    if (this.held.size === 0 && this.heartbeatTimer) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }
  }

  /** Claims and runs one batch of due jobs; returns how many it claimed. Tests call this directly. */
  async runDue(): Promise<number> {
    const now = this.o.clock.now();
    const jobs = await claimDueJobs(
      this.o.db,
      this.o.dialect,
      this.node,
      now,
      this.leaseMs,
      this.o.batchSize ?? 100,
    );
    if (jobs.length === 0) return 0;
    this.hold(jobs.map((j) => j.id));
    // Transactional jobs (timers) run one after another in due order; external jobs (network)
    // run a few at a time. Jobs of one dedupe-key prefix keep their order in either lane.
    const external: ClaimedJob[] = [];
    const lanes = new Map<string, ClaimedJob[]>();
    for (const job of jobs) {
      const h = this.handlers.get(job.kind);
      if (h?.mode === 'external') external.push(job);
      else {
        const lane = this.o.dialect === 'postgres' ? laneOf(job) : 'all';
        lanes.set(lane, [...(lanes.get(lane) ?? []), job]);
      }
    }
    // SQLite has one writer: one lane. PostgreSQL runs independent lanes (different clocks or
    // escalations) side by side; jobs within a lane stay in due order. External jobs (network)
    // run at the same time in a sliding window, not after the timers nor in chunks: one slow
    // send does not hold up the other slots.
    await Promise.all([
      mapLimit([...lanes.values()], this.o.dialect === 'postgres' ? (this.o.transactionalConcurrency ?? 4) : 1, async (lane) => {
        for (const job of lane) await this.runOne(job);
      }),
      mapLimit(external, this.o.concurrency ?? 8, (j) => this.runOne(j)),
    ]);
    return jobs.length;
  }

  /** Runs every job due now (and any they make due now), until none is left. For tests. */
  async drain(maxRounds = 1000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const n = await this.runDue();
      if (n === 0) return total;
      total += n;
    }
    throw new Error('drain: jobs kept becoming due; is a handler rescheduling itself for now?');
  }

  private async runOne(job: ClaimedJob): Promise<void> {
    try {
      await this.runHeld(job);
    } finally {
      this.release(job.id);
    }
  }

  private async runHeld(job: ClaimedJob): Promise<void> {
    const { db, clock, logger } = this.o;
    const handler = this.handlers.get(job.kind);
    const firedAt = clock.now();
    const report = (outcome: 'done' | 'retry' | 'dead' | 'lost') => {
      for (const o of this.observers) o(job, firedAt, outcome);
    };
    // Waiting in this batch took longer than the lease and another node has it now.
    if (this.lost.has(job.id)) return report('lost');
    if (!handler) {
      await finishJob(db, job.id, this.node, 'dead', firedAt, `no handler for job kind ${job.kind}`);
      logger.error({ kind: job.kind, id: job.id }, 'job has no handler');
      return report('dead');
    }
    if (handler.schema && !Value.Check(handler.schema, job.payload)) {
      const first = [...Value.Errors(handler.schema, job.payload)][0];
      await finishJob(db, job.id, this.node, 'dead', firedAt, `invalid payload: ${first?.path ?? ''} ${first?.message ?? ''}`.trim());
      return report('dead');
    }
    try {
      if (handler.mode === 'transactional') {
        let lost = false;
        await inTransaction(db, async (tx) => {
          // The fence first: on PostgreSQL this also locks the row until commit, so a node that
          // re-claims it after our lease cannot run it a second time.
          if (!(await finishJob(tx, job.id, this.node, 'done', clock.now()))) {
            lost = true;
            return;
          }
          await handler.handle(tx, job as never, firedAt);
        });
        return report(lost ? 'lost' : 'done');
      }
      const outcome = await handler.handle(job as never, firedAt);
      if (!outcome || outcome.ok) {
        // Fenced: a job another node took over after our lease lapsed is not ours to finish.
        const finished = await finishJob(db, job.id, this.node, 'done', clock.now(), null);
        return report(finished ? 'done' : 'lost');
      }
      if (outcome.retryAt !== undefined) {
        // The handler owns its retry policy (e.g. deliveries retry by time window, not count).
        const retried = await retryJob(
          db,
          job.id,
          this.node,
          outcome.retryAt,
          clock.now(),
          outcome.response.slice(0, 2000),
        );
        return report(retried ? 'retry' : 'lost');
      }
      return await this.failed(job, outcome.response, outcome.retryable, outcome.retryAfterMs, report);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ err, kind: job.kind, id: job.id, attempt: job.attempts }, 'job failed');
      return this.failed(job, message, !(err instanceof PermanentJobError), undefined, report);
    }
  }

  private async failed(job: ClaimedJob, error: string, retryable: boolean, retryAfterMs: number | undefined, report: (o: 'retry' | 'dead') => void): Promise<void> {
    const now = this.o.clock.now();
    if (retryable && job.attempts < job.maxAttempts) {
      await retryJob(this.o.db, job.id, this.node, now + Math.max(retryAfterMs ?? 0, backoffMs(job.attempts)), now, error.slice(0, 2000));
      return report('retry');
    }
    await finishJob(this.o.db, job.id, this.node, 'dead', now, error.slice(0, 2000));
    report('dead');
  }
}

/** Jobs of one subject (the first two parts of the dedupe key, e.g. sla:<clock>) share a lane. */
export function laneOf(job: ClaimedJob): string {
  return job.dedupeKey ? job.dedupeKey.split(':').slice(0, 2).join(':') : job.id;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
