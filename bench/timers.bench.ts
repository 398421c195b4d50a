/**
 * Timer engine figures: lateness of firing (fired instant minus due instant) with many
 * pending timers, firing throughput when 10,000 fall due at once, and the RSS of the process
 * while they are pending. Real JobRunner, real clock, a throwaway `bench.noop` transactional
 * handler. SQLite: one runner. PostgreSQL: three runners in this process, each with its own
 * pg pool and LISTEN connection (three nodes sharing one database).
 *
 * Configured case (bench/config.ts): BENCH_BURST/2 tickets created through the services on
 * the benchmark configuration (two SLA clocks each), then every running clock and its breach
 * timer are made due at the same instant; the figure is the time until the last breach is
 * recorded (the real handler: clock breached, timeline event, notify outbox job, add-tag action),
 * with the container's one runner.
 *
 * Run: npx tsx bench/timers.bench.ts [sqlite|postgres]   (BENCH_PENDING=1000000 for 1M pending)
 */
import { sql } from 'kysely';
import { migrateToLatest, type DatabaseHandle } from '../src/db/database.js';
import { JobRunner } from '../src/jobs/job-runner.js';
import { NOTIFY_CHANNEL } from '../src/jobs/jobs.repository.js';
import { systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import {
  createTestDatabase,
  isAvailable,
  type DbKind,
  type TestDatabase,
} from '../test/helpers/databases.js';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { benchCases, configuredTicket, report, seedBenchConfig } from './config.js';
import { startProfile } from './profile.js';

const pendingCounts = (process.env.BENCH_PENDING ?? '20000').split(',').map(Number);
const PROBE_SECONDS = Number(process.env.BENCH_PROBE_SECONDS ?? 5);
const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];
const PROBES = Number(process.env.BENCH_PROBES ?? 1000);
const BURST = Number(process.env.BENCH_BURST ?? 10_000);
const logger = createLogger('silent');
const SLA_BREACH_KIND = 'sla.breach';
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Multi-row INSERTs of pending `bench.noop` timers: [prefix, count, dueAt(i)]. */
async function bulkInsert(
  h: DatabaseHandle,
  prefix: string,
  count: number,
  dueAt: (i: number) => number,
): Promise<void> {
  const batch = h.dialect === 'postgres' ? 4000 : 2000;
  const now = Date.now();
  for (let start = 0; start < count; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      rows.push({
        id: `${prefix}-${String(i).padStart(8, '0')}`,
        kind: 'bench.noop',
        dedupe_key: `${prefix}:${i}`,
        payload: '{}',
        due_at: dueAt(i),
        state: 'pending',
        attempts: 0,
        max_attempts: 1,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      });
    }
    await h.db.insertInto('jobs').values(rows).execute();
  }
}

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  if (benchCases().includes('configured')) await configuredBurst(kind);
  if (!benchCases().includes('bare')) continue;
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
    const fired: { probe: number[]; burst: number[]; burstDue: number } = {
      probe: [],
      burst: [],
      burstDue: 0,
    };
    const runners = handles.map((h, n) => {
      const r = new JobRunner({
        db: h.db,
        dialect: h.dialect,
        clock: systemClock,
        logger,
        node: `bench-${n}`,
        listenUrl:
          kind === 'postgres' ? (tdb.config.kind === 'postgres' ? tdb.config.url : undefined) : undefined,
      });
      r.register('bench.noop', { mode: 'transactional', handle: async () => undefined });
      r.observe((job, firedAt) => {
        if (job.id.startsWith('probe')) fired.probe.push(firedAt - job.dueAt);
        else if (job.id.startsWith('burst')) fired.burst.push(firedAt);
      });
      return r;
    });

    // 1. Lateness: probes due one by one over PROBE_SECONDS, among `pending` others.
    const probeStart = Date.now() + 3000;
    await bulkInsert(
      main,
      'probe',
      PROBES,
      (i) => probeStart + Math.floor((i * PROBE_SECONDS * 1000) / PROBES),
    );
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
    if (kind === 'postgres')
      await sql`select pg_notify(${NOTIFY_CHANNEL}, ${String(burstDue)})`.execute(main.db);
    else for (const r of runners) r.wake(burstDue);
    while (fired.burst.length < BURST && Date.now() < burstDue + 120_000) await sleep(100);
    const last = Math.max(...fired.burst);
    const first = Math.min(...fired.burst);
    console.log(
      `${kind}: ${fired.burst.length.toLocaleString('en')} timers due at once fired in ${((last - burstDue) / 1000).toFixed(2)} s after due (first ${first - burstDue} ms late): ${Math.round(fired.burst.length / ((last - burstDue) / 1000)).toLocaleString('en')} timers/s`,
    );
    report({
      harness: 'timers',
      figure: `${BURST.toLocaleString('en')} timers due at once, all recorded`,
      db: kind,
      case: 'bare',
      value: fired.burst.length === BURST ? (last - burstDue) / 1000 : NaN,
      unit: 's',
    });
    report({
      harness: 'timers',
      figure: `lateness p99, ${pending.toLocaleString('en')} pending`,
      db: kind,
      case: 'bare',
      value: pct(late, 99),
      unit: 'ms',
    });
    const done = await main.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'done')
      .executeTakeFirst();
    console.log(
      `${kind}: done rows ${Number(done?.n)} (expected ${PROBES + BURST}: each fired exactly once); RSS now ${mib(process.memoryUsage().rss)} MiB`,
    );

    for (const r of runners) await r.stop();
    for (const h of handles) if (h !== main) await h.close();
    await main.close();
    await tdb.drop();
  }
}
process.exit(0);

/** The configured case: BURST real SLA clocks (on BURST/2 configured tickets) breach at once. */
async function configuredBurst(kind: DbKind): Promise<void> {
  const tdb: TestDatabase = await createTestDatabase(kind);
  const handle = tdb.open();
  await migrateToLatest(handle);
  const config = loadConfig({
    ESCALON_DATA_DIR: tdb.dataDir,
    ESCALON_LOG_LEVEL: 'silent',
    ESCALON_DEMO: '0',
    // Receivers listen on loopback, which production refuses (ESCALON_OUTBOUND_ALLOW).
    ESCALON_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
  });
  config.database = tdb.config;
  const deps = createContainer(config, logger, { database: handle });
  const setup = await seedBenchConfig(deps);
  const t0 = Date.now();
  let next = 0;
  const tickets = BURST / 2;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < tickets)
        await deps.tickets.create(setup.admin, { ...configuredTicket(setup, next++), priority: 'normal' });
    }),
  );
  const db = handle.db;
  const burstDue = Date.now() + 3000;
  // Every running clock and its breach fall due at the same instant; warnings are set aside.
  await db
    .updateTable('jobs')
    .set({ state: 'cancelled' })
    .where('kind', '=', 'sla.warning')
    .where('state', '=', 'pending')
    .execute();
  await db
    .updateTable('sla_clocks')
    .set({ due_at: burstDue })
    .where('state', '=', 'running')
    .where('superseded_at', 'is', null)
    .execute();
  const r = await db
    .updateTable('jobs')
    .set({ due_at: burstDue })
    .where('kind', '=', SLA_BREACH_KIND)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  const clocks = Number(r.numUpdatedRows);
  if (kind === 'postgres') await sql`analyze`.execute(db);
  console.log(
    `${kind} configured: ${tickets.toLocaleString('en')} tickets created in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${clocks.toLocaleString('en')} SLA clocks due at once`,
  );
  const recorded: number[] = [];
  deps.jobs.observe((job, _at, outcome) => {
    if (job.kind === SLA_BREACH_KIND && outcome === 'done') recorded.push(Date.now()); // committed
  });
  // BENCH_PROFILE=<file.cpuprofile>: a CPU profile of the burst alone (creation left out).
  const stopProfile = await startProfile();
  const kinds = new Map<string, number>();
  deps.jobs.observe((job) => void kinds.set(job.kind, (kinds.get(job.kind) ?? 0) + 1));
  await deps.jobs.start();
  deps.jobs.wake(burstDue);
  while (recorded.length < clocks && Date.now() < burstDue + 180_000) await sleep(100);
  const last = Math.max(...recorded);
  await stopProfile();
  console.log(`${kind} configured: jobs run meanwhile by kind: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const events = await db
    .selectFrom('ticket_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'sla.breached')
    .executeTakeFirst();
  console.log(
    `${kind} configured: ${recorded.length.toLocaleString('en')} SLA breaches recorded ${((last - burstDue) / 1000).toFixed(2)} s after due (${Math.round(recorded.length / ((last - burstDue) / 1000)).toLocaleString('en')}/s); sla.breached events ${Number(events?.n)} (expected ${clocks})`,
  );
  report({
    harness: 'timers',
    figure: `${BURST.toLocaleString('en')} timers due at once, all recorded`,
    db: kind,
    case: 'configured',
    value: recorded.length === clocks && Number(events?.n) === clocks ? (last - burstDue) / 1000 : NaN,
    unit: 's',
  });
  await deps.jobs.stop();
  await deps.close();
  await tdb.drop();
}
