/**
 * Where one configured ticket creation spends its time, in process (no HTTP): every statement
 * the creations run, grouped by SQL text, with count and total time, for N tickets at
 * BENCH_CONCURRENCY (default 16). For the CPU side run it under the profiler:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/create-profile.ts [sqlite|postgres] [N]
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { createLogger } from '../src/lib/logger.js';
import { createTestDatabase, type DbKind } from '../test/helpers/databases.js';
import { configuredTicket, seedDatabase } from './config.js';

const kind = (process.argv[2] ?? 'sqlite') as DbKind;
const n = Number(process.argv[3] ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const tdb = await createTestDatabase(kind);
const setup = await seedDatabase(tdb.open(), tdb.dataDir);

const stats = new Map<string, { n: number; ms: number }>();
const started = new WeakMap<object, number>();
let recording = false;
const callers = new Map<string, number>();
const compiled = new WeakMap<object, string>();
const timing: KyselyPlugin = {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (recording) started.set(args.queryId, performance.now());
    return args.node;
  },
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const t0 = started.get(args.queryId);
    if (t0 !== undefined) {
      const key = compiled.get(args.queryId) ?? '?';
      const s = stats.get(key) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t0;
      stats.set(key, s);
    }
    return args.result;
  },
};
const handle = tdb.open();
const db = process.env.PROFILE_STATEMENTS === '0' ? handle.db : handle.db.withPlugin(timing);
// Names each query by its operation and table, from the node the plugin sees.
const origTransform = timing.transformQuery.bind(timing);
timing.transformQuery = (args) => {
  const node = args.node as unknown as Record<string, unknown>;
  const kindName = String(node.kind);
  const table = JSON.stringify(node).match(/"identifier":\{"kind":"IdentifierNode","name":"([a-z_]+)"/)?.[1] ?? '';
  const raw = kindName === 'RawNode' ? ((node.sqlFragments as string[])?.join('?').slice(0, 60) ?? '') : '';
  const key = `${kindName.replace('Node', '')} ${table} ${raw}`.trim();
  compiled.set(args.queryId, key);
  if (recording && process.env.PROFILE_CALLERS) {
    const frames = (new Error().stack ?? '').split('\n').filter((l) => l.includes('/src/') && !l.includes('node_modules')).slice(0, 3).map((l) => l.trim().replace(/\(file:.*\/src\//, '(').replace(/^at /, ''));
    const ck = `${key}  <=  ${frames.join(' < ')}`;
    callers.set(ck, (callers.get(ck) ?? 0) + 1);
  }
  return origTransform(args);
};
const deps = createContainer(
  loadConfig({ ESCALON_DATA_DIR: tdb.dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0' }),
  createLogger('silent'),
  { database: { ...handle, db } },
);
const actor = { userId: null, role: 'admin' } as never;
// warm-up
for (let i = 0; i < 200; i++) await deps.tickets.create(actor, configuredTicket(setup, i, 1));
recording = true;
const { Session } = await import('node:inspector/promises');
const session = process.env.PROFILE_CPU ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
let next = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < n) await deps.tickets.create(actor, configuredTicket(setup, next++, 2));
  }),
);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
recording = false;
if (session) {
  const { profile } = await session.post('Profiler.stop');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.PROFILE_CPU!, JSON.stringify(profile));
}
let total = 0;
let count = 0;
const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
for (const [, s] of rows) {
  total += s.ms;
  count += s.n;
}
console.log(`${kind}: ${n} tickets in ${(wall / 1000).toFixed(2)} s = ${((n / wall) * 1000).toFixed(0)}/s at concurrency ${concurrency}; ${(count / n).toFixed(1)} statements/ticket; statement time ${(total / n).toFixed(3)} ms/ticket; CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms/ticket (system ${(cpu.system / 1000 / n).toFixed(3)})`);
for (const [k, s] of rows.slice(0, 40))
  console.log(`${(s.n / n).toFixed(2).padStart(6)}/ticket ${(s.ms / n).toFixed(3).padStart(8)} ms/ticket  ${k}`);
if (process.env.PROFILE_CALLERS) for (const [k, c] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`${(c / n).toFixed(2).padStart(6)}/ticket  ${k}`);
await deps.close();
await tdb.drop();
process.exit(0);
