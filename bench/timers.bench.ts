/**
 * Timer engine figures: lateness of firing (fired instant minus due instant) with many
 * pending timers, firing throughput when 10,000 fall due at once, and the RSS of the process
 * while they are pending. Real JobRunner, real clock, a throwaway `bench.noop` transactional
 * handler. SQLite: one runner. PostgreSQL: three runners in this process, each with its own
 * pg pool and LISTEN connection (three nodes sharing one database).
 *
 * Run: npx tsx bench/timers.bench.ts [sqlite|postgres]   (BENCH_PENDING=1000000 for 1M pending)
 */
import { sql } from 'kysely';
import { migrateToLatest, type DatabaseHandle } from '../src/db/database.js';
import { JobRunner } from '../src/jobs/job-runner.js';
import { NOTIFY_CHANNEL } from '../src/jobs/jobs.repository.js';
import { systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';

const pendingCounts = (process.env.BENCH_PENDING ?? '100000').split(',').map(Number);
const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];
const PROBES = Number(process.env.BENCH_PROBES ?? 1000);
const BURST = Number(process.env.BENCH_BURST ?? 10_000);
const logger = createLogger('silent');
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Multi-row INSERTs of pending `bench.noop` timers: [prefix, count, dueAt(i)]. */
async function bulkInsert(h: DatabaseHandle, prefix: string, count: number, dueAt: (i: number) => number): Promise<void> {
  const batch = h.dialect === 'postgres' ? 4000 : 2000;
  const now = Date.now();
  for (let start = 0; start < count; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      rows.push({ id: `${prefix}-${String(i).padStart(8, '0')}`, kind: 'bench.noop', dedupe_key: `${prefix}:${i}`, payload: '{}', due_at: dueAt(i), state: 'pending', attempts: 0, max_attempts: 1, locked_by: null, locked_until: null, last_error: null, created_at: now, updated_at: now });
    }
    await h.db.insertInto('jobs').values(rows).execute();
  }
}

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  for (const pending of pendingCounts) {
    const tdb = await createTestDatabase(kind);
    const main = tdb.open();
    await migrateToLatest(main);
    const nodes = kind === 'postgres' ? 3 : 1;
    const t0 = Date.now();
    // Far-future timers: they must stay in the database, not in memory.
    await bulkInsert(main, 'far', pending, (i) => t0 + 3600_000 + (i % 86_400) * 1000);
    const loadS = (Date.now() - t0) / 1000;
    if (kind === 'postgres') await sql`analyze jobs`.execute(main.db);

    const handles = kind === 'postgres' ? Array.from({ length: nodes }, () => tdb.open()) : [main];
    const fired: { probe: number[]; burst: number[]; burstDue: number } = { probe: [], burst: [], burstDue: 0 };
    const runners = handles.map((h, n) => {
      const r = new JobRunner({ db: h.db, dialect: h.dialect, clock: systemClock, logger, node: `bench-${n}`, listenUrl: kind === 'postgres' ? tdb.config.kind === 'postgres' ? tdb.config.url : undefined : undefined });
      r.register('bench.noop', { mode: 'transactional', handle: async () => undefined });
      r.observe((job, firedAt) => {
        if (job.id.startsWith('probe')) fired.probe.push(firedAt - job.dueAt);
        else if (job.id.startsWith('burst')) fired.burst.push(firedAt);
      });
      return r;
    });

    // 1. Lateness: probes due one by one over 20 s, among `pending` others.
    const probeStart = Date.now() + 5000;
    await bulkInsert(main, 'probe', PROBES, (i) => probeStart + Math.floor((i * 20_000) / PROBES));
    for (const r of runners) await r.start();
    const rssBase = process.memoryUsage().rss;
    while (fired.probe.length < PROBES && Date.now() < probeStart + 60_000) await sleep(200);
    const late = [...fired.probe].sort((a, b) => a - b);
    console.log(
      `${kind} (${nodes} node${nodes > 1 ? 's' : ''}), ${pending.toLocaleString('en')} pending (bulk insert ${loadS.toFixed(1)} s): lateness of ${late.length} timers p50 ${pct(late, 50)} ms, p99 ${pct(late, 99)} ms, max ${late[late.length - 1]} ms; RSS ${mib(rssBase)} MiB with them pending (heap ${mib(process.memoryUsage().heapUsed)} MiB)`,
    );

    // 2. Throughput: BURST timers fall due at the same instant.
    const burstDue = Date.now() + 3000;
    await bulkInsert(main, 'burst', BURST, () => burstDue);
    // What enqueueJob does after commit: wake the schedulers (in-process signal; NOTIFY on PostgreSQL).
    if (kind === 'postgres') await sql`select pg_notify(${NOTIFY_CHANNEL}, ${String(burstDue)})`.execute(main.db);
    else for (const r of runners) r.wake(burstDue);
    while (fired.burst.length < BURST && Date.now() < burstDue + 120_000) await sleep(100);
    const last = Math.max(...fired.burst);
    const first = Math.min(...fired.burst);
    console.log(
      `${kind}: ${fired.burst.length.toLocaleString('en')} timers due at once fired in ${((last - burstDue) / 1000).toFixed(2)} s after due (first ${first - burstDue} ms late): ${Math.round(fired.burst.length / ((last - burstDue) / 1000)).toLocaleString('en')} timers/s`,
    );
    const done = await main.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'done').executeTakeFirst();
    console.log(`${kind}: done rows ${Number(done?.n)} (expected ${PROBES + BURST}: each fired exactly once); RSS now ${mib(process.memoryUsage().rss)} MiB`);

    for (const r of runners) await r.stop();
    for (const h of handles) if (h !== main) await h.close();
    await main.close();
    await tdb.drop();
  }
}
process.exit(0);
