import { Value } from '@sinclair/typebox/value';
import type { Db } from '../db/database.js';
import { sql } from 'kysely';
import { inSavepoint, inTransaction } from '../db/database.js';
import { databaseFault, type DatabaseFault, type DialectName } from '../db/dialect.js';
import { PgListener } from '../db/pg-listener.js';
import type { Clock } from '../lib/clock.js';
import { Coalescer } from '../lib/coalesce.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import {
  NOTIFY_CHANNEL,
  claimDueJobs,
  finishJob,
  finishJobs,
  forgetAnnounced,
  jobSignals,
  nextWakeAt,
  releaseJobs,
  renewLeases,
  retryJob,
  type KindFilter,
} from './jobs.repository.js';
import { backoffMs, PermanentJobError, type ClaimedJob, type ExternalOutcome, type JobHandler } from './jobs.types.js';

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
  /**
   * Timers claimed at once (default: one transaction's worth, 50, on SQLite; 64 on PostgreSQL,
   * up to 16 per lane worker's transaction). A batch transaction also stops after a short time
   * budget (20 ms SQLite, 100 ms PostgreSQL), so a timer due meanwhile waits little; the claim
   * is one index range read per kind.
   */
  batchSize?: number;
  /** How many external (network) jobs run at once. */
  concurrency?: number;
  /** PostgreSQL: how many independent lanes of transactional jobs run at once. */
  transactionalConcurrency?: number;
  /**
   * Longest sleep without a wake-up; a safety net, not the way timers are found (default 5 s
   * on PostgreSQL, where a NOTIFY lost while LISTEN reconnects is found by it; 60 s on SQLite).
   */
  maxSleepMs?: number;
  /** stop(): how long running jobs may take to finish before they are released (default 10 s). */
  shutdownGraceMs?: number;
}

export type JobObserver = (
  job: ClaimedJob,
  firedAt: number,
  outcome: 'done' | 'retry' | 'dead' | 'lost',
) => void;

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
  private listener: PgListener | null = null;
  private idle: Promise<void> = Promise.resolve();
  /** Set by stop(): claimed jobs that have not started yet are not started any more. */
  private shuttingDown = false;
  /** Claimed by this node in the current batch and not started yet. */
  private readonly waiting = new Set<string>();
  /** The database trouble the loop is waiting out, and the next pause (backoff). */
  private outage: { fault: DatabaseFault; delayMs: number } | null = null;
  private readonly onSignal = (dueAt: number) => this.wake(dueAt);
  private readonly observers: JobObserver[] = [];
  /** Jobs this runner has claimed and not yet finished: the heartbeat renews their leases. */
  private readonly held = new Set<string>();
  /** Held jobs whose renewal found them taken over: not started, and never finished as ours. */
  private readonly lost = new Set<string>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  /** External jobs running in the background pool (see pump()). */
  private readonly pool = new Set<Promise<void>>();
  /** Set-wise batches of external jobs running, by kind (see runMany). */
  private readonly manyRunning = new Map<string, number>();
  private pumping = false;
  private pumpAgain = false;
  private pumpRetry: NodeJS.Timeout | null = null;
  private pumpDelayMs = 0;
  /** When each claimer (by kinds) last looked for lapsed leases, and the generation it saw. */
  private readonly lapsedLooks = new Map<string, { at: number; generation: number }>();
  /** Raised when the loop found something due it did not claim: every claimer looks again. */
  private lapsedGeneration = 0;
  /** A pump() asked for after the current turn (see pumpSoon). */
  private pumpSoonAsked = false;
  /** The loop's last wake-up left out due external jobs because the pool was full. */
  private sleptFull = false;
  /** The bulk loop (outbox fan-outs, see bulk()): running, asked to look again, backing off. */
  private bulking: Promise<void> | null = null;
  private bulkAgain = false;
  private bulkBusy = false;
  private bulkRetry: NodeJS.Timeout | null = null;
  private bulkDelayMs = 0;
  /** The loop's last wake-up left out the bulk kinds because the bulk loop was busy with them. */
  private sleptBulk = false;
  /**
   * A burst of set-wise timers (SLA breaches due together) is being worked off by the timer
   * loop: the bulk loop waits (at most BURST_DEFER_MS) instead of claiming fan-outs, whose
   * rendering would take the process's CPU from the breach batches. `over` resolves when
   * the burst ends (or the runner stops).
   */
  private burst: { since: number; over: Promise<void>; end: () => void } | null = null;

  constructor(private readonly o: JobRunnerOptions) {
    this.node = o.node ?? `node-${newId().slice(-12)}`;
  }

  /**
   * External jobs that succeeded at about the same time (a group of deliveries whose outcomes
   * were written together) are finished in one fenced statement instead of one each.
   */
  private readonly finishedOk = new Coalescer<string, boolean>(async (ids) => {
    const done = await finishJobs(this.o.db, ids, this.node, 'done', this.o.clock.now());
    return ids.map((id) => done.has(id));
  }, 256);

  register<P>(kind: string, handler: JobHandler<P>): void {
    if (this.handlers.has(kind)) throw new Error(`A handler for job kind ${kind} is already registered.`);
    this.handlers.set(kind, handler as unknown as JobHandler<never>);
  }

  /** Called after every job run (metrics, benchmarks). */
  observe(fn: JobObserver): void {
    this.observers.push(fn);
  }

  private get maxSleepMs(): number {
    return this.o.maxSleepMs ?? (this.o.dialect === 'postgres' ? 5000 : 60_000);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.shuttingDown = false;
    jobSignals.listeners.add(this.onSignal);
    if (this.o.listenUrl) {
      // A job written on another node wakes this one by NOTIFY. The connection reconnects by
      // itself; after every (re)connection the runner rescans, since NOTIFYs sent while it was
      // down are lost.
      this.listener = new PgListener({
        url: this.o.listenUrl,
        channel: NOTIFY_CHANNEL,
        logger: this.o.logger,
        what: 'job listener',
        onNotification: (payload) => this.wake(Number(payload)),
        onConnected: () => this.wake(0),
      });
      await this.listener.start();
    }
    this.wake(0);
  }

  /**
   * Stops claiming at once; jobs claimed but not started go back to pending at once (another
   * node takes them); running jobs get the grace period to finish, then whatever this node
   * still holds is released too, so nothing stays leased by a node that is going away.
   */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    this.stopped = true;
    this.shuttingDown = true;
    this.setBurst(false);
    jobSignals.listeners.delete(this.onSignal);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pumpRetry) clearTimeout(this.pumpRetry);
    this.pumpRetry = null;
    if (this.bulkRetry) clearTimeout(this.bulkRetry);
    this.bulkRetry = null;
    const listenerClosed = this.listener?.close();
    this.listener = null;
    const release = async (ids?: string[]) => {
      try {
        const n = await releaseJobs(this.o.db, this.node, this.o.clock.now(), ids ? { ids } : {});
        if (n > 0)
          this.o.logger.info(
            { jobs: n, started: !ids },
            ids
              ? 'released claimed jobs that had not started'
              : 'released jobs still running at the end of the shutdown grace period',
          );
      } catch (err) {
        this.o.logger.warn({ err }, 'could not release jobs at shutdown; their leases expire instead');
      }
    };
    if (this.waiting.size > 0) await release([...this.waiting]);
    let graceTimer: NodeJS.Timeout | undefined;
    const graceMs = opts.graceMs ?? this.o.shutdownGraceMs ?? 10_000;
    // Running jobs: the transactional loop and the external jobs of the pool.
    const settled = (async () => {
      await this.idle;
      while (this.bulking) await this.bulking;
      while (this.pool.size > 0) await Promise.allSettled([...this.pool]);
    })();
    await Promise.race([settled, new Promise<void>((r) => (graceTimer = setTimeout(r, graceMs)))]);
    clearTimeout(graceTimer);
    await release();
    await listenerClosed;
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
    const delay = Math.max(0, Math.min(at - this.o.clock.now(), this.maxSleepMs));
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
        // External jobs go to the background pool, which keeps claiming them as its slots
        // free up; the loop claims and runs only transactional jobs (timers), so a due timer
        // never waits behind slow network jobs.
        this.pump();
        // The bulk loop starts once the timers are claimed (runTimers): a burst of set-wise
        // timers is known by then, and the fan-outs wait for it (see `burst`).
        while (!this.stopped && (await this.runTimers()) > 0) {
          // The timers may have written network jobs and fan-outs (notifications).
          this.pump();
          this.bulk();
        }
      } while (this.rerun && !this.stopped);
      if (!this.stopped) {
        // A full pool claims due external jobs itself when a slot frees up: they do not wake the
        // loop; nor do the jobs of a set-wise kind that runs as many batches as it may (a batch
        // that ends claims the next).
        const full = this.pool.size >= this.poolSize;
        const waitingExternal = this.externalKinds().filter((k) => full || !this.manyRoom(k));
        // ...but a job that becomes due later while the pool stays busy must still wake it.
        this.sleptFull = waitingExternal.length > 0;
        // ...and so does a busy bulk loop with the fan-outs (it says when it is done).
        const bulkBusy = this.bulkBusy;
        this.sleptBulk = bulkBusy;
        const next = await nextWakeAt(this.o.db, {
          onlyKinds: [
            ...this.timerKinds(),
            ...this.externalKinds().filter((k) => !waitingExternal.includes(k)),
            ...(bulkBusy ? [] : this.bulkKinds()),
          ],
        });
        // A job written while the query above ran asked for a rerun that the loop no longer sees.
        if (next !== null && next <= this.o.clock.now()) this.lapsedGeneration++;
        if (this.rerun) this.schedule(this.o.clock.now());
        else if (next !== null) this.schedule(next);
        else this.schedule(this.o.clock.now() + this.maxSleepMs);
      }
      if (this.outage) {
        this.o.logger.info({ fault: this.outage.fault }, 'the database is back; the job runner resumed');
        this.outage = null;
      }
    } catch (err) {
      const fault = databaseFault(err);
      if (fault) {
        // Back off while the database is down (not a hot loop), and say so once per outage.
        if (!this.outage)
          this.o.logger.error(
            { err, fault },
            'the job runner cannot use the database; retrying with backoff until it is back',
          );
        this.outage = {
          fault,
          delayMs: this.outage ? Math.min(this.outage.delayMs * 2, OUTAGE_MAX_DELAY_MS) : OUTAGE_MIN_DELAY_MS,
        };
        if (!this.stopped) this.schedule(this.o.clock.now() + this.outage.delayMs);
      } else {
        this.o.logger.error({ err }, 'job runner failed; retrying shortly');
        if (!this.stopped) this.schedule(this.o.clock.now() + 1000);
      }
    } finally {
      this.setBurst(false);
      this.running = false;
      release();
    }
  }

  /**
   * Whether a claim also looks for jobs whose lease lapsed (a dead node's). That look is a
   * statement of its own; leases lapse on a scale of seconds, so each claimer looks at most
   * every quarter lease (and at most every second), and at once when the loop saw a due job that
   * no claim took (which a lapsed lease is, to nextWakeAt).
   */
  private lapsedDue(claimer: string): boolean {
    const now = this.o.clock.now();
    const last = this.lapsedLooks.get(claimer);
    if (
      last &&
      last.generation === this.lapsedGeneration &&
      now >= last.at &&
      now - last.at < Math.min(1000, this.leaseMs / 4)
    )
      return false;
    this.lapsedLooks.set(claimer, { at: now, generation: this.lapsedGeneration });
    return true;
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

  private get poolSize(): number {
    return Math.max(1, this.o.concurrency ?? 8);
  }

  private externalKinds(): string[] {
    return [...this.handlers].filter(([, h]) => h.mode === 'external').map(([k]) => k);
  }

  /** Transactional kinds of the timer loop. */
  private timerKinds(): string[] {
    return [...this.handlers]
      .filter(([, h]) => h.mode === 'transactional' && h.loop !== 'bulk')
      .map(([k]) => k);
  }

  /** Transactional kinds of the bulk loop (outbox fan-outs). */
  private bulkKinds(): string[] {
    return [...this.handlers]
      .filter(([, h]) => h.mode === 'transactional' && h.loop === 'bulk')
      .map(([k]) => k);
  }

  /**
   * The bulk loop: claims and runs due fan-out jobs (notify, incident fan-outs: rendering and
   * many rows each) batch after batch until none is due, beside the timer loop, so a timer that
   * falls due during a flood of fan-outs is claimed by the timer loop at once instead of after
   * them. On SQLite both loops share the one writer, and a batch is committed after a short time
   * budget (runBatch), so a timer (or an API request) waits at most about one short batch.
   */
  private bulk(): void {
    if (this.stopped || this.shuttingDown) return;
    if (this.bulking) {
      this.bulkAgain = true;
      return;
    }
    const kinds = this.bulkKinds();
    if (kinds.length === 0) return;
    this.bulking = (async () => {
      try {
        do {
          this.bulkAgain = false;
          await this.afterBurst();
          if (this.stopped) break;
          // Busy from the claim on: the timer loop's wake-up leaves the fan-outs to this loop.
          const n = await this.runDue({ only: kinds }, BULK_CLAIM, (claimed) => {
            if (claimed > 0) this.bulkBusy = true;
          });
          this.bulkDelayMs = 0;
          if (n > 0) {
            this.bulkAgain = true;
            this.pump(); // the fan-outs wrote network jobs (deliveries, mails)
          }
        } while (this.bulkAgain && !this.stopped);
      } catch (err) {
        if (this.bulkDelayMs === 0)
          this.o.logger.warn({ err }, 'could not run fan-out jobs; retrying with backoff');
        this.bulkDelayMs = Math.min(Math.max(this.bulkDelayMs * 2, OUTAGE_MIN_DELAY_MS), OUTAGE_MAX_DELAY_MS);
        if (!this.stopped && !this.bulkRetry)
          this.bulkRetry = setTimeout(() => {
            this.bulkRetry = null;
            this.bulk();
          }, this.bulkDelayMs);
      } finally {
        this.bulkBusy = false;
        this.bulking = null;
        if (this.sleptBulk) {
          // The loop left the bulk kinds out of its wake-up: look again now.
          this.sleptBulk = false;
          this.wake(this.o.clock.now());
        }
      }
    })();
  }

  /**
   * The external pool: claims as many due external jobs as it has free slots (never more, so
   * every job it claims starts at once, well within its lease) and starts them in due order;
   * each one that finishes frees its slot and claims again. Runs beside the transactional loop.
   */
  private pump(): void {
    if (this.stopped || this.shuttingDown) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    const kinds = this.externalKinds();
    if (kinds.length === 0) return;
    const manyKinds = kinds.filter((k) => this.manyOf(k) !== null);
    const singleKinds = kinds.filter((k) => this.manyOf(k) === null);
    this.pumping = true;
    void (async () => {
      try {
        do {
          this.pumpAgain = false;
          if (this.stopped) break;
          // Set-wise kinds: one claim of a whole batch per free slot, up to manyAtOnce batches.
          for (const kind of manyKinds) {
            if (this.poolSize - this.pool.size <= 0 || !this.manyRoom(kind) || this.stopped) continue;
            const max = this.manyOf(kind)!.max;
            const jobs = await this.claimExternal(max, [kind], `external:${kind}`);
            this.pumpDelayMs = 0;
            if (jobs.length === 0) continue;
            this.hold(jobs.map((j) => j.id));
            if (this.shuttingDown) {
              for (const job of jobs) this.release(job.id);
              await releaseJobs(this.o.db, this.node, this.o.clock.now(), { ids: jobs.map((j) => j.id) });
              continue;
            }
            this.addToPool(() => this.runMany(jobs), { kind, jobs: jobs.length });
            // A full batch may have left more due: look again while there is room.
            if (jobs.length === max) this.pumpAgain = true;
          }
          const free = this.poolSize - this.pool.size;
          if (free <= 0 || singleKinds.length === 0 || this.stopped) continue;
          const jobs = await this.claimExternal(free, singleKinds, 'external');
          this.pumpDelayMs = 0;
          if (jobs.length === 0) continue;
          this.hold(jobs.map((j) => j.id));
          for (const job of jobs) {
            if (this.shuttingDown) {
              // stop() already released what it knew of; give these back too.
              this.release(job.id);
              await releaseJobs(this.o.db, this.node, this.o.clock.now(), { ids: [job.id] });
              continue;
            }
            this.addToPool(() => this.runOne(job), { kind: job.kind, id: job.id });
          }
          // A full claim may have left more due: look again while slots are free.
          if (jobs.length === free) this.pumpAgain = true;
        } while (this.pumpAgain && !this.stopped);
      } catch (err) {
        // Back off while the database is down, and say so once (the loop reports the outage).
        if (this.pumpDelayMs === 0)
          this.o.logger.warn({ err }, 'could not claim external jobs; retrying with backoff');
        this.pumpDelayMs = Math.min(Math.max(this.pumpDelayMs * 2, OUTAGE_MIN_DELAY_MS), OUTAGE_MAX_DELAY_MS);
        if (!this.stopped && !this.pumpRetry)
          this.pumpRetry = setTimeout(() => {
            this.pumpRetry = null;
            this.pump();
          }, this.pumpDelayMs);
      } finally {
        this.pumping = false;
      }
    })();
  }

  /** Runs external work in the background pool; when it ends, its slot claims again. */
  private addToPool(run: () => Promise<void>, what: Record<string, unknown>): void {
    const p: Promise<void> = run()
      .catch((err) => this.o.logger.error({ err, ...what }, 'external job failed'))
      .finally(() => {
        this.pool.delete(p);
        this.pumpSoon();
        if (this.sleptFull) {
          // The loop left the external jobs out of its wake-up: look again now.
          this.sleptFull = false;
          this.wake(this.o.clock.now());
        }
      });
    this.pool.add(p);
  }

  /** A set-wise external kind's batch size and how many of its batches may run at once; null if not set-wise. */
  private manyOf(kind: string): { max: number; atOnce: number } | null {
    const h = this.handlers.get(kind);
    if (h?.mode !== 'external' || !h.handleMany) return null;
    return { max: Math.max(1, h.manyMax ?? MANY_MAX), atOnce: Math.max(1, h.manyAtOnce ?? MANY_AT_ONCE) };
  }

  /** Whether another batch of this kind may start (always, for a kind that is not set-wise). */
  private manyRoom(kind: string): boolean {
    const many = this.manyOf(kind);
    return !many || (this.manyRunning.get(kind) ?? 0) < many.atOnce;
  }

  /**
   * pump() after the current turn of the event loop: jobs that finish together (their outcomes
   * and finishes were written in one statement) free their slots together, and one claim fills
   * them all instead of one claim per freed slot.
   */
  private pumpSoon(): void {
    if (this.pumpSoonAsked) return;
    this.pumpSoonAsked = true;
    setImmediate(() => {
      this.pumpSoonAsked = false;
      this.pump();
    });
  }

  /** Claims up to `limit` due external jobs of these kinds for the background pool. */
  private claimExternal(limit: number, kinds: string[], claimer: string): Promise<ClaimedJob[]> {
    return claimDueJobs(this.o.db, this.o.dialect, this.node, this.o.clock.now(), this.leaseMs, limit, { only: kinds }, { lapsed: this.lapsedDue(claimer) });
  }

  /** Claims and runs one batch of due timers (the loop; fan-outs and external jobs run beside it). */
  private runTimers(): Promise<number> {
    return this.runDue({ only: this.timerKinds() }, undefined, undefined, (grouped) => {
      this.setBurst(grouped);
      this.bulk();
    });
  }

  /** The timer loop claimed set-wise batches (a burst) or none: see `burst`. */
  private setBurst(on: boolean): void {
    if (on && !this.burst) {
      let end!: () => void;
      const over = new Promise<void>((r) => (end = r));
      this.burst = { since: performance.now(), over, end };
    } else if (!on && this.burst) {
      this.burst.end();
      this.burst = null;
    }
  }

  /**
   * The bulk loop waits while a burst of set-wise timers runs, at most BURST_DEFER_MS from the
   * burst's start: fan-outs are delayed a little, never starved by a stream of timers.
   */
  private async afterBurst(): Promise<void> {
    const b = this.burst;
    if (!b) return;
    const left = BURST_DEFER_MS - (performance.now() - b.since);
    if (left <= 0) return;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([b.over, new Promise<void>((r) => (t = setTimeout(r, left)))]);
    clearTimeout(t);
  }

  /**
   * Claims and runs one batch of due jobs (of the given kinds; all by default) and waits for
   * them; returns how many it claimed. Tests call this directly.
   */
  async runDue(
    kinds: KindFilter = {},
    limit?: number,
    onClaimed?: (claimed: number) => void,
    onGrouped?: (grouped: boolean) => void,
  ): Promise<number> {
    const now = this.o.clock.now();
    const jobs = await claimDueJobs(
      this.o.db,
      this.o.dialect,
      this.node,
      now,
      this.leaseMs,
      limit ?? this.claimLimit,
      kinds,
      { lapsed: this.lapsedDue(JSON.stringify(kinds)) },
    );
    // (Not when the caller set the limit: a test stepping one job at a time gets one.)
    if (limit === undefined && jobs.length > 0 && jobs.length === this.claimLimit) {
      // A full claim with jobs handled set-wise (a burst of SLA breaches): more of those kinds,
      // so that a set-wise batch is large (one transaction for hundreds instead of a claim's worth).
      const groupKinds = [...new Set(jobs.filter((j) => this.groupable(j)).map((j) => j.kind))];
      const more = this.groupMax - jobs.filter((j) => this.groupable(j)).length;
      if (groupKinds.length > 0 && more > 0) {
        const claimed = new Set(jobs.map((j) => j.id));
        const extra = await claimDueJobs(this.o.db, this.o.dialect, this.node, now, this.leaseMs, more, { only: groupKinds }, { lapsed: false });
        jobs.push(...extra.filter((j) => !claimed.has(j.id)));
      }
    }
    onClaimed?.(jobs.length);
    if (jobs.length === 0) {
      onGrouped?.(false);
      return 0;
    }
    this.hold(jobs.map((j) => j.id));
    for (const j of jobs) this.waiting.add(j.id);
    // After stop() a claimed job is not started; stop() has released it (or will).
    const start = async (job: ClaimedJob) => {
      this.waiting.delete(job.id);
      if (this.shuttingDown) return this.release(job.id);
      await this.runOne(job);
    };
    const startMany = async (batch: ClaimedJob[]) => {
      for (const job of batch) this.waiting.delete(job.id);
      if (this.shuttingDown) {
        for (const job of batch) this.release(job.id);
        return;
      }
      await this.runMany(batch);
    };
    // Transactional jobs (timers) run one after another in due order; external jobs (network)
    // run a few at a time. Jobs of one dedupe-key prefix keep their order in either lane.
    const external: ClaimedJob[] = [];
    const lanes = new Map<string, ClaimedJob[]>();
    // Jobs handled set-wise (handleMany) that are alone in their lane in this claim: one batch
    // per kind, which a worker runs as one set-wise transaction (runGroup).
    const laneCount = new Map<string, number>();
    for (const job of jobs) laneCount.set(laneOf(job), (laneCount.get(laneOf(job)) ?? 0) + 1);
    // ...or whose lane holds only jobs of their kind, when the kind handles them in order.
    const laneKinds = new Map<string, Set<string>>();
    for (const job of jobs) laneKinds.set(laneOf(job), (laneKinds.get(laneOf(job)) ?? new Set()).add(job.kind));
    const aloneOrInOrder = (job: ClaimedJob, h: JobHandler<never> | undefined): boolean =>
      laneCount.get(laneOf(job)) === 1 ||
      (h?.mode === 'transactional' && h.manyInOrder === true && laneKinds.get(laneOf(job))!.size === 1);
    const groups = new Map<string, ClaimedJob[]>();
    for (const job of jobs) {
      const h = this.handlers.get(job.kind);
      if (h?.mode === 'external') external.push(job);
      else if (this.groupable(job) && aloneOrInOrder(job, h))
        groups.set(job.kind, [...(groups.get(job.kind) ?? []), job]);
      else {
        const lane = this.o.dialect === 'postgres' ? laneOf(job) : 'all';
        lanes.set(lane, [...(lanes.get(lane) ?? []), job]);
      }
    }
    // A kind with a single due job goes the ordinary way.
    for (const [kind, group] of groups)
      if (group.length < 2) {
        groups.delete(kind);
        for (const job of group) {
          const lane = this.o.dialect === 'postgres' ? laneOf(job) : 'all';
          lanes.set(lane, [...(lanes.get(lane) ?? []), job]);
        }
      }
    const groupQueue: ClaimedJob[][] = [];
    for (const group of groups.values())
      for (let i = 0; i < group.length; i += this.groupMax) groupQueue.push(group.slice(i, i + this.groupMax));
    onGrouped?.(groupQueue.length > 0);
    // SQLite has one writer: one worker, which runs its jobs in batches, several to a
    // transaction (see runBatch). PostgreSQL runs a few workers side by side, each taking whole
    // lanes (different clocks or escalations) and running them several to a transaction, each
    // job in its own savepoint with a short lock wait: two batches that touch one ticket (two
    // clocks of it in two workers) set the second job aside instead of deadlocking.
    // Jobs within a lane stay in due order either way. External jobs (network) run at the same
    // time in a sliding window, not after the timers nor in chunks: one slow send does not hold
    // up the other slots.
    const queue = [...lanes.values()];
    const batchSize = this.o.dialect === 'postgres' ? PG_TRANSACTION_BATCH : TRANSACTION_BATCH;
    const startBatch = async (batch: ClaimedJob[], group = false) => {
      for (const job of batch) this.waiting.delete(job.id);
      if (this.shuttingDown) {
        for (const job of batch) this.release(job.id);
        return;
      }
      await (group ? this.runGroup(batch) : this.runBatch(batch));
    };
    const workers = this.o.dialect === 'postgres' ? (this.o.transactionalConcurrency ?? 4) : 1;
    try {
      await Promise.all([
        mapLimit(
          Array.from({ length: workers }, (_, i) => i),
          Infinity,
          async (w) => {
            // One worker runs the set-wise batches, one after the other: two at once would touch
            // the same tickets (two clocks of one ticket) and set each other aside (lock wait).
            if (w === 0) while (groupQueue.length) await startBatch(groupQueue.shift()!, true);
            let batch: ClaimedJob[] = [];
            while (queue.length) {
              batch.push(...queue.shift()!);
              if (batch.length >= batchSize) {
                await startBatch(batch);
                batch = [];
              }
            }
            if (batch.length) await startBatch(batch);
          },
        ),
        mapLimit(this.externalUnits(external, start, startMany), this.o.concurrency ?? 8, (unit) => unit()),
      ]);
    } finally {
      for (const j of jobs) this.waiting.delete(j.id);
    }
    return jobs.length;
  }

  /** External jobs as units of work: one job each, or a batch of a set-wise kind (in due order). */
  private externalUnits(
    jobs: ClaimedJob[],
    start: (job: ClaimedJob) => Promise<void>,
    startMany: (batch: ClaimedJob[]) => Promise<void>,
  ): (() => Promise<void>)[] {
    const units: (() => Promise<void>)[] = [];
    const batches = new Map<string, ClaimedJob[]>();
    for (const job of jobs) {
      const many = this.manyOf(job.kind);
      if (!many) {
        units.push(() => start(job));
        continue;
      }
      let batch = batches.get(job.kind);
      if (!batch || batch.length >= many.max) {
        batches.set(job.kind, (batch = []));
        const b = batch;
        units.push(() => startMany(b));
      }
      batch.push(job);
    }
    return units;
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

  /**
   * Runs transactional jobs in due order in ONE transaction, each fenced like runOne (finished
   * only if this node still holds it): one commit for many timers instead of one each. Every
   * guarantee of runOne holds: a job's effects commit with its `done` mark (exactly once), the
   * outbox jobs its handler writes commit with it, a kill -9 loses nothing (the whole batch is
   * claimed-not-done and is claimed again when the lease expires), and jobs of one subject keep
   * their order. If any handler throws, the batch is rolled back as a whole and its jobs are
   * run again one by one (runOne), so one failing job neither undoes nor blocks the others.
   */
  private async runBatch(all: ClaimedJob[]): Promise<void> {
    try {
      await this.runBatchHeld(all);
    } finally {
      for (const job of all) this.release(job.id);
    }
  }

  private async runBatchHeld(all: ClaimedJob[]): Promise<void> {
    // better-sqlite3 answers synchronously, so a chain of transactions resolves in microtasks
    // only and would starve the event loop: no HTTP request read, no timer fired (the other
    // loop's due timers included) until a whole flood of jobs is through. One turn of the event
    // loop before every batch transaction.
    await yieldToEventLoop();
    // Waiting in this batch took longer than the lease and another node has them now.
    const jobs = all.filter((j) => !this.lost.has(j.id));
    for (const job of all)
      if (this.lost.has(job.id)) for (const o of this.observers) o(job, this.o.clock.now(), 'lost');
    const single = jobs.filter((j) => {
      const h = this.handlers.get(j.kind);
      return !h || h.mode !== 'transactional' || (h.schema && !Value.Check(h.schema, j.payload));
    });
    const batch = jobs.filter((j) => !single.includes(j));
    if (batch.length <= 1) {
      for (const job of jobs) await this.runOne(job);
      return;
    }
    const { db, clock } = this.o;
    const outcomes: [ClaimedJob, number, 'done' | 'lost'][] = [];
    // Failed in their savepoint, or behind a failed job of their subject: run again alone.
    const again: ClaimedJob[] = [];
    const blocked = new Set<string>();
    // Left for the next transaction once this one has run for its time budget.
    let later: ClaimedJob[] = [];
    const started = performance.now();
    try {
      await inTransaction(db, async (tx) => {
        // A row lock held by another transaction (another worker's batch touching the same
        // ticket) is waited for only briefly: the job's savepoint is rolled back and it runs
        // again alone after the commit, so two batches never deadlock nor wait long on each other.
        if (this.o.dialect === 'postgres') await sql.raw(`set local lock_timeout = '${BATCH_LOCK_WAIT_MS}ms'`).execute(tx);
        let n = 0;
        for (const [i, job] of batch.entries()) {
          if (n > 0 && performance.now() - started > this.batchBudgetMs) {
            later = batch.slice(i);
            break;
          }
          const lane = laneOf(job);
          if (blocked.has(lane)) {
            again.push(job);
            continue;
          }
          const firedAt = clock.now();
          const handler = this.handlers.get(job.kind) as Extract<JobHandler<never>, { mode: 'transactional' }>;
          try {
            const outcome = await inSavepoint(tx, `job_${n++}`, async () => {
              // The fence first, as in runOne; it also locks the row until commit on PostgreSQL.
              if (!(await finishJob(tx, job.id, this.node, 'done', firedAt))) return 'lost' as const;
              await handler.handle(tx, job as never, firedAt);
              return 'done' as const;
            });
            outcomes.push([job, firedAt, outcome]);
          } catch (err) {
            if (databaseFault(err)) throw err;
            forgetAnnounced(tx);
            blocked.add(lane);
            again.push(job);
            this.o.logger.debug({ err, kind: job.kind, id: job.id }, 'a job of a batch failed; it runs again alone');
          }
        }
      });
    } catch (err) {
      // Nothing of the batch committed (the commit failed, or the connection): one by one.
      this.o.logger.debug({ err, jobs: batch.length }, 'a batch failed; running its jobs one by one');
      for (const job of jobs) await this.runOne(job);
      return;
    }
    for (const [job, firedAt, outcome] of outcomes) for (const o of this.observers) o(job, firedAt, outcome);
    // The rest in the next batch, except what follows a failed job of its subject; then the
    // failed ones alone, without the short lock wait (one may wait for a lock as long as it
    // takes; a second failure goes through retry and backoff), each before the later jobs of
    // its subject.
    const behind = later.filter((j) => blocked.has(laneOf(j)));
    if (later.length > behind.length) await this.runBatchHeld(later.filter((j) => !blocked.has(laneOf(j))));
    for (const job of [...again, ...behind]) await this.runOne(job);
    for (const job of single) await this.runOne(job);
  }

  /**
   * Runs jobs of one kind with a set-wise handler (handleMany) in ONE transaction: one fenced
   * UPDATE marks them done (those another node took over meanwhile are left out: lost), then
   * the handler does the work of them all, and both commit together, so every guarantee of
   * runOne holds (exactly once, outbox in the transaction, kill -9: claimed-not-done and
   * claimed again after the lease). Each job is alone in its lane in the claim, so no order
   * within a subject is at stake; or its kind handles the jobs in the order given (manyInOrder)
   * and its lane holds nothing else, so the subject's due order is kept by the handler. If
   * anything fails, nothing of it committed: the batch runs again as two halves, each set-wise,
   * down to GROUP_SPLIT_MIN jobs, which run as an ordinary batch (runBatchHeld: each in its
   * savepoint, a failing one alone after), so a failing job (or a lock waited for too long)
   * fails neither the others nor hundreds of single runs.
   */
  private async runGroup(all: ClaimedJob[]): Promise<void> {
    try {
      await this.runGroupHeld(all);
    } finally {
      for (const job of all) this.release(job.id);
    }
  }

  private async runGroupHeld(all: ClaimedJob[]): Promise<void> {
    await yieldToEventLoop();
    const jobs = all.filter((j) => !this.lost.has(j.id));
    for (const job of all)
      if (this.lost.has(job.id)) for (const o of this.observers) o(job, this.o.clock.now(), 'lost');
    const handler = this.handlers.get(jobs[0]?.kind ?? '');
    if (jobs.length < 2 || handler?.mode !== 'transactional' || !handler.handleMany) return this.runBatchHeld(jobs);
    const handleMany = handler.handleMany.bind(handler);
    const { db, clock } = this.o;
    let outcomes: [ClaimedJob, number, 'done' | 'lost'][] = [];
    try {
      await inTransaction(db, async (tx) => {
        const firedAt = clock.now();
        // The fence first, as in runOne; on PostgreSQL it also locks the rows until commit. It
        // waits as long as it takes: what may hold these rows is this node's own lease renewal
        // (a moment) or a node taking over a lapsed lease (then they are lost, not run twice).
        const mine = await finishJobs(tx, jobs.map((j) => j.id), this.node, 'done', firedAt);
        // A row lock held elsewhere (a ticket another transaction changes) is waited for a
        // while, not forever; then the batch is split (below). Longer than a lane batch's wait:
        // a lock a moment long (another batch's ticket, autovacuum) must not cost a retry.
        if (this.o.dialect === 'postgres') await sql.raw(`set local lock_timeout = '${GROUP_LOCK_WAIT_MS}ms'`).execute(tx);
        const owned = jobs.filter((j) => mine.has(j.id));
        if (owned.length > 0) await handleMany(tx, owned as never, firedAt);
        outcomes = jobs.map((j) => [j, firedAt, mine.has(j.id) ? 'done' : 'lost']);
      });
    } catch (err) {
      // Nothing of it committed. Split in two, each half set-wise again: a failing job (or a
      // lock) costs a few smaller batches down to itself, not hundreds of single transactions.
      if (jobs.length >= GROUP_SPLIT_MIN && !databaseFault(err)) {
        this.o.logger.debug({ err, kind: jobs[0]!.kind, jobs: jobs.length }, 'a set-wise batch failed; it runs again in two halves');
        const half = Math.ceil(jobs.length / 2);
        await this.runGroupHeld(jobs.slice(0, half));
        await this.runGroupHeld(jobs.slice(half));
        return;
      }
      this.o.logger.debug({ err, kind: jobs[0]!.kind, jobs: jobs.length }, 'a set-wise batch failed; its jobs run one by one');
      return this.runBatchHeld(jobs);
    }
    for (const [job, firedAt, outcome] of outcomes) for (const o of this.observers) o(job, firedAt, outcome);
  }

  /** A job the runner may hand to its kind's handleMany (registered set-wise, valid payload). */
  private groupable(job: ClaimedJob): boolean {
    const h = this.handlers.get(job.kind);
    return h?.mode === 'transactional' && !!h.handleMany && (!h.schema || Value.Check(h.schema, job.payload));
  }

  private get claimLimit(): number {
    return this.o.batchSize ?? (this.o.dialect === 'postgres' ? PG_CLAIM : TRANSACTION_BATCH);
  }

  /** Most jobs in one set-wise transaction (runGroup); on SQLite it holds the one writer meanwhile. */
  private get groupMax(): number {
    return this.o.dialect === 'postgres' ? PG_GROUP_MAX : SQLITE_GROUP_MAX;
  }

  /**
   * How long one batch transaction keeps adding jobs: on SQLite the transaction holds the one
   * writer connection, which every API request and the other loop wait for.
   */
  private get batchBudgetMs(): number {
    return this.o.dialect === 'postgres' ? PG_BATCH_BUDGET_MS : SQLITE_BATCH_BUDGET_MS;
  }

  private async runOne(job: ClaimedJob): Promise<void> {
    try {
      await this.runHeld(job);
    } finally {
      this.release(job.id);
    }
  }

  /**
   * Runs external jobs of one set-wise kind as one batch (handleMany): the handler does them all
   * (side by side, as it sees fit) and says each one's outcome; the successes are finished in one
   * fenced statement (one another node took over meanwhile is not ours to finish: lost), each
   * failure is retried at the handler's time or with backoff, or dead, exactly as after `handle`.
   * The batch's leases are held (heartbeat) until it ends.
   */
  private async runMany(all: ClaimedJob[]): Promise<void> {
    const kind = all[0]?.kind ?? '';
    this.manyRunning.set(kind, (this.manyRunning.get(kind) ?? 0) + 1);
    try {
      await this.runManyHeld(all);
    } finally {
      for (const job of all) this.release(job.id);
      const n = (this.manyRunning.get(kind) ?? 1) - 1;
      if (n > 0) this.manyRunning.set(kind, n);
      else this.manyRunning.delete(kind);
    }
  }

  private async runManyHeld(all: ClaimedJob[]): Promise<void> {
    const { db, clock, logger } = this.o;
    const firedAt = clock.now();
    const handler = this.handlers.get(all[0]?.kind ?? '');
    const reportOf = (job: ClaimedJob) => (outcome: 'done' | 'retry' | 'dead' | 'lost') => {
      for (const o of this.observers) o(job, firedAt, outcome);
    };
    const jobs: ClaimedJob[] = [];
    const alone: ClaimedJob[] = [];
    for (const job of all) {
      if (this.lost.has(job.id)) reportOf(job)('lost');
      else if (handler?.mode !== 'external' || !handler.handleMany || (handler.schema && !Value.Check(handler.schema, job.payload)))
        alone.push(job); // runHeld says why it is dead
      else jobs.push(job);
    }
    for (const job of alone) await this.runHeld(job);
    if (jobs.length === 0 || handler?.mode !== 'external' || !handler.handleMany) return;
    let outcomes: (ExternalOutcome | void)[];
    try {
      outcomes = await handler.handleMany(jobs as never, firedAt);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ err, kind: jobs[0]!.kind, jobs: jobs.length }, 'a batch of jobs failed');
      for (const job of jobs) await this.failed(job, message, !(err instanceof PermanentJobError), undefined, reportOf(job));
      return;
    }
    const ok = jobs.filter((_, i) => {
      const outcome = outcomes[i];
      return !outcome || outcome.ok;
    });
    const done = await finishJobs(db, ok.map((j) => j.id), this.node, 'done', clock.now());
    for (const job of ok) reportOf(job)(done.has(job.id) ? 'done' : 'lost');
    for (const [i, job] of jobs.entries()) {
      const outcome = outcomes[i];
      if (!outcome || outcome.ok) continue;
      if (outcome.retryAt !== undefined) {
        const retried = await retryJob(db, job.id, this.node, outcome.retryAt, clock.now(), outcome.response.slice(0, 2000));
        reportOf(job)(retried ? 'retry' : 'lost');
      } else await this.failed(job, outcome.response, outcome.retryable, outcome.retryAfterMs, reportOf(job));
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
      await finishJob(
        db,
        job.id,
        this.node,
        'dead',
        firedAt,
        `invalid payload: ${first?.path ?? ''} ${first?.message ?? ''}`.trim(),
      );
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
        const finished = await this.finishedOk.add(job.id);
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

  private async failed(
    job: ClaimedJob,
    error: string,
    retryable: boolean,
    retryAfterMs: number | undefined,
    report: (o: 'retry' | 'dead') => void,
  ): Promise<void> {
    const now = this.o.clock.now();
    if (retryable && job.attempts < job.maxAttempts) {
      await retryJob(
        this.o.db,
        job.id,
        this.node,
        now + Math.max(retryAfterMs ?? 0, backoffMs(job.attempts)),
        now,
        error.slice(0, 2000),
      );
      return report('retry');
    }
    await finishJob(this.o.db, job.id, this.node, 'dead', now, error.slice(0, 2000));
    report('dead');
  }
}

const OUTAGE_MIN_DELAY_MS = 500;
const OUTAGE_MAX_DELAY_MS = 5000;

/** Transactional jobs committed together (runBatch). */
const TRANSACTION_BATCH = 50;

/** A batch transaction stops taking jobs after this long (see batchBudgetMs). */
const SQLITE_BATCH_BUDGET_MS = 20;
const PG_BATCH_BUDGET_MS = 100;

/** Jobs of a set-wise kind (handleMany) in one transaction (runGroup), SQLite / PostgreSQL. */
const SQLITE_GROUP_MAX = 200;
const PG_GROUP_MAX = 1000;

/** The longest the bulk loop waits for a burst of set-wise timers (see JobRunner.burst). */
const BURST_DEFER_MS = 5000;

/** PostgreSQL: how long a set-wise batch waits for a row lock before it fails and is split (runGroup). */
const GROUP_LOCK_WAIT_MS = 250;

/** A failed set-wise batch of at least this many jobs runs again as two halves; a smaller one job by job. */
const GROUP_SPLIT_MIN = 8;

/** External jobs of a set-wise kind in one batch, and its batches at once (defaults; see JobHandler). */
const MANY_MAX = 32;
const MANY_AT_ONCE = 2;

/** Fan-out jobs claimed at once by the bulk loop. */
const BULK_CLAIM = 16;

/** PostgreSQL: transactional jobs claimed at once (a batch for each of the lane workers). */
const PG_CLAIM = 64;

/** PostgreSQL: transactional jobs committed together by one lane worker. */
const PG_TRANSACTION_BATCH = 16;

/** PostgreSQL: how long a job of a batch waits for a row lock before it is set aside (runBatch). */
const BATCH_LOCK_WAIT_MS = 5;

/** Jobs of one subject (the first two parts of the dedupe key, e.g. sla:<clock>) share a lane. */
export function laneOf(job: ClaimedJob): string {
  return job.dedupeKey ? job.dedupeKey.split(':').slice(0, 2).join(':') : job.id;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
