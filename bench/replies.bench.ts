/**
 * Replies to customers with the real JobRunner, a real clock and a local SMTP sink
 * (smtp-server on loopback): latency from the agent's public reply (the transaction that writes
 * the reply and its delivery) to the mail accepted by the sink (p50/p99), and how fast 1,000
 * replies queued at once drain to the sink (mails/s).
 *
 * Run: npx tsx bench/replies.bench.ts [sqlite|postgres]   (BENCH_REPLIES=300 BENCH_PROBES=100; BENCH_CASES=bare,configured)
 */
import { benchCases, report, seedBenchConfig } from './config.js';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { migrateToLatest } from '../src/db/database.js';
import { systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import type { Principal } from '../src/modules/auth/index.js';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';
import { startSmtpSink } from '../test/helpers/smtp-sink.js';

const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];
const REPLIES = Number(process.env.BENCH_REPLIES ?? 300);
const PROBES = Number(process.env.BENCH_PROBES ?? 100);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deliveryOf = (raw: Buffer) =>
  /X-Escalon-Delivery: ([0-9a-f-]+)/i.exec(raw.subarray(0, 4096).toString('latin1'))?.[1];

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  for (const benchCase of benchCases()) {
    const sink = await startSmtpSink();
    const tdb = await createTestDatabase(kind);
    const config = loadConfig({
      ESCALON_DATA_DIR: tdb.dataDir,
      ESCALON_LOG_LEVEL: 'silent',
      ESCALON_DEMO: '0',
      // Receivers listen on loopback, which production refuses (ESCALON_OUTBOUND_ALLOW).
      ESCALON_OUTBOUND_ALLOW: '127.0.0.0/8,::1',
      ESCALON_SMTP_URL: sink.url,
      ESCALON_INBOUND_ADDRESS: 'support@bench.example',
    });
    config.database = tdb.config;
    const database = tdb.open();
    await migrateToLatest(database);
    const deps = createContainer(config, createLogger('silent'), { clock: systemClock, database });
    if (benchCase === 'configured') await seedBenchConfig(deps);
    const user = await deps.users.create(null, {
      email: 'agent@bench.example',
      name: 'Bench Agent',
      role: 'agent',
      locale: 'ja',
      timeZone: 'Asia/Tokyo',
      password: 'bench-password-123',
    });
    const agent = {
      userId: user.id,
      role: 'agent',
      locale: 'ja',
      timeZone: 'Asia/Tokyo',
      name: 'Bench Agent',
      email: 'agent@bench.example',
      via: 'token',
    } as Principal;
    // One ticket per reply: replies on one ticket go out in order, replies on different tickets in parallel.
    const tickets: string[] = [];
    for (let i = 0; i < PROBES + REPLIES; i++) {
      const t = await deps.tickets.create(null, {
        subject: `プリンターの故障 ${i}`,
        channel: 'email',
        requesterEmail: `customer${i}@bench.example`,
        description: '動きません',
        cc: i % 3 === 0 ? [`cc${i}@bench.example`] : [],
      });
      tickets.push(t.id);
    }
    const db = database.db;
    const eventOfDelivery = async (id: string) =>
      (await db.selectFrom('deliveries').select('event_id').where('id', '=', id).executeTakeFirst())
        ?.event_id ?? null;

    // Latency: one reply at a time, the runner running.
    await deps.jobs.start();
    const lat: number[] = [];
    for (let i = 0; i < PROBES; i++) {
      const before = sink.mails.length;
      const t0 = performance.now();
      await deps.tickets.addMessage(agent, tickets[i]!, {
        body: `ご不便をおかけしております。電源を入れ直してください。(${i})`,
        visibility: 'public',
      });
      await sink.waitFor(before + 1, 10_000);
      lat.push(sink.mails[before]!.acceptedAt - t0);
    }
    lat.sort((a, b) => a - b);
    await deps.jobs.stop();

    // Throughput: REPLIES replies queued while no worker runs, then one worker drains them.
    const base = sink.mails.length;
    for (let i = 0; i < REPLIES; i++)
      await deps.tickets.addMessage(agent, tickets[PROBES + i]!, {
        body: `お問い合わせありがとうございます。(${i})`,
        visibility: 'public',
      });
    const t0 = performance.now();
    await deps.jobs.start();
    await sink.waitFor(base + REPLIES, 300_000).catch((err: unknown) => console.log(String(err)));
    const secs = (performance.now() - t0) / 1000;
    const drained = sink.mails.length - base;
    await sleep(200);
    const sent = Number(
      (
        await db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('state', '=', 'done')
          .where('event', '=', 'customer.reply')
          .executeTakeFirst()
      )?.n ?? 0,
    );
    const check = sink.mails[base] ? await eventOfDelivery(deliveryOf(sink.mails[base]!.raw) ?? '') : null;
    console.log(
      `${kind} ${benchCase}: reply→mail accepted by the sink p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms, max ${lat[lat.length - 1]!.toFixed(0)} ms (${lat.length} replies); ` +
        `drain ${drained} mails in ${secs.toFixed(2)} s = ${(drained / secs).toFixed(0)} mails/s (${sent} deliveries done${check ? '' : ', delivery header not found'})`,
    );
    report({
      harness: 'replies',
      figure: 'reply → mail accepted, p99',
      db: kind,
      case: benchCase,
      value: pct(lat, 99),
      unit: 'ms',
    });
    report({
      harness: 'replies',
      figure: `${REPLIES} queued replies drained`,
      db: kind,
      case: benchCase,
      value: drained / secs,
      unit: 'mails/s',
    });
    await deps.jobs.stop();
    await deps.close();
    await sink.close();
    await tdb.drop();
  }
}
