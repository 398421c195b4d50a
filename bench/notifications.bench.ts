/**
 * Notification delivery figures with the real JobRunner (deps.jobs.start()) and a real clock:
 * throughput of webhook deliveries to a local receiver (messages/s) and latency from the
 * causing change (the transaction that queues the `notify` intent) to the receiver getting
 * the signed POST (p50/p99).
 *
 * Run: npx tsx bench/notifications.bench.ts [sqlite|postgres]   (BENCH_MESSAGES=2000)
 */
import { benchCases, report, seedBenchConfig } from './config.js';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { inTransaction, migrateToLatest } from '../src/db/database.js';
import { reply, startReceiver } from '../src/integrations/loopback-test-support.js';
import { enqueueJob } from '../src/jobs/jobs.repository.js';
import { systemClock } from '../src/lib/clock.js';
import { newId } from '../src/lib/ids.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';

const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const PROBES = Number(process.env.BENCH_PROBES ?? 100);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    const deps = createContainer(config, createLogger('silent'), { clock: systemClock, database });
    if (benchCase === 'configured') await seedBenchConfig(deps);
    const arrivals = new Map<string, number>();
    const receiver = await startReceiver((req, res) => {
      const body = JSON.parse(req.rawBody) as { data: { causedAt: number; n: string } };
      arrivals.set(body.data.n, Date.now() - body.data.causedAt);
      reply(res, 200, 'ok');
    });
    const created = await deps.notifications.createWebhook({
      url: `${receiver.url}/hook`,
      events: ['bench.*'],
    });
    // Many recipients (one subscription each would serialise per recipient): 20 subscribers.
    for (let i = 1; i < 20; i++)
      await deps.notifications.createWebhook({ url: `${receiver.url}/hook${i}`, events: ['bench.other'] });
    void created;
    await deps.jobs.start();

    const cause = (n: string, event: string) =>
      inTransaction(database.db, async (tx) => {
        const now = Date.now();
        await enqueueJob(
          tx,
          {
            kind: 'notify',
            dedupeKey: `notify:bench:${newId()}`,
            dueAt: now,
            payload: { event, recipients: { userIds: [] }, data: { causedAt: now, n } },
          },
          now,
        );
      });

    // Latency: one change at a time, receiver healthy (one subscriber for bench.latency).
    for (let i = 0; i < PROBES; i++) {
      await cause(`p${i}`, 'bench.latency');
      await sleep(Number(process.env.BENCH_GAP_MS ?? 20));
    }
    const deadline = Date.now() + 30_000;
    while ([...arrivals.keys()].filter((k) => k.startsWith('p')).length < PROBES && Date.now() < deadline)
      await sleep(10);
    const lat = [...arrivals.entries()]
      .filter(([k]) => k.startsWith('p'))
      .map(([, v]) => v)
      .sort((a, b) => a - b);

    // Throughput: a burst of changes, each delivered to the 19 'bench.other' subscribers.
    const perChange = 19;
    const changes = Math.ceil(MESSAGES / perChange);
    const t0 = Date.now();
    for (let i = 0; i < changes; i++) await cause(`t${i}`, 'bench.other');
    const want = changes * perChange;
    const doneCount = async () =>
      Number(
        (
          await database.db
            .selectFrom('deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('state', '=', 'done')
            .where('event', '=', 'bench.other')
            .executeTakeFirst()
        )?.n ?? 0,
      );
    while ((await doneCount()) < want && Date.now() - t0 < 300_000) await sleep(50);
    const secs = (Date.now() - t0) / 1000;
    const delivered = await doneCount();
    console.log(
      `${kind} ${benchCase}: latency change→delivery p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms, max ${lat[lat.length - 1]} ms (${lat.length}/${PROBES} probes); ` +
        `throughput ${delivered} webhook deliveries in ${secs.toFixed(1)} s = ${(delivered / secs).toFixed(0)} msg/s (${changes} changes × ${perChange} subscribers)`,
    );
    report({
      harness: 'notifications',
      figure: 'change → webhook delivered, p99',
      db: kind,
      case: benchCase,
      value: pct(lat, 99),
      unit: 'ms',
    });
    report({
      harness: 'notifications',
      figure: 'webhook deliveries',
      db: kind,
      case: benchCase,
      value: delivered / secs,
      unit: 'msg/s',
    });
    await deps.jobs.stop();
    await receiver.close();
    await deps.close();
    await tdb.drop();
  }
}
