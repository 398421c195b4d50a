/**
 * Ticket creation through the API, one server process: requests/s and p50/p99 latency at
 * concurrency 1 and 16 (BENCH_SECONDS each, default 30), on SQLite and on PostgreSQL, and the
 * idle server's RSS. Runs the compiled server: npm run build && npx tsx bench/tickets.bench.ts [sqlite|postgres]
 */
import { readFileSync } from 'node:fs';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';
import { runCli, startServerProcess } from '../test/helpers/process.js';
import { runLoad } from './load.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 30);
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
  const db = await createTestDatabase(kind);
  const env = {
    ESCALON_DATABASE_URL: db.config.kind === 'sqlite' ? `sqlite:${db.config.file}` : db.config.url,
    ESCALON_DATA_DIR: db.dataDir,
    ESCALON_DEMO: '0',
    ESCALON_LOG_LEVEL: 'warn',
  };
  runCli(['users', 'add', '--email', 'bench@test.example', '--name', 'Bench', '--role', 'agent', '--password', 'bench-password-1'], env);
  const token = runCli(['tokens', 'create', '--email', 'bench@test.example'], env).stdout.trim();
  const server = await startServerProcess(env, { built: true });
  await new Promise((r) => setTimeout(r, 2000));
  console.log(`${kind}: idle server RSS ${rssOf(server.child.pid!).toFixed(1)} MiB`);
  for (const concurrency of [1, 16]) {
    const r = await runLoad({
      url: `${server.url}/api/v1/tickets`,
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: (i) => JSON.stringify({ subject: `Bench ticket ${i}`, description: 'プリンターが動きません。至急対応をお願いします。', priority: 'normal', tags: ['bench'], channel: 'api' }),
      concurrency,
      seconds,
      expectStatus: 201,
    });
    console.log(
      `${kind}: POST /api/v1/tickets concurrency ${String(concurrency).padStart(2)}: ${r.rps.toFixed(0)} tickets/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms, ${r.requests} requests, ${r.errors} errors`,
    );
  }
  console.log(`${kind}: server RSS after load ${rssOf(server.child.pid!).toFixed(1)} MiB`);
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));
  await db.drop();
}
