/**
 * SQL statements per SLA breach job (the configured case of timers.bench.ts, smaller), by
 * statement and table: where a burst of breaches spends its round trips.
 * Run: npx tsx bench/timers-statements.bench.ts [sqlite|postgres]   (BENCH_TICKETS=250)
 */
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { migrateToLatest } from '../src/db/database.js';
import { systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestDatabase, type DbKind } from '../test/helpers/databases.js';
import { configuredTicket, seedBenchConfig } from './config.js';
import { startProfile } from './profile.js';

const kind = (process.argv[2] ?? 'postgres') as DbKind;
const TICKETS = Number(process.env.BENCH_TICKETS ?? 250);
const tdb = await createTestDatabase(kind);
const config = loadConfig({ ESCALON_DATA_DIR: tdb.dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0', ESCALON_OUTBOUND_ALLOW: '127.0.0.0/8,::1' });
config.database = tdb.config;
const database = tdb.open();
await migrateToLatest(database);
const deps = createContainer(config, createLogger((process.env.BENCH_LOG ?? 'silent') as 'silent'), { clock: systemClock, database });
const setup = await seedBenchConfig(deps);
for (let i = 0; i < TICKETS; i++) await deps.tickets.create(setup.admin, { ...configuredTicket(setup, i), priority: 'normal' });
const db = database.db;
const due = Date.now();
await db.updateTable('jobs').set({ state: 'cancelled' }).where('kind', '=', 'sla.warning').where('state', '=', 'pending').execute();
await db.updateTable('sla_clocks').set({ due_at: due }).where('state', '=', 'running').where('superseded_at', 'is', null).execute();
const r = await db.updateTable('jobs').set({ due_at: due }).where('kind', '=', 'sla.breach').where('state', '=', 'pending').executeTakeFirst();
const clocks = Number(r.numUpdatedRows);
const counts = new Map<string, number>();
const times = new Map<string, number>();
let total = 0;
const ex = db.getExecutor() as unknown as object;
const proto = Object.getPrototypeOf(ex) as { executeQuery: (q: { sql: string }, ...rest: unknown[]) => unknown };
const orig = proto.executeQuery;
proto.executeQuery = function (this: unknown, q: { sql: string }, ...rest: unknown[]) {
  total++;
  const s = q.sql.replace(/\s+/g, ' ').trim();
  let key = s.slice(0, 70);
  const m = s.match(/^(insert into|update|delete from) "?(\w+)"?/i);
  if (m) key = `${m[1]!.toLowerCase()} ${m[2]}`;
  else if (/^select/i.test(s)) {
    const f = s.match(/ from "?(\w+)"?/i);
    if (f) key = `select ${f[1]}`;
  }
  counts.set(key, (counts.get(key) ?? 0) + 1);
  const t = performance.now();
  const out = orig.call(this, q, ...rest) as Promise<unknown>;
  const done = () => times.set(key, (times.get(key) ?? 0) + performance.now() - t);
  return out.then((x) => (done(), x), (e: unknown) => (done(), Promise.reject(e)));
};
// BENCH_PROFILE=<file.cpuprofile>: a CPU profile of the breaches alone (open it in Chrome DevTools).
const stopProfile = await startProfile();
const t0 = Date.now();
await deps.jobs.runDue({ only: ['sla.breach'] }, clocks);
const ms = Date.now() - t0;
await stopProfile();
proto.executeQuery = orig;
const events = await db.selectFrom('ticket_events').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'sla.breached').executeTakeFirst();
console.log(`${kind}: ${clocks} breach jobs in ${ms} ms, ${total} statements = ${(total / clocks).toFixed(2)} per job; sla.breached events ${Number(events?.n)}`);
console.log('per job  total ms  statement');
for (const [k, v] of [...counts].sort((a, b) => (times.get(b[0]) ?? 0) - (times.get(a[0]) ?? 0)).slice(0, 40))
  console.log((v / clocks).toFixed(2).padStart(7), (times.get(k) ?? 0).toFixed(0).padStart(9), ' ', k);
await deps.close();
await tdb.drop();
process.exit(0);
