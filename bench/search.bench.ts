/**
 * Search (issue 19): a mixed Japanese/English message set is written straight into the
 * tables, `search.reindex()` builds the index (full reindex throughput), then searches through
 * the API's service (as an agent; ranked, snippets) give p50/p95 for 2-character, 3-character
 * and English queries and a rare word (a reference number); index size per message; write overhead of indexing one message in its
 * transaction.
 *
 * A tenth of the tickets belong to a restricted team the searching agent is not in, so the
 * visibility condition is real work in every query.
 *
 * Run: npx tsx bench/search.bench.ts [sqlite|postgres]   (BENCH_SEARCH_MESSAGES=50000, BENCH_SEARCH_QUERIES=30)
 * BENCH_KEEP=1 keeps the seeded and indexed database (and prints how to reuse it);
 * BENCH_REUSE=<SQLite file | PostgreSQL URL with its search_path> runs the queries and the write
 * overhead on a kept one (give the matching kind). Otherwise the database is dropped.
 */
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { report } from './config.js';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { searchIndexBytes } from '../src/db/dialect.js';
import { systemClock } from '../src/lib/clock.js';
import { newId } from '../src/lib/ids.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';

const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];
const MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? 50_000);
const QUERIES = Number(process.env.BENCH_SEARCH_QUERIES ?? 30);
const PER_TICKET = 10;
const rep = (db: string, figure: string, value: number, unit: string) => report({ harness: 'search', figure, db, case: '-', value, unit });
const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]!;
const ms = (ns: bigint) => Number(ns) / 1e6;

const JA = ['サーバー障害が発生しています', '請求書の金額が違います', '契約の期限切れについて', 'ログインできません', '交換機のランプが点滅', 'パスワードを忘れました', '筐体の交換をお願いします', '返金の手続きを教えてください', '納品が遅れています', 'メールが文字化けします', 'ｶﾅ入力ができない', '見積もりを再発行してください'];
const EN = ['the printer is broken', 'invoice overdue again', 'password reset mail missing', 'VPN token expired', 'cannot connect to the server', 'refund request for order', 'the delivery is late', 'please call me back', 'disk full on the backup host', 'EUC-JP mail is garbled'];
// mulberry32: an LCG's low bits alternate, which left some phrases out of the set entirely.
let seed = 42;
const rnd = (n: number) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (((t ^ (t >>> 14)) >>> 0) % n);
};
const message = () => Array.from({ length: 3 + rnd(4) }, () => (rnd(2) ? JA[rnd(JA.length)] : EN[rnd(EN.length)])).join('。 ') + ` ref ${rnd(100000)}`;

/** A database seeded by an earlier run (BENCH_KEEP=1). */
function reusedDatabase(kind: DbKind, where: string) {
  const config = kind === 'sqlite' ? { kind: 'sqlite' as const, file: where } : { kind: 'postgres' as const, url: where };
  return { kind, config, dataDir: kind === 'sqlite' ? dirname(where) : '/tmp', open: () => openDatabase(config), drop: async () => undefined };
}

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  const reuse = process.env.BENCH_REUSE;
  const tdb = reuse ? reusedDatabase(kind, reuse) : await createTestDatabase(kind);
  const config = loadConfig({ ESCALON_DATA_DIR: tdb.dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0' });
  config.database = tdb.config;
  const database = tdb.open();
  await migrateToLatest(database);
  const deps = createContainer(config, createLogger('silent'), { clock: systemClock, database });
  const db = database.db;
  try {
    const agentId = reuse
      ? (await db.selectFrom('users').select('id').where('email', '=', 'searcher@example.com').executeTakeFirstOrThrow()).id
      : (await deps.users.create(null, { email: 'searcher@example.com', name: 'Bench', role: 'agent', locale: 'ja', timeZone: 'Asia/Tokyo', password: 'correct-horse-staple-91' })).id;
    const viewer = { userId: agentId, role: 'agent' as const, locale: 'ja' as const, timeZone: 'Asia/Tokyo' };
    const now = Date.now();
    if (!reuse) {
      const legal = await deps.teams.create({ name: 'Legal (bench)', restricted: true });
      // Load: tickets and messages straight into the tables (not indexed yet).
      const t0 = process.hrtime.bigint();
      const tickets = Math.ceil(MESSAGES / PER_TICKET);
      let number = 1000;
      for (let i = 0; i < tickets; i += 500) {
        await db.transaction().execute(async (tx) => {
          const ts = Array.from({ length: Math.min(500, tickets - i) }, () => ({ id: newId(), number: ++number, subject: rnd(2) ? JA[rnd(JA.length)]! : EN[rnd(EN.length)]!, status: 'open', priority: 'normal', category: null, product: null, tags: '[]', channel: 'email', requester_id: null, team_id: rnd(10) === 0 ? legal.id : null, assignee_id: null, temperature: 'calm', created_by: null, created_at: now, updated_at: now, solved_at: null, closed_at: null, version: 1, cc: '[]' }));
          await tx.insertInto('tickets').values(ts).execute();
          const evs = ts.flatMap((t) => Array.from({ length: PER_TICKET }, (_, k) => ({ id: newId(), ticket_id: t.id, kind: 'message.added', visibility: k % 3 === 2 ? 'internal' : 'public', author_type: 'user', author_id: null, body: message(), data: '{}', created_at: now })));
          for (let j = 0; j < evs.length; j += 500) await tx.insertInto('ticket_events').values(evs.slice(j, j + 500)).execute();
        });
      }
      console.log(`${kind}: loaded ${tickets} tickets, ${tickets * PER_TICKET} messages in ${(ms(process.hrtime.bigint() - t0) / 1000).toFixed(1)} s`);

      const r0 = process.hrtime.bigint();
      const rebuilt = await deps.search.reindex({ batch: 500 });
      const reSec = ms(process.hrtime.bigint() - r0) / 1000;
      rep(kind, 'full reindex throughput', Math.round(rebuilt.documents / reSec), 'documents/s');
      console.log(`${kind}: reindex ${rebuilt.documents} documents in ${reSec.toFixed(1)} s`);
      if (kind === 'postgres') await sql`analyze`.execute(db);
      const bytes = await searchIndexBytes(db);
      if (bytes !== null) rep(kind, 'index size per message', Math.round(bytes / rebuilt.documents), 'bytes');
    }
    console.log(`${kind}: searching ${(await sql<{ n: number | string }>`select count(*) as n from search_documents`.execute(db)).rows[0]!.n} documents as an agent outside the restricted team`);

    for (const [label, qs] of [
      ['2-character', ['障害', '請求', '期限', '返金', '納品']],
      ['3-character', ['期限切', '交換機', 'ログイ', 'パスワ', '文字化']],
      ['English', ['printer', 'invoice', 'password', 'refund', 'server']],
      // A reference number: about one in 100,000 messages (10 matches in 1,000,000).
      ['rare word', ['12345', '67890', '4242', '31337', '99999']],
    ] as const) {
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < QUERIES; i++) {
        const q = qs[i % qs.length]!;
        const s = process.hrtime.bigint();
        const r = await deps.search.search(viewer, { q, filters: {}, limit: 20 });
        times.push(ms(process.hrtime.bigint() - s));
        hits += r.items.length;
      }
      times.sort((a, b) => a - b);
      rep(kind, `${label} query p50`, Number(pct(times, 50).toFixed(1)), 'ms');
      rep(kind, `${label} query p95`, Number(pct(times, 95).toFixed(1)), 'ms');
      console.log(`${kind}: ${label} p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms (${(hits / QUERIES).toFixed(1)} results per page)`);
    }

    // Write overhead: what indexing one message document adds to the transaction that writes the
    // message (timed inside the transaction; the commit, whose WAL flush dominates on a loaded
    // machine and which the reply pays anyway, is timed apart as the whole transaction).
    const ticketId = (await db.selectFrom('tickets').select('id').limit(1).executeTakeFirstOrThrow()).id;
    const w: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < 300; i++) {
      const body = message();
      const t0 = process.hrtime.bigint();
      await db.transaction().execute(async (tx) => {
        const s = process.hrtime.bigint();
        await deps.search.indexDocument(tx, { kind: 'message', id: newId(), ticketId, fields: [body], at: now });
        w.push(ms(process.hrtime.bigint() - s));
      });
      whole.push(ms(process.hrtime.bigint() - t0));
    }
    w.sort((a, b) => a - b);
    whole.sort((a, b) => a - b);
    rep(kind, 'write overhead per message p50', Number(pct(w, 50).toFixed(3)), 'ms');
    console.log(`${kind}: indexing one message in its transaction p50 ${pct(w, 50).toFixed(3)} ms, p95 ${pct(w, 95).toFixed(3)} ms (the whole transaction with its commit: p50 ${pct(whole, 50).toFixed(3)} ms)`);
  } finally {
    await deps.close();
    if (process.env.BENCH_KEEP || reuse) console.log(`${kind}: the database is kept; run the queries on it again with BENCH_REUSE='${tdb.config.kind === 'sqlite' ? tdb.config.file : tdb.config.url}' npx tsx bench/search.bench.ts ${kind}`);
    else await tdb.drop();
  }
}
