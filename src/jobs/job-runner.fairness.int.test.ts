/**
 * Fairness of the job runner (issues 13 and 17): a flood of fan-out jobs (the bulk loop) does
 * not hold up a due timer; one failing job of a batch transaction neither undoes the others
 * nor is lost (its savepoint is rolled back and it runs again alone); on PostgreSQL a job of a
 * batch that waits for a row lock is set aside after a short wait while the rest commits, and
 * the heartbeat never waits for a row a running batch has locked; fan-outs wait while a burst
 * of set-wise timers (SLA breaches due together) is worked off.
 */
import { Type } from '@sinclair/typebox';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allDatabases,
  createTestDatabase,
  isAvailable,
  type TestDatabase,
} from '../../test/helpers/databases.js';
import { inTransaction, migrateToLatest, type DatabaseHandle, type Tx } from '../db/database.js';
import { FakeClock, systemClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { JobRunner } from './job-runner.js';
import { claimDueJobs, enqueueJob, findJobByKey, renewLeases } from './jobs.repository.js';

const logger = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const audit = (tx: Tx, action: string, key: string, now: number) =>
  tx
    .insertInto('audit_log')
    .values({
      id: crypto.randomUUID(),
      actor_id: null,
      action,
      target_type: 'job',
      target_id: key,
      ip: null,
      data: '{}',
      created_at: now,
    })
    .execute();

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`job runner fairness [${kind}]`, () => {
    let tdb: TestDatabase;
    let h: DatabaseHandle;
    beforeAll(async () => {
      tdb = await createTestDatabase(kind);
      h = tdb.open();
      await migrateToLatest(h);
    });
    afterAll(async () => {
      await h.close();
      await tdb.drop();
    });
    const effects = async (action: string) =>
      (await h.db.selectFrom('audit_log').select('target_id').where('action', '=', action).execute()).map(
        (r) => r.target_id!,
      );

    it('a flood of fan-out jobs does not hold up a due timer', { timeout: 60_000 }, async () => {
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock: systemClock, logger, maxSleepMs: 600_000 });
      const FLOOD = 150;
      let fannedOut = 0;
      let fannedOutWhenTimerRan = -1;
      runner.register<{ key: string }>('fair.fanout', {
        mode: 'transactional',
        loop: 'bulk',
        schema: Type.Object({ key: Type.String() }),
        async handle(tx, job, now) {
          // CPU-heavy rendering, inside the transaction (as notify's card rendering is).
          const until = performance.now() + 15;
          while (performance.now() < until);
          await audit(tx, 'fair.fanout', job.payload.key, now);
        },
      });
      runner.register<{ key: string }>('fair.timer', {
        mode: 'transactional',
        schema: Type.Object({ key: Type.String() }),
        async handle(tx, job, now) {
          await audit(tx, 'fair.timer', job.payload.key, now);
        },
      });
      runner.observe((job, _at, outcome) => {
        if (outcome !== 'done') return;
        if (job.kind === 'fair.fanout') fannedOut++;
        else fannedOutWhenTimerRan = fannedOut;
      });
      const t0 = Date.now();
      await inTransaction(h.db, async (tx) => {
        for (let i = 0; i < FLOOD; i++)
          await enqueueJob(tx, { kind: 'fair.fanout', payload: { key: `f-${i}` }, dueAt: t0, dedupeKey: `fanout:${i}` }, t0);
        // Due while the flood (≈ FLOOD × 15 ms of work) is being worked off.
        await enqueueJob(tx, { kind: 'fair.timer', payload: { key: 'ack' }, dueAt: t0 + 300, dedupeKey: 'timer:ack' }, t0);
      });
      await runner.start();
      try {
        while (fannedOut < FLOOD || fannedOutWhenTimerRan < 0) await sleep(50);
      } finally {
        await runner.stop();
      }
      // In one loop the timer would have run after every fan-out due before it.
      expect(fannedOutWhenTimerRan).toBeLessThan(FLOOD);
      expect((await effects('fair.fanout')).length).toBe(FLOOD);
      expect(await effects('fair.timer')).toEqual(['ack']);
    });

    it('fan-outs wait while a burst of set-wise timers is worked off, then all run', { timeout: 60_000 }, async () => {
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock: systemClock, logger, maxSleepMs: 600_000 });
      const FLOOD = 40;
      const BURST = 30;
      let fannedOut = 0;
      const fannedOutAtBatches: number[] = [];
      runner.register<{ key: string }>('burst.fanout', {
        mode: 'transactional',
        loop: 'bulk',
        schema: Type.Object({ key: Type.String() }),
        async handle(tx, job, now) {
          const until = performance.now() + 5;
          while (performance.now() < until);
          await audit(tx, 'burst.fanout', job.payload.key, now);
        },
      });
      runner.register<{ key: string }>('burst.breach', {
        mode: 'transactional',
        schema: Type.Object({ key: Type.String() }),
        async handle(tx, job, now) {
          await audit(tx, 'burst.breach', job.payload.key, now);
        },
        async handleMany(tx, jobs, now) {
          fannedOutAtBatches.push(fannedOut);
          for (const job of jobs) await audit(tx, 'burst.breach', job.payload.key, now);
        },
      });
      runner.observe((job, _at, outcome) => {
        if (outcome === 'done' && job.kind === 'burst.fanout') fannedOut++;
      });
      const t0 = Date.now();
      await inTransaction(h.db, async (tx) => {
        // The fan-outs are due first: without the wait the bulk loop would claim them at once.
        for (let i = 0; i < FLOOD; i++)
          await enqueueJob(tx, { kind: 'burst.fanout', payload: { key: `f-${i}` }, dueAt: t0 - 1000, dedupeKey: `burst-fanout:${i}` }, t0);
        for (let i = 0; i < BURST; i++)
          await enqueueJob(tx, { kind: 'burst.breach', payload: { key: `b-${i}` }, dueAt: t0, dedupeKey: `burst-breach:${i}` }, t0);
      });
      await runner.start();
      try {
        while (fannedOut < FLOOD || (await effects('burst.breach')).length < BURST) await sleep(50);
      } finally {
        await runner.stop();
      }
      expect(fannedOutAtBatches.length).toBeGreaterThan(0);
      // No fan-out ran before the last set-wise batch of the burst had started.
      expect(fannedOutAtBatches).toEqual(fannedOutAtBatches.map(() => 0));
      expect((await effects('burst.fanout')).length).toBe(FLOOD);
      expect((await effects('burst.breach')).sort()).toEqual(Array.from({ length: BURST }, (_, i) => `b-${i}`).sort());
    });

    it('a failing job of a batch leaves the others committed and is run again alone', async () => {
      const clock = new FakeClock(50_000_000);
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      const failOnce = new Set(['b-03', 'b-07']);
      const attempts = new Map<string, number>();
      runner.register<{ key: string }>('fair.batch', {
        mode: 'transactional',
        schema: Type.Object({ key: Type.String() }),
        async handle(tx, job, now) {
          attempts.set(job.payload.key, (attempts.get(job.payload.key) ?? 0) + 1);
          await audit(tx, 'fair.batch', job.payload.key, now);
          await enqueueJob(tx, { kind: 'fair.outbox', payload: {}, dueAt: now + 30 * 86_400_000, dedupeKey: `fair-outbox:${job.payload.key}` }, now);
          if (failOnce.delete(job.payload.key)) throw new Error(`transient failure of ${job.payload.key}`);
        },
      });
      const outcomes: string[] = [];
      runner.observe((job, _at, outcome) => outcomes.push(`${(job.payload as { key: string }).key}:${outcome}`));
      const keys = Array.from({ length: 12 }, (_, i) => `b-${String(i).padStart(2, '0')}`);
      await inTransaction(h.db, async (tx) => {
        // Different subjects (lanes): one batch transaction on either database.
        for (const [i, key] of keys.entries())
          await enqueueJob(tx, { kind: 'fair.batch', payload: { key }, dueAt: clock.now() + i, dedupeKey: `fair:${key}`, maxAttempts: 3 }, clock.now());
      });
      clock.advance(1000);
      expect(await runner.runDue()).toBe(keys.length);
      // Every job done exactly once: its effect and its outbox once, the failed attempt rolled back.
      expect((await effects('fair.batch')).sort()).toEqual(keys);
      for (const key of keys) {
        expect((await findJobByKey(h.db, `fair:${key}`))?.state, key).toBe('done');
        expect((await findJobByKey(h.db, `fair-outbox:${key}`))?.state, key).toBe('pending');
      }
      expect(attempts.get('b-03')).toBe(2);
      expect(attempts.get('b-07')).toBe(2);
      expect(attempts.get('b-00')).toBe(1);
      expect(outcomes.sort()).toEqual(keys.map((k) => `${k}:done`));
    });

    it.runIf(kind === 'postgres')(
      'a job of a batch that waits for a row lock is set aside; the rest commits and the job runs once the lock is gone',
      { timeout: 60_000 },
      async () => {
        const clock = new FakeClock(60_000_000);
        const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger, transactionalConcurrency: 1 });
        runner.register<{ key: string }>('fair.locked', {
          mode: 'transactional',
          schema: Type.Object({ key: Type.String() }),
          async handle(tx, job, now) {
            // Every job touches the shared row; l-02 waits for the outside lock.
            await tx.updateTable('settings').set({ value: job.payload.key }).where('key', '=', `fair-row-${job.payload.key === 'l-02' ? 'locked' : 'free'}`).execute();
            await audit(tx, 'fair.locked', job.payload.key, now);
          },
        });
        await h.db
          .insertInto('settings')
          .values([
            { key: 'fair-row-locked', value: '' },
            { key: 'fair-row-free', value: '' },
          ])
          .execute();
        const keys = Array.from({ length: 6 }, (_, i) => `l-${String(i).padStart(2, '0')}`);
        await inTransaction(h.db, async (tx) => {
          for (const [i, key] of keys.entries())
            await enqueueJob(tx, { kind: 'fair.locked', payload: { key }, dueAt: clock.now() + i, dedupeKey: `locked:${key}` }, clock.now());
        });
        clock.advance(1000);
        const other = new pg.Client({ connectionString: tdb.config.kind === 'postgres' ? tdb.config.url : '' });
        await other.connect();
        try {
          await other.query('begin');
          await other.query(`select * from settings where key = 'fair-row-locked' for update`);
          const run = runner.runDue();
          // The other five commit while the lock is still held.
          while ((await effects('fair.locked')).length < 5) await sleep(20);
          expect((await effects('fair.locked')).sort()).toEqual(keys.filter((k) => k !== 'l-02'));
          expect((await findJobByKey(h.db, 'locked:l-02'))?.state).toBe('running');
          await other.query('rollback');
          expect(await run).toBe(keys.length);
        } finally {
          await other.end();
        }
        expect((await effects('fair.locked')).sort()).toEqual(keys);
        for (const key of keys) expect((await findJobByKey(h.db, `locked:${key}`))?.state, key).toBe('done');
      },
    );

    it.runIf(kind === 'postgres')(
      'the heartbeat does not wait for a job row a running transaction has locked, and keeps holding it',
      async () => {
        const now = 70_000_000;
        await inTransaction(h.db, async (tx) => {
          for (const key of ['hb-a', 'hb-b'])
            await enqueueJob(tx, { kind: 'fair.heartbeat', payload: {}, dueAt: now, dedupeKey: key }, now);
        });
        const claimed = await claimDueJobs(h.db, h.dialect, 'hb-node', now + 1, 10_000, 10, { only: ['fair.heartbeat'] });
        expect(claimed.map((j) => j.dedupeKey).sort()).toEqual(['hb-a', 'hb-b']);
        const a = claimed.find((j) => j.dedupeKey === 'hb-a')!;
        const b = claimed.find((j) => j.dedupeKey === 'hb-b')!;
        const other = new pg.Client({ connectionString: tdb.config.kind === 'postgres' ? tdb.config.url : '' });
        await other.connect();
        try {
          // A timer transaction running job a: its fence has locked the row.
          await other.query('begin');
          await other.query(`update jobs set updated_at = updated_at where id = $1`, [a.id]);
          // A heartbeat that waited for the lock would hang here until the test times out.
          const held = await renewLeases(h.db, 'hb-node', [a.id, b.id], now + 60_000);
          expect(held.sort()).toEqual([a.id, b.id].sort());
          expect(Number((await findJobByKey(h.db, 'hb-b'))?.locked_until)).toBe(now + 60_000);
          expect(Number((await findJobByKey(h.db, 'hb-a'))?.locked_until)).toBe(now + 1 + 10_000);
        } finally {
          await other.query('rollback');
          await other.end();
        }
        // A job another node took over is not held any more.
        await h.db.updateTable('jobs').set({ locked_by: 'another-node' }).where('id', '=', a.id).execute();
        expect(await renewLeases(h.db, 'hb-node', [a.id, b.id], now + 70_000)).toEqual([b.id]);
      },
    );
  });
}
