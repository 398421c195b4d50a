/**
 * End-to-end escalation latency: from a level's acknowledgement deadline passing to the next
 * level's escalation being recorded (committed), with the real JobRunner and the real clock.
 * 200 escalations with 1–2 s acknowledgement timeouts on SQLite (or PostgreSQL with
 * ESCALON_BENCH_DATABASE_URL). Prints p50/p99/max. Run: npx tsx bench/escalation.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { createLogger } from '../src/lib/logger.js';
import { ESCALATION_TIMER_JOB } from '../src/modules/escalations/index.js';
import type { Principal } from '../src/modules/auth/index.js';

const N = Number(process.env.BENCH_N ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'escalon-bench-'));
const config = loadConfig({ ESCALON_DATA_DIR: dir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0' });
const pgUrl = process.env.ESCALON_BENCH_DATABASE_URL;
config.database = pgUrl ? { ...config.database, kind: 'postgres', url: pgUrl } as typeof config.database : { ...config.database, kind: 'sqlite', file: join(dir, 'bench.db') } as typeof config.database;
const database = openDatabase(config.database);
await migrateToLatest(database);
const deps = createContainer(config, createLogger('silent'), { database });

const admin = await deps.users.create(null, { email: 'admin@bench.example', name: 'Admin', role: 'admin' });
const l1 = await deps.users.create(null, { email: 'l1@bench.example', name: 'L1', role: 'specialist' });
const l2 = await deps.users.create(null, { email: 'l2@bench.example', name: 'L2', role: 'manager' });
const principal: Principal = { userId: admin.id, role: 'admin', locale: 'en', timeZone: 'UTC', name: 'Admin', email: admin.email, via: 'token' };
const level = (name: string, userId: string, ackTimeoutSeconds: number) => ({
  name,
  kind: 'functional' as const,
  targets: [{ type: 'user' as const, userId }],
  contact: { department: null, person: null, phone: null, email: null },
  ackTimeoutSeconds,
  calendarId: null,
  onTimeout: { advance: true, repeatReminders: 0, reminderIntervalSeconds: 0 },
  requiredBriefFields: [],
});
const conditions = { categories: [], products: [], tags: [], tagMode: 'any' as const, priorities: [], channels: [], customerTiers: [], customerTemperatures: [], keywords: [] };
const paths = [];
for (const t of [1, 2])
  paths.push(await deps.escalationPaths.create(principal, { name: `Bench ${t}s`, purpose: '', ownerId: admin.id, reviewIntervalDays: 90, active: true, conditions, levels: [level('L1', l1.id, t), level('L2', l2.id, 3600)], fallbackUserIds: [], fallbackTeamId: null }, 'bench'));

const latencies: number[] = [];
let done!: () => void;
const finished = new Promise<void>((r) => (done = r));
deps.jobs.observe((job, _firedAt, outcome) => {
  if (job.kind !== ESCALATION_TIMER_JOB || outcome !== 'done') return;
  latencies.push(Date.now() - job.dueAt); // the handler's transaction has committed
  if (latencies.length === N) done();
});
await deps.jobs.start();
const started = Date.now();
for (let i = 0; i < N; i++) {
  const ticket = await deps.tickets.create(principal, { subject: `Bench ${i}` });
  await deps.escalations.escalate(principal, ticket.id, { pathId: paths[i % 2]!.id, brief: { ask: 'bench' } });
}
const created = Date.now() - started;
await Promise.race([finished, new Promise((r) => setTimeout(r, 60_000))]);
await deps.jobs.stop();
const advanced = await deps.database.db.selectFrom('escalations').select('id').where('level_index', '=', 1).execute();
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
console.log(`escalation bench (${deps.database.dialect}): ${N} escalations created in ${created} ms; ${latencies.length} timers fired, ${advanced.length} advanced to L2`);
console.log(`deadline → next level recorded: p50 ${q(50)} ms, p99 ${q(99)} ms, max ${latencies[latencies.length - 1]} ms`);
await deps.close();
rmSync(dir, { recursive: true, force: true });
