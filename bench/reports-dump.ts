/**
 * Prints every report's figures (every group-by, as the administrator and as the outsider of the
 * restricted team) on a database kept by bench/reports.bench.ts (BENCH_KEEP=1), as JSON lines: to
 * compare the figures before and after a change of the reports' queries on the same data.
 * Run: BENCH_REUSE=<SQLite file | PostgreSQL URL> npx tsx bench/reports-dump.ts sqlite|postgres > out.jsonl
 */
import { dirname } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { openDatabase } from '../src/db/database.js';
import { FakeClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import type { Principal } from '../src/modules/auth/index.js';
import { REPORTS } from '../src/modules/reports/index.js';

const kind = process.argv[2] as 'sqlite' | 'postgres';
const where = process.env.BENCH_REUSE!;
const only = process.env.DUMP_ONLY?.split(',');
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const dbConfig = kind === 'sqlite' ? { kind: 'sqlite' as const, file: where } : { kind: 'postgres' as const, url: where };
const handle = openDatabase(dbConfig);
const config = loadConfig({ ESCALON_DATA_DIR: kind === 'sqlite' ? dirname(where) : '/tmp', ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0' });
config.database = dbConfig;
const deps = createContainer(config, createLogger('silent'), { clock: new FakeClock(NOW), database: handle });
const user = async (email: string) => (await handle.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
const principal = (userId: string, role: 'admin' | 'supervisor'): Principal => ({ userId, role, locale: 'ja', timeZone: 'Asia/Tokyo', name: 'bench', email: 'b@bench.example', via: 'token' });
const viewers = { admin: principal(await user('u0@bench.example'), 'admin'), outsider: principal(await user('u1@bench.example'), 'supervisor') };
const ranges = [
  { from: new Date(NOW - 90 * DAY).toISOString(), to: new Date(NOW).toISOString() },
  { from: '2026-10-03', to: '2026-10-20' },
];
for (const def of REPORTS) {
  if (only && !only.includes(def.name)) continue;
  for (const groupBy of def.groupBys) {
    for (const [viewerName, viewer] of Object.entries(viewers)) {
      for (const range of ranges) {
        const t0 = performance.now();
        const out = await deps.reports.run(viewer, def.name, { ...range, groupBy, filters: {} });
        const ms = performance.now() - t0;
        console.log(JSON.stringify({ report: def.name, groupBy, viewer: viewerName, range, ms: Math.round(ms), columns: out.columns, rows: out.rows }));
      }
    }
  }
}
const filtered = await deps.reports.run(viewers.outsider, 'tickets.times', { ...ranges[0], groupBy: 'team', filters: { priority: 'high', channel: 'web' } });
console.log(JSON.stringify({ report: 'tickets.times filtered', rows: filtered.rows }));
const dash = await deps.reports.dashboard(viewers.outsider);
console.log(JSON.stringify({ report: 'dashboard', dash }));
await deps.close();
