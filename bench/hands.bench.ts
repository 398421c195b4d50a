/**
 * Raise a hand (issue 16) figures, one node in this process (real HTTP on loopback, real
 * clock, real job runner):
 * - raise → visible: POST /api/v1/hands until each of BENCH_HAND_STREAMS (50) supervisors'
 *   live streams (GET /api/v1/events/stream) has the hand.updated event; p50/p99 over
 *   BENCH_HAND_RAISES (20) raises;
 * - tier timeout lateness: fired instant minus due instant of hand.tier_timeout jobs
 *   (tiers of 1 s; BENCH_HAND_TIMERS hands raised a few ms apart);
 * - claim race: BENCH_HAND_TRIALS (1000 on SQLite, 300 on PostgreSQL) trials of 20 concurrent
 *   claims through the service; the figure is how many trials had exactly one winner;
 * - RSS of the process with BENCH_HAND_RSS_STREAMS (1000) connected live streams (the clients
 *   are in the same process, so the server's share is smaller than the figure); and RSS of one
 *   `escalon start` process (compiled if built) with as many streams from this process.
 * PostgreSQL also: three nodes (three containers and HTTP servers in this process on one
 * database), the streams spread over them, hands raised on the first.
 *
 * Run: npx tsx bench/hands.bench.ts [sqlite|postgres]   (BENCH_HAND_ONLY=rss: the RSS figure only)
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { migrateToLatest } from '../src/db/database.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import type { Principal } from '../src/modules/auth/index.js';
import { DEFAULT_HANDS_CONFIG, HAND_TIER_JOB } from '../src/modules/hands/index.js';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';
import { ROOT, runCli, startServerProcess } from '../test/helpers/process.js';
import { report } from './config.js';

const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];
const STREAMS = Number(process.env.BENCH_HAND_STREAMS ?? 50);
const RAISES = Number(process.env.BENCH_HAND_RAISES ?? 20);
const TIMERS = Number(process.env.BENCH_HAND_TIMERS ?? 100);
const RSS_STREAMS = Number(process.env.BENCH_HAND_RSS_STREAMS ?? 1000);
/** BENCH_HAND_ONLY=rss: only the separate-process RSS figure. */
const ONLY_RSS = process.env.BENCH_HAND_ONLY === 'rss';
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PASSWORD = 'bench-password-123456';

/** A live stream reader: calls onEvent(type, ids) for every event. */
async function openStream(base: string, token: string, onEvent: (type: string, ids: string[]) => void): Promise<AbortController> {
  const ctl = new AbortController();
  const res = await fetch(`${base}/api/v1/events/stream`, { headers: { authorization: `Bearer ${token}` }, signal: ctl.signal });
  if (!res.ok || !res.body) throw new Error(`stream: ${res.status}`);
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = chunk.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const e = JSON.parse(data.slice(6)) as { type: string; ids: string[] };
          onEvent(e.type, e.ids);
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return ctl;
}

for (const kind of ONLY_RSS ? [] : kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  const tdb = await createTestDatabase(kind);
  const config = loadConfig({ ESCALON_DATA_DIR: tdb.dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0' });
  config.database = tdb.config;
  const database = tdb.open();
  await migrateToLatest(database);
  const deps = createContainer(config, createLogger('silent'), { clock: systemClock, database });
  const app = await buildApp(deps, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const streams: AbortController[] = [];
  try {
    const make = async (role: 'agent' | 'supervisor', i: number) => {
      const u = await deps.users.create(null, { email: `${role}${i}@bench.example`, name: `${role} ${i}`, role, locale: 'en', timeZone: 'Asia/Tokyo', password: PASSWORD });
      const { token } = await deps.auth.createToken(null, u.id, 'bench');
      const principal: Principal = { userId: u.id, role, locale: 'en', timeZone: 'Asia/Tokyo', name: u.name, email: u.email, via: 'token' };
      return { id: u.id, token, principal };
    };
    const agent = await make('agent', 0);
    const svs = [];
    for (let i = 0; i < Math.max(STREAMS, 20); i++) svs.push(await make('supervisor', i));
    // Every hand stays open (one long tier) so the race and stream figures are not disturbed by timers.
    await deps.hands.updateConfig(null, { ...DEFAULT_HANDS_CONFIG, tiers: [{ name: 'floor', targets: [{ type: 'all_supervisors' }], timeoutSeconds: 300 }], maxPerSupervisor: 20 });

    // ---- raise → visible on STREAMS supervisor streams
    const seen = new Map<string, number[]>();
    for (const sv of svs.slice(0, STREAMS))
      streams.push(
        await openStream(base, sv.token, (type, ids) => {
          if (type !== 'hand.updated' || !ids[0]) return;
          const at = seen.get(ids[0]) ?? [];
          at.push(performance.now());
          seen.set(ids[0], at);
        }),
      );
    await sleep(300);
    const latencies: number[] = [];
    for (let r = 0; r < RAISES; r++) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/hands`, { method: 'POST', headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ category: 'refund', ask: `bench ${r}` }) });
      const hand = (await res.json()) as { id: string };
      const deadline = Date.now() + 5000;
      while ((seen.get(hand.id)?.length ?? 0) < STREAMS && Date.now() < deadline) await sleep(1);
      const arrivals = (seen.get(hand.id) ?? []).slice(0, STREAMS);
      if (arrivals.length < STREAMS) console.log(`${kind}: only ${arrivals.length} of ${STREAMS} streams saw raise ${r}`);
      for (const at of arrivals) latencies.push(at - t0);
      await deps.hands.cancel(agent.principal, hand.id);
      await sleep(20);
    }
    console.log(`${kind}: raise → visible on ${STREAMS} streams, ${RAISES} raises: p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`);
    report({ harness: 'hands', figure: `raise → visible on ${STREAMS} streams p50`, db: kind, case: '-', value: pct(latencies, 50), unit: 'ms' });
    report({ harness: 'hands', figure: `raise → visible on ${STREAMS} streams p99`, db: kind, case: '-', value: pct(latencies, 99), unit: 'ms' });

    // ---- claim race: exactly one winner of 20
    const trials = Number(process.env.BENCH_HAND_TRIALS ?? (kind === 'sqlite' ? 1000 : 300));
    let exactlyOne = 0;
    const racers = svs.slice(0, 20);
    const tRace = Date.now();
    for (let i = 0; i < trials; i++) {
      const h = await deps.hands.raise(agent.principal, { category: 'refund', ask: `race ${i}` });
      const results = await Promise.allSettled(racers.map((sv) => deps.hands.claim(sv.principal, h.id)));
      const winners = results.filter((x) => x.status === 'fulfilled').length;
      const losersOk = results.every((x) => x.status === 'fulfilled' || (x.reason as { code?: string }).code === 'hand_already_claimed');
      if (winners === 1 && losersOk) exactlyOne++;
      await deps.hands.cancel(agent.principal, h.id);
    }
    console.log(`${kind}: claim race, 20 concurrent claims × ${trials} trials: exactly one winner in ${exactlyOne} (${((Date.now() - tRace) / 1000).toFixed(1)} s)`);
    report({ harness: 'hands', figure: `20-way claim race: trials with exactly one winner of ${trials}`, db: kind, case: '-', value: exactlyOne, unit: 'trials' });

    // ---- tier timeout lateness (the job runner on, tiers of 1 s)
    await deps.hands.updateConfig(null, { ...DEFAULT_HANDS_CONFIG, tiers: [{ name: 'a', targets: [{ type: 'user', userId: svs[0]!.id }], timeoutSeconds: 1 }, { name: 'b', targets: [{ type: 'all_supervisors' }], timeoutSeconds: 1 }], maxPerSupervisor: 20 });
    const lateness: number[] = [];
    deps.jobs.observe((job, firedAt) => {
      if (job.kind === HAND_TIER_JOB) lateness.push(firedAt - job.dueAt);
    });
    await deps.jobs.start();
    for (let i = 0; i < TIMERS; i++) {
      await deps.hands.raise(agent.principal, { category: 'refund', ask: `timer ${i}` });
      await sleep(7);
    }
    const until = Date.now() + 8000;
    while (lateness.length < TIMERS * 2 && Date.now() < until) await sleep(50);
    await deps.jobs.stop();
    console.log(`${kind}: tier timeout lateness over ${lateness.length} timeouts: p50 ${pct(lateness, 50)} ms, p99 ${pct(lateness, 99)} ms, max ${Math.max(...lateness)} ms`);
    report({ harness: 'hands', figure: 'tier timeout lateness p99', db: kind, case: '-', value: pct(lateness, 99), unit: 'ms' });

    // ---- RSS with many connected streams
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    for (let i = streams.length; i < RSS_STREAMS; i++) streams.push(await openStream(base, svs[i % svs.length]!.token, () => undefined));
    await sleep(500);
    const rss = process.memoryUsage().rss;
    console.log(`${kind}: RSS with ${streams.length} live streams: ${(rss / 1048576).toFixed(0)} MiB (before the extra streams ${(rssBefore / 1048576).toFixed(0)} MiB; clients in the same process)`);
    report({ harness: 'hands', figure: `RSS with ${streams.length} live streams (clients in process)`, db: kind, case: '-', value: rss / 1048576, unit: 'MiB' });
    report({ harness: 'hands', figure: `RSS added by ${streams.length - STREAMS} more live streams (clients in process)`, db: kind, case: '-', value: (rss - rssBefore) / 1048576, unit: 'MiB' });
  } finally {
    for (const s of streams) s.abort();
    await app.close();
    await deps.close();
    await tdb.drop();
  }
}

if (!ONLY_RSS && kinds.includes('postgres') && isAvailable('postgres')) {
  const tdb = await createTestDatabase('postgres');
  const nodes: { deps: ReturnType<typeof createContainer>; app: Awaited<ReturnType<typeof buildApp>>; base: string }[] = [];
  const streams: AbortController[] = [];
  try {
    for (let n = 0; n < 3; n++) {
      const config = loadConfig({ ESCALON_DATA_DIR: tdb.dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0' });
      config.database = tdb.config;
      const database = tdb.open();
      if (n === 0) await migrateToLatest(database);
      const deps = createContainer(config, createLogger('silent'), { clock: systemClock, database });
      const app = await buildApp(deps, { logger: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      nodes.push({ deps, app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` });
    }
    const deps = nodes[0]!.deps;
    const make = async (role: 'agent' | 'supervisor', i: number) => {
      const u = await deps.users.create(null, { email: `${role}${i}@bench.example`, name: `${role} ${i}`, role, locale: 'en', timeZone: 'Asia/Tokyo', password: PASSWORD });
      return { id: u.id, token: (await deps.auth.createToken(null, u.id, 'bench')).token };
    };
    const agent = await make('agent', 0);
    const seen = new Map<string, number[]>();
    for (let i = 0; i < STREAMS; i++) {
      const sv = await make('supervisor', i);
      streams.push(
        await openStream(nodes[i % 3]!.base, sv.token, (type, ids) => {
          if (type !== 'hand.updated' || !ids[0]) return;
          seen.set(ids[0], [...(seen.get(ids[0]) ?? []), performance.now()]);
        }),
      );
    }
    await sleep(500);
    const latencies: number[] = [];
    for (let r = 0; r < RAISES; r++) {
      const t0 = performance.now();
      const res = await fetch(`${nodes[0]!.base}/api/v1/hands`, { method: 'POST', headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ category: 'refund', ask: `bench ${r}` }) });
      const hand = (await res.json()) as { id: string };
      const deadline = Date.now() + 5000;
      while ((seen.get(hand.id)?.length ?? 0) < STREAMS && Date.now() < deadline) await sleep(1);
      for (const at of (seen.get(hand.id) ?? []).slice(0, STREAMS)) latencies.push(at - t0);
      await sleep(20);
    }
    console.log(`postgres, three nodes: raise → visible on ${STREAMS} streams, ${RAISES} raises: p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms (${latencies.length} arrivals)`);
    report({ harness: 'hands', figure: `raise → visible on ${STREAMS} streams over 3 nodes p50`, db: 'postgres', case: '-', value: pct(latencies, 50), unit: 'ms' });
    report({ harness: 'hands', figure: `raise → visible on ${STREAMS} streams over 3 nodes p99`, db: 'postgres', case: '-', value: pct(latencies, 99), unit: 'ms' });
  } finally {
    for (const s of streams) s.abort();
    for (const n of nodes) {
      await n.app.close();
      await n.deps.close();
    }
    await tdb.drop();
  }
}

/**
 * RSS of one node as `npm start` runs it (the compiled server when `npm run build` has been
 * run, else from source with tsx's loader, which the figure then includes), with RSS_STREAMS live
 * streams whose clients are this process: the figure is the server's memory only.
 */
for (const kind of kinds) {
  if (!isAvailable(kind)) continue;
  const tdb = await createTestDatabase(kind);
  const env: Record<string, string> = {
    ESCALON_DATA_DIR: tdb.dataDir,
    ESCALON_DEMO: '0',
    ESCALON_LOG_LEVEL: 'warn',
    ...(tdb.config.kind === 'postgres' && { ESCALON_DATABASE_URL: tdb.config.url }),
  };
  const built = existsSync(join(ROOT, 'dist', 'server', 'cli', 'main.js'));
  let node: Awaited<ReturnType<typeof startServerProcess>> | null = null;
  const streams: AbortController[] = [];
  try {
    runCli(['migrate'], env);
    const users = Math.min(50, RSS_STREAMS);
    node = await startServerProcess(env, { built });
    const tokens: string[] = [];
    for (let i = 0; i < users; i++) {
      const email = `rss-sv${i}@bench.example`;
      runCli(['users', 'add', '--email', email, '--name', `SV ${i}`, '--role', 'supervisor', '--password', PASSWORD], env);
      tokens.push(runCli(['tokens', 'create', '--email', email], env).stdout.trim());
    }
    const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
    // Warm: a few requests and streams, so the figure is not the cold start.
    for (let i = 0; i < 20; i++) streams.push(await openStream(node.url, tokens[i % tokens.length]!, () => undefined));
    await sleep(1000);
    const before = rssOf(node.child.pid!);
    for (let i = streams.length; i < RSS_STREAMS; i++) streams.push(await openStream(node.url, tokens[i % tokens.length]!, () => undefined));
    await sleep(2000);
    const after = rssOf(node.child.pid!);
    console.log(`${kind}: RSS of one node (${built ? 'compiled' : 'from source with tsx'}) with ${streams.length} live streams from another process: ${after.toFixed(0)} MiB (with 20 streams ${before.toFixed(0)} MiB)`);
    report({ harness: 'hands', figure: `RSS of one node with ${streams.length} live streams (clients in another process)`, db: kind, case: '-', value: after, unit: 'MiB' });
  } finally {
    for (const s of streams) s.abort();
    node?.child.kill('SIGTERM');
    if (node) await new Promise((r) => node!.child.once('exit', r));
    await tdb.drop();
  }
}
process.exit(0);
