import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, allDatabases, isAvailable, type TestDatabase } from '../../test/helpers/databases.js';
import { migrateToLatest, inTransaction, type DatabaseHandle } from '../db/database.js';
import { FakeClock, systemClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { JobRunner } from './job-runner.js';
import { cancelJobs, claimDueJobs, enqueueJob, findJobByKey, finishJob } from './jobs.repository.js';
import { PermanentJobError } from './jobs.types.js';

const logger = createLogger('silent');

/** Each effect is an audit row whose target_id is the job's key: counting them proves exactly-once. */
const effectHandler = {
  mode: 'transactional' as const,
  schema: Type.Object({ key: Type.String() }),
  async handle(tx: Parameters<Parameters<typeof inTransaction>[1]>[0], job: { payload: { key: string } }, now: number) {
    await tx.insertInto('audit_log').values({ id: crypto.randomUUID(), actor_id: null, action: 'effect', target_type: 'job', target_id: job.payload.key, ip: null, data: '{}', created_at: now }).execute();
  },
};

async function effects(h: DatabaseHandle): Promise<Map<string, number>> {
  const rows = await h.db.selectFrom('audit_log').select(['target_id']).where('action', '=', 'effect').execute();
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.target_id!, (m.get(r.target_id!) ?? 0) + 1);
  return m;
}

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`job runner [${kind}]`, () => {
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
    const enqueue = (key: string, dueAt: number, now: number, extra: Partial<Parameters<typeof enqueueJob>[1]> = {}) =>
      inTransaction(h.db, (tx) => enqueueJob(tx, { kind: 'effect', payload: { key }, dueAt, dedupeKey: key, maxAttempts: 3, ...extra }, now));

    it('fires nothing before the due instant and exactly once at it', async () => {
      const clock = new FakeClock(1_000_000);
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      runner.register('effect', effectHandler);
      await enqueue('a1', 1_005_000, clock.now());
      clock.set(1_004_999);
      expect(await runner.drain()).toBe(0);
      clock.set(1_005_000);
      expect(await runner.drain()).toBe(1);
      expect(await runner.drain()).toBe(0);
      expect((await effects(h)).get('a1')).toBe(1);
      expect((await findJobByKey(h.db, 'a1'))?.state).toBe('done');
    });

    it('replaces a timer when its due time moves, and cancels it', async () => {
      const clock = new FakeClock(2_000_000);
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      runner.register('effect', effectHandler);
      await enqueue('m1', 2_010_000, clock.now());
      await inTransaction(h.db, (tx) => enqueueJob(tx, { kind: 'effect', payload: { key: 'm1' }, dueAt: 2_020_000, dedupeKey: 'm1' }, clock.now(), { replace: true }));
      clock.set(2_015_000);
      expect(await runner.drain()).toBe(0);
      clock.set(2_020_000);
      expect(await runner.drain()).toBe(1);
      await enqueue('c1', 2_030_000, clock.now());
      await inTransaction(h.db, (tx) => cancelJobs(tx, ['c1'], clock.now()));
      clock.set(2_040_000);
      expect(await runner.drain()).toBe(0);
      expect((await effects(h)).get('c1')).toBeUndefined();
    });

    it('after downtime fires overdue timers once, in due order', async () => {
      const clock = new FakeClock(3_000_000);
      const order: string[] = [];
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      runner.register<{ key: string }>('effect', { ...effectHandler, handle: async (tx, job, now) => { order.push(job.payload.key); await effectHandler.handle(tx, job, now); } });
      // Timers of one subject (same key prefix, e.g. one SLA clock) run strictly in due order;
      // on PostgreSQL different subjects may run side by side.
      for (const [key, due] of [['clock:x:o3', 3_003_000], ['clock:x:o1', 3_001_000], ['clock:x:o2', 3_002_000]] as const) await enqueue(key, due, clock.now());
      clock.set(3_100_000);
      await runner.drain();
      expect(order).toEqual(['clock:x:o1', 'clock:x:o2', 'clock:x:o3']);
    });

    it('rolls back a failed transactional handler and retries it with backoff, then dead-letters', async () => {
      const clock = new FakeClock(4_000_000);
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      let calls = 0;
      runner.register('flaky', {
        mode: 'transactional',
        async handle(tx, _job, now) {
          calls++;
          await tx.insertInto('audit_log').values({ id: crypto.randomUUID(), actor_id: null, action: 'effect', target_type: 'job', target_id: 'flaky', ip: null, data: '{}', created_at: now }).execute();
          throw new Error('downstream broke');
        },
      });
      await inTransaction(h.db, (tx) => enqueueJob(tx, { kind: 'flaky', payload: {}, dueAt: clock.now(), dedupeKey: 'flaky', maxAttempts: 2 }, clock.now()));
      await runner.drain();
      const job = await findJobByKey(h.db, 'flaky');
      expect(job?.state).toBe('pending');
      expect(job!.due_at).toBeGreaterThan(clock.now());
      expect(job?.last_error).toBe('downstream broke');
      clock.set(job!.due_at);
      await runner.drain();
      expect((await findJobByKey(h.db, 'flaky'))?.state).toBe('dead');
      expect(calls).toBe(2);
      expect((await effects(h)).get('flaky')).toBeUndefined(); // both attempts rolled back
    });

    it('dead-letters invalid payloads and permanent errors at once', async () => {
      const clock = new FakeClock(5_000_000);
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      runner.register('effect', effectHandler);
      runner.register('never', { mode: 'external', handle: async () => { throw new PermanentJobError('gone'); } });
      await inTransaction(h.db, (tx) => enqueueJob(tx, { kind: 'effect', payload: { nope: 1 }, dueAt: clock.now(), dedupeKey: 'bad-payload', maxAttempts: 5 }, clock.now()));
      await inTransaction(h.db, (tx) => enqueueJob(tx, { kind: 'never', payload: {}, dueAt: clock.now(), dedupeKey: 'perm', maxAttempts: 5 }, clock.now()));
      await runner.drain();
      expect((await findJobByKey(h.db, 'bad-payload'))?.state).toBe('dead');
      expect((await findJobByKey(h.db, 'bad-payload'))?.last_error).toMatch(/invalid payload/);
      expect((await findJobByKey(h.db, 'perm'))?.state).toBe('dead');
    });

    it('re-runs the job of a node that died holding it, once', async () => {
      const clock = new FakeClock(6_000_000);
      await enqueue('lease1', clock.now(), clock.now());
      // A node claims the job and dies before finishing it (its transaction, if any, rolled back).
      const claimed = await claimDueJobs(h.db, h.dialect, 'dead-node', clock.now(), 30_000, 10);
      expect(claimed.map((j) => j.dedupeKey)).toEqual(['lease1']);
      const alive = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger, node: 'alive-node' });
      alive.register('effect', effectHandler);
      expect(await alive.drain()).toBe(0); // still leased to the dead node
      clock.advance(30_001);
      expect(await alive.drain()).toBe(1);
      expect(await alive.drain()).toBe(0);
      expect((await effects(h)).get('lease1')).toBe(1);
      // The dead node coming back cannot finish it a second time: its fence fails.
      expect(await finishJob(h.db, claimed[0]!.id, 'dead-node', 'done', clock.now())).toBe(false);
    });

    it(
      "a living runner keeps its claims by heartbeat; a dead one's are taken over within the lease, each job run once",
      { timeout: 30_000 },
      async () => {
        const leaseMs = 600;
        const runs: string[] = [];
        let open!: () => void;
        const gate = new Promise<void>((r) => (open = r));
        // Runner A has its own connections (its own "process"); its handlers hang until the gate opens.
        const hA = tdb.open();
        const a = new JobRunner({
          db: hA.db,
          dialect: hA.dialect,
          clock: systemClock,
          logger,
          node: 'node-a',
          leaseMs,
        });
        a.register<{ key: string }>('slow', {
          mode: 'external',
          handle: async (job) => {
            runs.push(`a:${job.payload.key}`);
            await gate;
          },
        });
        const b = new JobRunner({
          db: h.db,
          dialect: h.dialect,
          clock: systemClock,
          logger,
          node: 'node-b',
          leaseMs,
        });
        b.register<{ key: string }>('slow', {
          mode: 'external',
          handle: async (job) => void runs.push(`b:${job.payload.key}`),
        });
        const now = Date.now();
        for (const k of ['hb1', 'hb2', 'hb3'])
          await inTransaction(h.db, (tx) =>
            enqueueJob(
              tx,
              { kind: 'slow', payload: { key: k }, dueAt: now, dedupeKey: k, maxAttempts: 3 },
              now,
            ),
          );
        const aDone = a.runDue().catch(() => -1);
        while (runs.length < 3) await new Promise((r) => setTimeout(r, 10));
        // Three leases long, A is alive and heartbeating: B takes nothing.
        const until = Date.now() + 3 * leaseMs;
        while (Date.now() < until) {
          expect(await b.runDue()).toBe(0);
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(runs.filter((r) => r.startsWith('b:'))).toEqual([]);
        // A dies: its connections are gone, so is its heartbeat. B completes every job within the lease bound.
        const killedAt = Date.now();
        await hA.close();
        while (runs.filter((r) => r.startsWith('b:')).length < 3 && Date.now() - killedAt < 10 * leaseMs) {
          await b.runDue();
          await new Promise((r) => setTimeout(r, 20));
        }
        const takeover = Date.now() - killedAt;
        expect(runs.filter((r) => r.startsWith('b:')).sort()).toEqual(['b:hb1', 'b:hb2', 'b:hb3']);
        expect(takeover).toBeLessThan(leaseMs + 1000);
        for (const k of ['hb1', 'hb2', 'hb3']) expect((await findJobByKey(h.db, k))?.state).toBe('done');
        open();
        await aDone;
        expect(runs.filter((r) => r.startsWith('b:'))).toHaveLength(3);
      },
    );

    it(
      'a runner whose heartbeat cannot renew does not finish the job as its own once another took it (the fence)',
      { timeout: 30_000 },
      async () => {
        const leaseMs = 400;
        let open!: () => void;
        const gate = new Promise<void>((r) => (open = r));
        // A's clock is stuck: its renewals never move the lease past real time, as if they failed.
        const stuck = new FakeClock(Date.now());
        const a = new JobRunner({
          db: h.db,
          dialect: h.dialect,
          clock: stuck,
          logger,
          node: 'node-stuck',
          leaseMs,
        });
        const outcomes: string[] = [];
        a.observe((_j, _at, o) => outcomes.push(o));
        let aStarted = false;
        a.register('slow2', {
          mode: 'external',
          handle: async () => {
            aStarted = true;
            await gate;
          },
        });
        const b = new JobRunner({
          db: h.db,
          dialect: h.dialect,
          clock: systemClock,
          logger,
          node: 'node-fresh',
          leaseMs,
        });
        let bRuns = 0;
        b.register('slow2', { mode: 'external', handle: async () => void bRuns++ });
        await inTransaction(h.db, (tx) =>
          enqueueJob(
            tx,
            { kind: 'slow2', payload: {}, dueAt: stuck.now(), dedupeKey: 'fence1', maxAttempts: 3 },
            stuck.now(),
          ),
        );
        const aDone = a.runDue();
        while (!aStarted) await new Promise((r) => setTimeout(r, 5));
        const start = Date.now();
        while (bRuns === 0 && Date.now() - start < 5000) {
          await b.runDue();
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(bRuns).toBe(1);
        open();
        await aDone;
        expect(outcomes).toEqual(['lost']);
        const row = await findJobByKey(h.db, 'fence1');
        expect(row?.state).toBe('done');
        expect(row?.locked_by).toBeNull();
      },
    );

    it('wakes at the due instant with the real clock, without polling', async () => {
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock: systemClock, logger, maxSleepMs: 600_000 });
      const fired: { key: string; late: number }[] = [];
      runner.register<{ key: string }>('effect', { ...effectHandler, handle: async (tx, job, now) => { fired.push({ key: job.payload.key, late: now - job.dueAt }); await effectHandler.handle(tx, job, now); } });
      await runner.start();
      try {
        const now = Date.now();
        await enqueue('rt-later', now + 600, now);
        await enqueue('rt-sooner', now + 200, now); // written after, due before: must wake early
        await new Promise((r) => setTimeout(r, 1200));
      } finally {
        await runner.stop();
      }
      expect(fired.map((f) => f.key)).toEqual(['rt-sooner', 'rt-later']);
      for (const f of fired) expect(f.late).toBeLessThan(500);
    });
  });
}

describe.runIf(isAvailable('postgres'))('several nodes on one PostgreSQL', () => {
  it('lose and double no timer when three nodes race', { timeout: 90_000 }, async () => {
    const tdb = await createTestDatabase('postgres');
    const handles = [tdb.open(), tdb.open(), tdb.open()];
    try {
      await migrateToLatest(handles[0]!);
      const clock = new FakeClock(10_000_000);
      const total = 1500;
      const rows = Array.from({ length: total }, (_, i) => ({
        id: crypto.randomUUID(), kind: 'effect', dedupe_key: `race-${i}`, payload: JSON.stringify({ key: `race-${i}` }), due_at: 10_000_000 - (i % 50), state: 'pending', attempts: 0, max_attempts: 3, locked_by: null, locked_until: null, last_error: null, created_at: 0, updated_at: 0,
      }));
      for (let i = 0; i < rows.length; i += 500) await handles[0]!.db.insertInto('jobs').values(rows.slice(i, i + 500)).execute();
      const runners = handles.map((h, n) => {
        const r = new JobRunner({ db: h.db, dialect: 'postgres', clock, logger, node: `n${n}`, batchSize: 25 });
        r.register('effect', effectHandler);
        return r;
      });
      const counts = await Promise.all(runners.map((r) => r.drain()));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1); // the work really was shared
      const m = await effects(handles[0]!);
      expect(m.size).toBe(total);
      expect([...m.values()].every((v) => v === 1)).toBe(true);
    } finally {
      for (const h of handles) await h.close();
      await tdb.drop();
    }
  });

  it('wakes a node when another node writes a timer (LISTEN/NOTIFY)', { timeout: 30_000 }, async () => {
    const tdb = await createTestDatabase('postgres');
    const writer = tdb.open();
    const reader = tdb.open();
    try {
      await migrateToLatest(writer);
      const fired: number[] = [];
      const runner = new JobRunner({ db: reader.db, dialect: 'postgres', clock: systemClock, logger, listenUrl: tdb.config.kind === 'postgres' ? tdb.config.url : undefined, maxSleepMs: 600_000 });
      runner.register<{ key: string }>('effect', { ...effectHandler, handle: async (tx, job, now) => { fired.push(now - job.dueAt); await effectHandler.handle(tx, job, now); } });
      await runner.start();
      await new Promise((r) => setTimeout(r, 200)); // the runner is now asleep for up to 10 minutes
      const now = Date.now();
      await inTransaction(writer.db, (tx) => enqueueJob(tx, { kind: 'effect', payload: { key: 'remote' }, dueAt: now + 300, dedupeKey: 'remote' }, now));
      await new Promise((r) => setTimeout(r, 1000));
      await runner.stop();
      expect(fired).toHaveLength(1);
      expect(fired[0]).toBeLessThan(500);
    } finally {
      await writer.close();
      await reader.close();
      await tdb.drop();
    }
  });
});
