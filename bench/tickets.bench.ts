/**
 * Ticket creation through the API, one server process (the compiled server): requests/s and
 * p50/p99 latency at each BENCH_CONCURRENCY (default 16) for BENCH_SECONDS each (default 8),
 * on SQLite and on PostgreSQL, for the bare case (empty workspace, no requester) and the
 * configured case (bench/config.ts: SLA policies on Tokyo calendars, 500 paths, a requester
 * email per ticket), and the idle server's RSS.
 * Run: npm run build && npx tsx bench/tickets.bench.ts [sqlite|postgres]
 */
import { readFileSync } from 'node:fs';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';
import { runCli, startServerProcess } from '../test/helpers/process.js';
import { bareTicket, benchCases, configuredTicket, report, seedDatabase, type BenchSetup } from './config.js';
import { runLoad } from './load.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const concurrencies = (process.env.BENCH_CONCURRENCY ?? '16').split(',').map(Number);
const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];

const rssOf = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  for (const benchCase of benchCases()) {
    const db = await createTestDatabase(kind);
    let setup: BenchSetup | null = null;
    if (benchCase === 'configured') {
      const h = db.open();
      const t0 = Date.now();
      setup = await seedDatabase(h, db.dataDir);
      console.log(`${kind} ${benchCase}: configuration seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    const env = {
      ESCALON_DATABASE_URL: db.config.kind === 'sqlite' ? `sqlite:${db.config.file}` : db.config.url,
      ESCALON_DATA_DIR: db.dataDir,
      ESCALON_DEMO: '0',
      ESCALON_LOG_LEVEL: 'warn',
    };
    runCli(
      [
        'users',
        'add',
        '--email',
        'bench@test.example',
        '--name',
        'Bench',
        '--role',
        'agent',
        '--password',
        'load-test-passphrase-1',
      ],
      env,
    );
    const token = runCli(['tokens', 'create', '--email', 'bench@test.example'], env).stdout.trim();
    const server = await startServerProcess(env, { built: true });
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`${kind} ${benchCase}: idle server RSS ${rssOf(server.child.pid!).toFixed(1)} MiB`);
    let run = 0;
    for (const concurrency of concurrencies) {
      run++;
      const r = await runLoad({
        url: `${server.url}/api/v1/tickets`,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: (i) => JSON.stringify(setup ? configuredTicket(setup, i, run) : bareTicket(i)),
        concurrency,
        seconds,
        expectStatus: 201,
      });
      console.log(
        `${kind} ${benchCase}: POST /api/v1/tickets concurrency ${String(concurrency).padStart(2)}: ${r.rps.toFixed(0)} tickets/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms, ${r.requests} requests, ${r.errors} errors`,
      );
      report({
        harness: 'tickets',
        figure: `ticket creation, concurrency ${concurrency}`,
        db: kind,
        case: benchCase,
        value: r.errors ? NaN : Math.round(r.rps),
        unit: 'tickets/s',
      });
    }
    console.log(`${kind} ${benchCase}: server RSS after load ${rssOf(server.child.pid!).toFixed(1)} MiB`);
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    await db.drop();
  }
}
process.exit(0);
