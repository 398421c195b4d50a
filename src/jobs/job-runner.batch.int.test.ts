/**
 * Transactional jobs due together run several to a transaction (JobRunner.runBatch): each
 * still takes effect exactly once with its outbox, a failing one does not undo or block the
 * others, and jobs of one subject keep their order; a set-wise batch (handleMany) that fails
 * runs again in halves. External jobs of a set-wise kind run as one batch (JobRunner.runMany),
 * fenced like one by one.
 */
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allDatabases,
  createTestDatabase,
  isAvailable,
  type TestDatabase,
} from '../../test/helpers/databases.js';
import { inTransaction, migrateToLatest, type DatabaseHandle, type Tx } from '../db/database.js';
import { FakeClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { JobRunner } from './job-runner.js';
import { enqueueJob, findJobByKey } from './jobs.repository.js';

const logger = createLogger('silent');

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`job runner batches [${kind}]`, () => {
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

    /** The handler records an audit row and writes an outbox job, in the job's transaction. */
    const register = (runner: JobRunner, failOn: Set<string>) =>
      runner.register<{ key: string }>('batch.effect', {
        mode: 'transactional',
        schema: Type.Object({ key: Type.String() }),
        async handle(tx: Tx, job, now) {
          await tx
            .insertInto('audit_log')
            .values({
              id: crypto.randomUUID(),
              actor_id: null,
              action: 'batch.effect',
              target_type: 'job',
              target_id: job.payload.key,
              ip: null,
              data: '{}',
              created_at: now,
            })
            .execute();
          await enqueueJob(
            tx,
            {
              kind: 'batch.outbox',
              payload: { key: job.payload.key },
              dueAt: now + 3600_000,
              dedupeKey: `outbox:${job.payload.key}`,
            },
            now,
          );
          if (failOn.has(job.payload.key)) throw new Error(`handler failed for ${job.payload.key}`);
        },
      });
    const effects = async () =>
      (
        await h.db
          .selectFrom('audit_log')
          .select(['target_id', 'created_at'])
          .where('action', '=', 'batch.effect')
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      ).map((r) => r.target_id!);

    it('runs 300 due timers exactly once each, with their outbox, and isolates a failing one', async () => {
      const clock = new FakeClock(10_000_000);
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      const failing = new Set(['t-0042', 't-0217']);
      register(runner, failing);
      const outcomes = new Map<string, string[]>();
      runner.observe((job, _at, outcome) =>
        outcomes.set(job.dedupeKey!, [...(outcomes.get(job.dedupeKey!) ?? []), outcome]),
      );
      const keys = Array.from({ length: 300 }, (_, i) => `t-${String(i).padStart(4, '0')}`);
      await inTransaction(h.db, async (tx) => {
        for (const [i, key] of keys.entries())
          await enqueueJob(
            tx,
            { kind: 'batch.effect', payload: { key }, dueAt: 10_000_000 + i, dedupeKey: key, maxAttempts: 1 },
            clock.now(),
          );
      });
      clock.advance(1000);
      await runner.drain();

      const done = await effects();
      const ok = keys.filter((k) => !failing.has(k));
      expect(done.sort()).toEqual(ok);
      for (const k of ok) {
        expect(outcomes.get(k)).toEqual(['done']);
        expect((await findJobByKey(h.db, k))?.state).toBe('done');
        expect((await findJobByKey(h.db, `outbox:${k}`))?.state).toBe('pending');
      }
      for (const k of failing) {
        expect(outcomes.get(k)).toEqual(['dead']);
        expect((await findJobByKey(h.db, k))?.state).toBe('dead');
        expect(await findJobByKey(h.db, `outbox:${k}`)).toBeUndefined(); // its outbox rolled back with it
      }
    });

    it('keeps the due order of one subject', async () => {
      await h.db.deleteFrom('audit_log').execute();
      const clock = new FakeClock(20_000_000);
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      register(runner, new Set());
      // Two subjects, interleaved due instants.
      await inTransaction(h.db, async (tx) => {
        for (let i = 0; i < 40; i++) {
          const subject = i % 2 ? 'b' : 'a';
          await enqueueJob(
            tx,
            {
              kind: 'batch.effect',
              payload: { key: `${subject}:${String(i).padStart(2, '0')}` },
              dueAt: 20_000_000 + i,
              dedupeKey: `order:${subject}:${i}`,
            },
            clock.now(),
          );
        }
      });
      const seen: string[] = [];
      runner.observe((job) => seen.push((job.payload as { key: string }).key));
      clock.advance(1000);
      await runner.drain();
      for (const s of ['a', 'b']) {
        const mine = seen.filter((k) => k.startsWith(`${s}:`));
        expect(mine).toHaveLength(20);
        expect(mine).toEqual([...mine].sort());
      }
    });
    it('a set-wise batch that fails runs again in halves: only a few jobs around the failing one run alone', async () => {
      await h.db.deleteFrom('audit_log').execute();
      const clock = new FakeClock(30_000_000);
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      const sizes: number[] = [];
      const alone: string[] = [];
      const write = (tx: Tx, key: string, now: number) =>
        tx
          .insertInto('audit_log')
          .values({ id: crypto.randomUUID(), actor_id: null, action: 'batch.effect', target_type: 'job', target_id: key, ip: null, data: '{}', created_at: now })
          .execute();
      runner.register<{ key: string }>('batch.setwise', {
        mode: 'transactional',
        schema: Type.Object({ key: Type.String() }),
        async handle(tx, job, now) {
          alone.push(job.payload.key);
          await write(tx, job.payload.key, now);
          if (job.payload.key === 's-13') throw new Error('s-13 fails');
        },
        async handleMany(tx, jobs, now) {
          sizes.push(jobs.length);
          // Its effects are written first, then it fails: the batch must roll them back.
          for (const job of jobs) await write(tx, job.payload.key, now);
          if (jobs.some((j) => j.payload.key === 's-13')) throw new Error('a batch with s-13 fails');
        },
      });
      const keys = Array.from({ length: 40 }, (_, i) => `s-${String(i).padStart(2, '0')}`);
      await inTransaction(h.db, async (tx) => {
        for (const key of keys)
          await enqueueJob(tx, { kind: 'batch.setwise', payload: { key }, dueAt: clock.now(), dedupeKey: `setwise:${key}`, maxAttempts: 1 }, clock.now());
      });
      clock.advance(1000);
      await runner.drain();
      // 40 → 20 + 20 → 10 + 10 → 5 + 5 (the one with s-13 below the split size runs as a plain batch).
      expect(sizes[0]).toBe(40);
      expect(sizes.length).toBeLessThanOrEqual(7);
      expect(alone.length).toBeLessThan(8);
      expect(alone).toContain('s-13');
      expect((await effects()).sort()).toEqual(keys.filter((k) => k !== 's-13'));
      for (const key of keys) expect((await findJobByKey(h.db, `setwise:${key}`))?.state, key).toBe(key === 's-13' ? 'dead' : 'done');
    });

    it('runs external jobs of a set-wise kind as one batch, fenced: successes finished together, a failure retried at its own time, a taken-over job left to its new node', async () => {
      const clock = new FakeClock(30_000_000);
      const runner = new JobRunner({ db: h.db, dialect: h.dialect, clock, logger });
      const batches: string[][] = [];
      runner.register<{ key: string }>('batch.send', {
        mode: 'external',
        schema: Type.Object({ key: Type.String() }),
        handle: () => Promise.reject(new Error('not run one by one')),
        async handleMany(jobs) {
          batches.push(jobs.map((j) => j.payload.key));
          // Another node took this one over meanwhile (as if our lease had lapsed).
          const taken = jobs.find((j) => j.payload.key === 'k03');
          if (taken) await h.db.updateTable('jobs').set({ locked_by: 'other-node' }).where('id', '=', taken.id).execute();
          return jobs.map((j) =>
            j.payload.key === 'k05'
              ? { ok: false, retryable: true, response: 'HTTP 503', retryAt: clock.now() + 60_000 }
              : { ok: true },
          );
        },
      });
      const key = (i: number) => `k${String(i).padStart(2, '0')}`;
      await inTransaction(h.db, async (tx) => {
        for (let i = 0; i < 10; i++)
          await enqueueJob(tx, { kind: 'batch.send', payload: { key: key(i) }, dueAt: clock.now(), dedupeKey: `send:${key(i)}`, maxAttempts: 100 }, clock.now());
      });
      const outcomes = new Map<string, string>();
      runner.observe((job, _at, outcome) => outcomes.set((job.payload as { key: string }).key, outcome));
      expect(await runner.runDue({ only: ['batch.send'] })).toBe(10);
      expect(batches).toEqual([Array.from({ length: 10 }, (_, i) => key(i))]);
      expect(outcomes.get('k05')).toBe('retry');
      expect(outcomes.get('k03')).toBe('lost');
      expect([...outcomes.values()].filter((o) => o === 'done')).toHaveLength(8);
      const retried = await findJobByKey(h.db, 'send:k05');
      expect(retried).toMatchObject({ state: 'pending', locked_by: null, last_error: 'HTTP 503' });
      expect(Number(retried!.due_at)).toBe(30_060_000);
      expect(await findJobByKey(h.db, 'send:k03')).toMatchObject({ state: 'running', locked_by: 'other-node' });
      expect((await findJobByKey(h.db, 'send:k00'))?.state).toBe('done');
      expect((await findJobByKey(h.db, 'send:k09'))?.state).toBe('done');
    });
  });
}
