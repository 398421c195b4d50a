/**
 * Timers are not held up by network jobs: external jobs run in the runner's background pool
 * (JobRunner.pump), which claims only as many as it has free slots, while the transactional
 * loop claims and runs due timers at their instant (issue 13: ack deadline → next level).
 */
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allDatabases,
  createTestDatabase,
  isAvailable,
  type TestDatabase,
} from '../../test/helpers/databases.js';
import { inTransaction, migrateToLatest, type DatabaseHandle } from '../db/database.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { JobRunner } from './job-runner.js';
import { enqueueJob, findJobByKey } from './jobs.repository.js';

const logger = createLogger('silent');
const SLOW_MS = 1500;

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`job runner pool [${kind}]`, () => {
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

    it(
      'runs a due timer at its instant while slow external jobs occupy the pool',
      { timeout: 30_000 },
      async () => {
        const runner = new JobRunner({
          db: h.db,
          dialect: h.dialect,
          clock: systemClock,
          logger,
          concurrency: 2,
          maxSleepMs: 600_000,
        });
        const timers: { key: string; late: number }[] = [];
        const sends: { key: string; late: number }[] = [];
        let running = 0;
        let maxRunning = 0;
        runner.register<{ key: string }>('pool.timer', {
          mode: 'transactional',
          schema: Type.Object({ key: Type.String() }),
          async handle(tx, job, now) {
            timers.push({ key: job.payload.key, late: now - job.dueAt });
            await tx
              .insertInto('audit_log')
              .values({
                id: crypto.randomUUID(),
                actor_id: null,
                action: 'pool.timer',
                target_type: 'job',
                target_id: job.payload.key,
                ip: null,
                data: '{}',
                created_at: now,
              })
              .execute();
          },
        });
        runner.register<{ key: string }>('pool.send', {
          mode: 'external',
          schema: Type.Object({ key: Type.String() }),
          async handle(job, now) {
            sends.push({ key: job.payload.key, late: now - job.dueAt });
            maxRunning = Math.max(maxRunning, ++running);
            await new Promise((r) => setTimeout(r, SLOW_MS));
            running--;
            return { ok: true };
          },
        });
        const enqueue = (k: string, key: string, dueAt: number) =>
          inTransaction(h.db, (tx) =>
            enqueueJob(tx, { kind: k, payload: { key }, dueAt, dedupeKey: key }, Date.now()),
          );
        const t0 = Date.now();
        // Four slow sends due now: two fill the pool, two wait for a free slot (not claimed).
        for (let i = 0; i < 4; i++) await enqueue('pool.send', `send-${i}`, t0);
        await runner.start();
        try {
          await new Promise((r) => setTimeout(r, 200));
          expect(running).toBe(2);
          // The waiting sends are not held by this runner (claimed only when a slot frees).
          expect((await findJobByKey(h.db, 'send-3'))?.state).toBe('pending');
          const now = Date.now();
          await enqueue('pool.timer', 'timer-soon', now + 300);
          await enqueue('pool.timer', 'timer-later', now + 800);
          await enqueue('pool.timer', 'timer-now', now);
          // Due after the pool has drained (≈ 2 × SLOW_MS): the pool must be woken for it.
          await enqueue('pool.send', 'send-late', t0 + 2 * SLOW_MS + 700);
          await new Promise((r) => setTimeout(r, 2 * SLOW_MS + 1000 - (Date.now() - t0)));
          expect(timers.map((t) => t.key)).toEqual(['timer-now', 'timer-soon', 'timer-later']);
          // At their instant (busy shared CI machines: a little more than 100 ms of slack).
          for (const t of timers) expect(t.late, t.key).toBeLessThan(150);
          await new Promise((r) => setTimeout(r, SLOW_MS + 300));
        } finally {
          await runner.stop();
        }
        expect(maxRunning).toBe(2);
        expect(sends.map((s) => s.key).sort()).toEqual(['send-0', 'send-1', 'send-2', 'send-3', 'send-late']);
        // Slots free up after SLOW_MS: the waiting sends start then, not after the whole batch.
        for (const s of sends.filter((x) => x.key === 'send-2' || x.key === 'send-3'))
          expect(s.late).toBeLessThan(SLOW_MS + 300);
        expect(sends.find((s) => s.key === 'send-late')!.late).toBeLessThan(300);
        for (const key of ['send-0', 'send-1', 'send-2', 'send-3', 'send-late', 'timer-now'])
          expect((await findJobByKey(h.db, key))?.state, key).toBe('done');
        const effects = await h.db
          .selectFrom('audit_log')
          .select('target_id')
          .where('action', '=', 'pool.timer')
          .execute();
        expect(effects.map((e) => e.target_id).sort()).toEqual(['timer-later', 'timer-now', 'timer-soon']);
      },
    );
  });
}
