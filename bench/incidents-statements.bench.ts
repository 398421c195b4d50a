/**
 * SQL statements per linked ticket of an incident resolution (the fan-out batches and the reply
 * mails to a local SMTP sink), by statement and table: where the fan-out's time goes.
 * Run: npx tsx bench/incidents-statements.bench.ts [sqlite|postgres]
 */
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { migrateToLatest } from '../src/db/database.js';
import { systemClock } from '../src/lib/clock.js';
import { newId } from '../src/lib/ids.js';
import { createLogger } from '../src/lib/logger.js';
import type { Principal } from '../src/modules/auth/index.js';
import { createTestDatabase, type DbKind } from '../test/helpers/databases.js';
import { startSmtpSink } from '../test/helpers/smtp-sink.js';
const kind = (process.argv[2] ?? 'postgres') as DbKind;
const N = 200;
const sink = await startSmtpSink();
const tdb = await createTestDatabase(kind);
const config = loadConfig({ ESCALON_DATA_DIR: tdb.dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0', ESCALON_SMTP_URL: sink.url, ESCALON_INBOUND_ADDRESS: 'support@bench.example' });
config.database = tdb.config;
const database = tdb.open();
await migrateToLatest(database);
const deps = createContainer(config, createLogger('silent'), { clock: systemClock, database });
const u = await deps.users.create(null, { email: 'mgr@x.example', name: 'M', role: 'manager', locale: 'ja', timeZone: 'Asia/Tokyo', password: 'bench-password-123' });
const actor = { userId: u.id, role: 'manager', locale: 'ja', timeZone: 'Asia/Tokyo', name: u.name, email: u.email, via: 'token' } as Principal;
const db = database.db;
const now = Date.now();
const ids: string[] = [];
const customers = [], tickets = [];
for (let j = 0; j < N; j++) {
  const cid = newId(), tid = newId();
  customers.push({ id: cid, name: `C ${j}`, email: `c${j}@bench.example`, phone: null, organization_id: null, tier: 'standard', locale: j % 2 ? 'en' : 'ja', created_at: now, updated_at: now });
  tickets.push({ id: tid, number: 100_000 + j, subject: `Login fails ${j}`, status: 'open', priority: 'normal', category: null, product: null, tags: '[]', channel: 'email', requester_id: cid, team_id: null, assignee_id: null, temperature: 'calm', created_by: null, created_at: now, updated_at: now, solved_at: null, closed_at: null, version: 1, cc: '[]' });
  ids.push(tid);
}
await db.insertInto('customers').values(customers).execute();
await db.insertInto('tickets').values(tickets).execute();
const inc = await deps.incidents.declare(actor, { title: 'Outage', severity: 'SEV1', ticketIds: ids }, null);
await deps.jobs.drain();
const counts = new Map<string, number>();
let total = 0;
const ex = db.getExecutor() as unknown as object;
const proto = Object.getPrototypeOf(ex) as { executeQuery: (q: { sql: string }, ...rest: unknown[]) => unknown };
const orig = proto.executeQuery;
proto.executeQuery = function (this: unknown, q: { sql: string }, ...rest: unknown[]) {
  total++;
  const s: string = q.sql;
  const m = s.match(/^\s*(select|insert into|update|delete from|with)\s+("?[\w]+"?)?/i);
  let key = m ? `${m[1]!.toLowerCase()} ${m[2] ?? ""}` : s.slice(0, 30);
  if (/^select/i.test(s) && !/ from "?(\w+)"?/i.test(s)) key = "RAW " + s.slice(0, 90);
  if (/settings/.test(s)) key = "SETTINGS " + s.slice(0, 120);
  if (/^select/i.test(s)) { const f = s.match(/ from "?(\w+)"?/i); if (f) key = `select ${f[1]}`; }
  if (key.startsWith('select ?') || key.startsWith('select settings') || key.startsWith('select select')) key = 'Q ' + s.slice(0, 140);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return orig.call(this, q, ...rest);
};
await deps.incidents.resolve(actor, inc.id, { resolution: { ja: '復旧', en: 'Restored' } });
const afterResolve = total;
await new Promise((r) => setTimeout(r, 300));
await deps.jobs.drain();
for (let i = 0; i < 50 && sink.mails.filter((m) => /c\d+@bench/.test(m.rcptTo[0]!)).length < N; i++) { await new Promise((r) => setTimeout(r, 200)); await deps.jobs.drain(); }
console.log(`${kind}: resolve request ${afterResolve} statements; then ${total - afterResolve} for ${N} tickets = ${((total - afterResolve) / N).toFixed(1)} per ticket; mails ${sink.mails.length}`);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log((v / N).toFixed(2).padStart(6), k);
await deps.close(); await sink.close(); await tdb.drop();
