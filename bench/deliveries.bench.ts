/**
 * CPU per webhook delivery, in one process: one subscription to a healthy local receiver,
 * N notify intents over T tickets queued at once, then drained by the real JobRunner. Prints
 * deliveries/s and CPU ms per delivery (this process: fan-out, delivery, the receiver; and on
 * PostgreSQL the server processes' CPU from /proc), and checks per-ticket order (seq) and
 * exactly-once receipt. Profile with: npx tsx --cpu-prof bench/deliveries.bench.ts sqlite
 *
 * Run: npx tsx bench/deliveries.bench.ts [sqlite|postgres]   (BENCH_DELIVERIES=2000, BENCH_TICKETS=300)
 */
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { report } from './config.js';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { inTransaction, migrateToLatest } from '../src/db/database.js';
import { reply, startReceiver } from '../src/integrations/loopback-test-support.js';
import { enqueueJob } from '../src/jobs/jobs.repository.js';
import { systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';

const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];
const N = Number(process.env.BENCH_DELIVERIES ?? 2000);
const T = Number(process.env.BENCH_TICKETS ?? 300);
/** Statements sent to PostgreSQL (each one a round trip and a socket write): counted per delivery. */
let statements = 0;
/** BENCH_STATEMENTS=1: statements by kind and table, printed per database (where the round trips go). */
const byKind = process.env.BENCH_STATEMENTS ? new Map<string, number>() : null;
const statementKey = (text: string): string => {
  const s = text.replace(/\s+/g, ' ').trim();
  const m = s.match(/^(insert into|update|delete from) "?(\w+)"?/i);
  if (m) return `${m[1]!.toLowerCase()} ${m[2]}`;
  const f = /^select/i.test(s) && s.match(/ from "?(\w+)"?/i);
  if (f) return `select ${f[1]}`;
  return s.slice(0, 60);
};
const query = pg.Client.prototype.query;
(pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  if (byKind) {
    const q = args[0] as string | { text?: string };
    const key = statementKey(typeof q === 'string' ? q : (q?.text ?? '?'));
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
  }
  return (query as (...a: unknown[]) => unknown).apply(this, args);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pgCpuSeconds = (): number => {
  let s = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'postgres') continue;
      const f = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ');
      s += (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      /* gone */
    }
  }
  return s;
};

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
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
  const deps = createContainer(config, createLogger('silent'), { clock: systemClock, database });
  const got: { id: string; ticketId: string }[] = [];
  const receiver = await startReceiver((req, res) => {
    const body = JSON.parse(req.rawBody) as { id: string; data: { ticketId: string } };
    got.push({ id: body.id, ticketId: body.data.ticketId });
    reply(res, 200, 'ok');
  });
  await deps.notifications.createWebhook({ url: `${receiver.url}/hook`, events: ['bench.*'] });
  await deps.jobs.start();

  const cpu0 = process.cpuUsage();
  const pg0 = kind === 'postgres' ? pgCpuSeconds() : 0;
  const t0 = Date.now();
  const statements0 = statements;
  byKind?.clear();
  await inTransaction(database.db, async (tx) => {
    for (let i = 0; i < N; i++)
      await enqueueJob(
        tx,
        {
          kind: 'notify',
          dedupeKey: `notify:bench:${i}`,
          dueAt: t0,
          payload: { event: 'bench.event', ticketId: `bench-ticket-${i % T}`, data: { i } },
        },
        t0,
      );
  });
  while (got.length < N && Date.now() - t0 < 300_000) await sleep(20);
  const secs = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const nodeMs = (cpu.user + cpu.system) / 1000;
  const pgMs = kind === 'postgres' ? (pgCpuSeconds() - pg0) * 1000 : 0;
  // Less the N + 2 of queueing the intents (one transaction).
  const perDelivery = (statements - statements0 - N - 2) / got.length;

  const seq = new Map(
    (await database.db.selectFrom('deliveries').select(['id', 'seq']).execute()).map((r) => [
      r.id,
      Number(r.seq),
    ]),
  );
  const last = new Map<string, number>();
  const seen = new Set<string>();
  let kept = true;
  let dupes = 0;
  for (const r of got) {
    if (seen.has(r.id)) dupes++;
    seen.add(r.id);
    const s = seq.get(r.id) ?? -1;
    if (s < (last.get(r.ticketId) ?? -1)) kept = false;
    last.set(r.ticketId, s);
  }
  console.log(
    `${kind}: ${got.length}/${N} deliveries over ${T} tickets in ${secs.toFixed(1)} s = ${(got.length / secs).toFixed(0)}/s; ` +
      `CPU ${(nodeMs / got.length).toFixed(2)} ms/delivery in this process` +
      (kind === 'postgres'
        ? ` + ${(pgMs / got.length).toFixed(2)} ms in PostgreSQL, ${perDelivery.toFixed(1)} statements per delivery (fan-out included)`
        : '') +
      `; per-ticket order ${kept ? 'kept' : 'BROKEN'}, ${dupes} duplicates`,
  );
  if (byKind && kind === 'postgres')
    for (const [key, n] of [...byKind].sort((a, b) => b[1] - a[1]))
      console.log(`  ${(n / got.length).toFixed(2).padStart(6)} per delivery  ${key}`);
  report({
    harness: 'deliveries',
    figure: 'one subscription, deliveries/s',
    db: kind,
    case: '-',
    value: got.length / secs,
    unit: 'msg/s',
  });
  report({
    harness: 'deliveries',
    figure: 'CPU per delivery (node + db)',
    db: kind,
    case: '-',
    value: (nodeMs + pgMs) / got.length,
    unit: 'ms',
  });
  await deps.jobs.stop();
  await receiver.close();
  await deps.close();
  await tdb.drop();
}
