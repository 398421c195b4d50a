/**
 * End-to-end escalation latency: from a level's acknowledgement deadline passing to the next
 * level's escalation being recorded (committed), with the real JobRunner and the real clock.
 * BENCH_N (default 200) escalations with 1–2 s acknowledgement timeouts, on SQLite and on
 * PostgreSQL; bare (an empty workspace) and configured (bench/config.ts: the tickets are the
 * configured ones, among 500 other paths, SLA clocks and timers). Prints p50/p99/max.
 * Run: npx tsx bench/escalation.bench.ts [sqlite|postgres]
 */
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { migrateToLatest } from '../src/db/database.js';
import { createLogger } from '../src/lib/logger.js';
import type { Principal } from '../src/modules/auth/index.js';
import { ESCALATION_TIMER_JOB } from '../src/modules/escalations/index.js';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';
import { benchCases, configuredTicket, report, seedBenchConfig, type BenchSetup } from './config.js';

const N = Number(process.env.BENCH_N ?? 200);
const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  for (const benchCase of benchCases()) {
    const tdb = await createTestDatabase(kind);
    const config = loadConfig({
      ESCALON_DATA_DIR: tdb.dataDir,
      ESCALON_LOG_LEVEL: 'silent',
      ESCALON_DEMO: '0',
      // Receivers listen on loopback, which production refuses (ESCALON_OUTBOUND_ALLOW).
      ESCALON_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
    });
    config.database = tdb.config;
    const database = tdb.open();
    await migrateToLatest(database);
    const deps = createContainer(config, createLogger('silent'), { database });
    const setup: BenchSetup | null = benchCase === 'configured' ? await seedBenchConfig(deps) : null;

    const admin = await deps.users.create(null, {
      email: 'admin@escalation.bench.example',
      name: 'Admin',
      role: 'admin',
    });
    const l1 = await deps.users.create(null, {
      email: 'l1@escalation.bench.example',
      name: 'L1',
      role: 'specialist',
    });
    const l2 = await deps.users.create(null, {
      email: 'l2@escalation.bench.example',
      name: 'L2',
      role: 'manager',
    });
    const principal: Principal = {
      userId: admin.id,
      role: 'admin',
      locale: 'en',
      timeZone: 'UTC',
      name: 'Admin',
      email: admin.email,
      via: 'token',
    };
    const level = (name: string, userId: string, ackTimeoutSeconds: number) => ({
      name,
      kind: 'functional' as const,
      targets: [{ type: 'user' as const, userId }],
      contact: { department: null, person: null, phone: null, email: null },
      ackTimeoutSeconds,
      calendarId: null,
      onTimeout: { advance: true, repeatReminders: 0, reminderIntervalSeconds: 0 },
      requiredBriefFields: [],
    });
    const conditions = {
      categories: [],
      products: [],
      tags: [],
      tagMode: 'any' as const,
      priorities: [],
      channels: [],
      customerTiers: [],
      customerTemperatures: [],
      keywords: [],
    };
    const paths = [];
    for (const t of [1, 2])
      paths.push(
        await deps.escalationPaths.create(
          principal,
          {
            name: `Bench ${t}s`,
            purpose: '',
            ownerId: admin.id,
            reviewIntervalDays: 90,
            active: true,
            conditions,
            levels: [level('L1', l1.id, t), level('L2', l2.id, 3600)],
            fallbackUserIds: [],
            fallbackTeamId: null,
          },
          'bench',
        ),
      );

    const latencies: number[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const fireLag: number[] = [];
    deps.jobs.observe((job, firedAt, outcome) => {
      if (
        job.kind !== ESCALATION_TIMER_JOB ||
        outcome !== 'done' ||
        (job.payload as { kind?: string }).kind !== 'ack_timeout'
      )
        return;
      latencies.push(Date.now() - job.dueAt); // the handler's transaction has committed
      fireLag.push(firedAt - job.dueAt);
      if (latencies.length === N) done();
    });
    await deps.jobs.start();
    const started = Date.now();
    for (let i = 0; i < N; i++) {
      const ticket = await deps.tickets.create(
        principal,
        setup ? configuredTicket(setup, i) : { subject: `Bench ${i}` },
      );
      await deps.escalations.escalate(principal, ticket.id, {
        pathId: paths[i % 2]!.id,
        brief: { ask: 'bench' },
      });
      // Requests arrive over the network, between turns of the event loop. better-sqlite3 answers
      // synchronously: without this the loop above is one chain of microtasks and no timer (the
      // runner's wake-up included) fires until all 200 are created.
      await new Promise((r) => setImmediate(r));
    }
    const created = Date.now() - started;
    await Promise.race([finished, new Promise((r) => setTimeout(r, 60_000))]);
    await deps.jobs.stop();
    {
      // Where the latency is: waiting to be claimed and started, or the handler and its commit.
      const f = [...fireLag].sort((a, b) => a - b);
      if (f.length)
        console.log(
          `${kind} ${benchCase}: deadline → handler started: p50 ${f[f.length >> 1]} ms, p99 ${f[Math.min(f.length - 1, Math.floor(f.length * 0.99))]} ms`,
        );
    }
    const advanced = await deps.database.db
      .selectFrom('escalations')
      .select('id')
      .where('level_index', '=', 1)
      .where(
        'path_id',
        'in',
        paths.map((p) => p.id),
      )
      .execute();
    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
    console.log(
      `${kind} ${benchCase}: ${N} escalations created in ${created} ms; ${latencies.length} ack timeouts fired, ${advanced.length} advanced to L2`,
    );
    console.log(
      `${kind} ${benchCase}: deadline → next level recorded: p50 ${q(50)} ms, p99 ${q(99)} ms, max ${latencies[latencies.length - 1]} ms`,
    );
    report({
      harness: 'escalation',
      figure: `ack deadline → next level recorded, p99 (${N} escalations)`,
      db: kind,
      case: benchCase,
      value: latencies.length === N && advanced.length === N ? q(99) : NaN,
      unit: 'ms',
    });
    await deps.close();
    await tdb.drop();
  }
}
process.exit(0);
