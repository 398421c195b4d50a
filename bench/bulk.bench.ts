/**
 * Bulk update of 500 tickets (POST /api/v1/tickets/bulk, issue 15 §2): p50/p99 of the request,
 * through the whole HTTP stack in-process (Fastify inject: routing, auth, validation, the
 * service, both databases), each request changing priority, assignee and a tag on all 500 so
 * every ticket writes its events and runs the SLA/escalation hooks.
 * Run: npx tsx bench/bulk.bench.ts [sqlite|postgres]   (BENCH_ROUNDS, default 12)
 */
import pg from 'pg';
import { closeTestApp, createTestApp } from '../test/helpers/app.js';
import { isAvailable, type DbKind } from '../test/helpers/databases.js';
import { report } from './config.js';
import { percentile } from './load.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 12);

// Statements sent to PostgreSQL during the last round (round trips, a figure the machine's load does not move).
let counting = false;
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) statements++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;
const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  const ctx = await createTestApp(kind);
  const { actors, deps } = ctx;
  const agent = await deps.users.get(actors.agent.id);
  const ids: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < 500; i++) ids.push((await deps.tickets.create(null, { subject: `bulk bench ${i}`, tags: ['bench'] })).id);
  console.log(`${kind}: 500 tickets created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const latencies: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const changes = r % 2 === 0 ? { priority: 'high', assigneeId: agent.id, addTags: ['wave'] } : { priority: 'low', assigneeId: null, removeTags: ['wave'] };
    statements = 0;
    counting = r === rounds - 1;
    const s = performance.now();
    const res = await ctx.request('POST', '/api/v1/tickets/bulk', actors.supervisor, { ids, changes });
    latencies.push(performance.now() - s);
    counting = false;
    if (res.status !== 200 || res.body.updated !== 500) throw new Error(`round ${r}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  latencies.sort((a, b) => a - b);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(`${kind}: bulk update of 500 tickets × ${rounds}: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (min ${latencies[0]!.toFixed(0)}, max ${latencies.at(-1)!.toFixed(0)})`);
  report({ harness: 'bulk', figure: 'bulk 500 p50', db: kind, case: '-', value: Math.round(p50), unit: 'ms' });
  report({ harness: 'bulk', figure: 'bulk 500 p99', db: kind, case: '-', value: Math.round(p99), unit: 'ms' });
  if (kind === 'postgres') {
    console.log(`postgres: ${statements} statements in the last round, ${(statements / 500).toFixed(1)} per ticket`);
    report({ harness: 'bulk', figure: 'bulk statements per ticket', db: kind, case: '-', value: Number((statements / 500).toFixed(1)), unit: 'statements' });
  }
  await closeTestApp(ctx);
}
