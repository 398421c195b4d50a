/**
 * Reports over a big desk (issue 18 §Speed): bulk-inserts BENCH_TICKETS tickets (default
 * 100,000; the target is 1,000,000) spread over a year, with 0.3 escalations, 5 timeline
 * events, 2 SLA clocks, 1 next response and their report facts per ticket, on SQLite and on
 * PostgreSQL; then runs every report (its default group-by and a second one) over the last 90
 * days, BENCH_RUNS times each (default 7), as an administrator (sees everything) and as an
 * agent outside a restricted team (the visibility condition applies), and prints p50 / p95.
 * It also prints the cost of the facts rollup per ticket write (the hook's time inside the
 * ticket change's transaction), and the supervisor's dashboard. Raise hand and incidents: BENCH_TICKETS / 5 hands (60 % on a
 * ticket) and 1,000 incidents with 8 updates each over the year; the hands report runs for the
 * outsider as a supervisor (agents may not run it), as do the per-person group-bys.
 * Run: npx tsx bench/reports.bench.ts [sqlite|postgres]
 * Seeding 1,000,000 tickets takes ~25 minutes: BENCH_KEEP=1 keeps the seeded database (and
 * prints how to reuse it), BENCH_REUSE=<SQLite file | PostgreSQL URL with its search_path>
 * runs the reports on a kept one (give the matching kind). Otherwise the database is dropped.
 */
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container.js';
import { inTransaction, migrateToLatest, openDatabase, type Db } from '../src/db/database.js';
import { FakeClock } from '../src/lib/clock.js';
import { newId } from '../src/lib/ids.js';
import { createLogger } from '../src/lib/logger.js';
import type { Principal } from '../src/modules/auth/index.js';
import { REPORTS } from '../src/modules/reports/index.js';
import { createTestDatabase, isAvailable, type DbKind } from '../test/helpers/databases.js';
import { report } from './config.js';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const kinds = (process.argv[2] ? [process.argv[2]] : ['sqlite', 'postgres']) as DbKind[];
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const TEAMS = 20;
const USERS = 200;
const PATHS = 50;
const CATEGORIES = ['billing', 'login', 'defect', 'outage', 'contract', '請求', '障害', 'shipping'];
const PRIORITIES = ['low', 'normal', 'normal', 'high', 'urgent'];
const CHANNELS = ['email', 'web', 'chat', 'phone', 'api'];

// A deterministic generator (the same data on both databases).
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * xs.length) - 1)]!;

async function insertBatched(db: Db, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const per = Math.max(1, Math.floor(30_000 / Object.keys(rows[0]!).length));
  await inTransaction(db, async (tx) => {
    for (let i = 0; i < rows.length; i += per) await tx.insertInto(table as never).values(rows.slice(i, i + per) as never).execute();
  });
}

async function seedDesk(db: Db): Promise<{ restrictedTeam: string; outsider: string; admin: string }> {
  const users = Array.from({ length: USERS }, (_, i) => ({ id: newId(), email: `u${i}@bench.example`, name: `担当者${i}`, role: i === 0 ? 'admin' : 'agent', locale: 'ja', time_zone: 'Asia/Tokyo', password_hash: null, availability: 'available', active: 1, created_at: 0, updated_at: 0 }));
  await insertBatched(db, 'users', users);
  const teams = Array.from({ length: TEAMS }, (_, i) => ({ id: newId(), name: `チーム${i}`, description: '', contact_email: null, contact_phone: null, created_at: 0, updated_at: 0, restricted: i === 0 ? 1 : 0 }));
  await insertBatched(db, 'teams', teams);
  await insertBatched(db, 'team_members', users.slice(1).map((u, i) => ({ team_id: teams[1 + (i % (TEAMS - 1))]!.id, user_id: u.id, role: 'member' })));
  const paths = Array.from({ length: PATHS }, (_, i) => ({ id: newId(), version: 1, name: `パス${i}`, owner_id: users[0]!.id, active: 1, auto_escalate: 0, definition: '{}', review_interval_days: 90, last_reviewed_at: null, last_reviewed_by: null, review_due_at: NOW, deleted_at: null, created_at: 0, updated_at: 0 }));
  await insertBatched(db, 'escalation_paths', paths);

  const t0 = Date.now();
  const chunk = 20_000;
  let number = 10_000_000;
  const ticketIds: string[] = [];
  for (let start = 0; start < TICKETS; start += chunk) {
    const tickets: Record<string, unknown>[] = [];
    const facts: Record<string, unknown>[] = [];
    const events: Record<string, unknown>[] = [];
    const escalations: Record<string, unknown>[] = [];
    const recipients: Record<string, unknown>[] = [];
    const clocks: Record<string, unknown>[] = [];
    const responses: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(TICKETS, start + chunk); i++) {
      const id = newId();
      ticketIds.push(id);
      const created = NOW - Math.floor(rnd() * 365 * DAY);
      const team = pick(teams).id;
      const assignee = pick(users).id;
      const solved = rnd() < 0.9 ? created + Math.floor(rnd() * 5 * DAY) : null;
      const firstResponse = created + Math.floor(rnd() * 8 * 3600_000);
      const category = pick(CATEGORIES);
      const priority = pick(PRIORITIES);
      const channel = pick(CHANNELS);
      const status = solved === null ? 'open' : 'solved';
      tickets.push({ id, number: ++number, subject: `件名 ${i}`, status, priority, category, product: null, tags: '[]', channel, requester_id: null, team_id: team, assignee_id: assignee, temperature: 'calm', created_by: null, created_at: created, updated_at: solved ?? created, solved_at: solved, closed_at: null, version: 1, cc: '[]' });
      const escalated = rnd() < 0.3;
      facts.push({ id, team_id: team, assignee_id: assignee, category, product: null, priority, channel, status, created_at: created, first_response_at: firstResponse, first_response_ms: firstResponse - created, first_response_biz_ms: Math.floor((firstResponse - created) / 3), awaiting_since: null, solved_at: solved, first_solved_at: solved, resolution_ms: solved === null ? null : solved - created, resolution_biz_ms: solved === null ? null : Math.floor((solved - created) / 3), reopens: rnd() < 0.05 ? 1 : 0, reassignments: rnd() < 0.2 ? 1 : 0, escalations: escalated ? 1 : 0 });
      for (let k = 0; k < 5; k++) {
        const kind = k === 0 ? 'ticket.created' : k === 4 && escalated && rnd() < 0.2 ? 'escalation.target_expired' : k === 3 && rnd() < 0.1 ? 'sla.warning' : 'message.added';
        events.push({ id: newId(), ticket_id: id, kind, visibility: 'public', author_type: k % 2 ? 'user' : 'customer', author_id: null, body: k === 0 ? null : 'メッセージ本文 '.repeat(8), data: kind === 'escalation.target_expired' ? JSON.stringify({ levelIndex: 0, targetKey: `team:${team}`, receivers: [assignee] }) : '{}', created_at: created + k * 3600_000 });
      }
      if (escalated) {
        const eid = newId();
        const requested = created + Math.floor(rnd() * 4 * 3600_000);
        const acked = rnd() < 0.85 ? requested + Math.floor(rnd() * 2 * 3600_000) : null;
        const returned = rnd() < 0.1;
        const st = returned ? 'returned' : acked === null ? (rnd() < 0.5 ? 'requested' : 'cancelled') : rnd() < 0.8 ? 'resolved' : 'acknowledged';
        const state = { status: st, targets: [{ key: `team:${team}`, receivers: [assignee], trace: ['チームのメンバーに通知'.repeat(10)], phase: acked ? 'acknowledged' : 'waiting', acknowledgedBy: acked ? assignee : null }], returned: returned ? { userId: assignee, reason: pick(['not_needed', 'wrong_target', 'missing_information']), text: '差し戻し' } : null };
        escalations.push({ id: eid, ticket_id: id, path_id: pick(paths).id, path_version: 1, kind: pick(['functional', 'hierarchical']), trigger: pick(['manual', 'manual', 'auto', 'sla', 'pingpong']), status: st, stage: rnd() < 0.05 ? 'fallback' : 'level', level_index: Math.floor(rnd() * 3), snapshot: '{}', state: JSON.stringify(state), brief: '{}', requested_by: null, requested_at: requested, ack_due_at: requested + 3600_000, acknowledged_at: acked, finished_at: st === 'resolved' || st === 'returned' || st === 'cancelled' ? requested + 5 * 3600_000 : null, created_at: requested, updated_at: requested, revision: 1 });
        recipients.push({ escalation_id: eid, kind: 'team', ref_id: team });
      }
      for (const kind of ['first_response', 'resolution']) {
        const breached = rnd() < 0.15;
        const open = solved === null && kind === 'resolution';
        clocks.push({ id: newId(), ticket_id: id, kind, policy_id: 'p-standard', target_seconds: kind === 'first_response' ? 4 * 3600 : 3 * 86400, calendar_id: null, calendar: null, cycle: 1, state: open ? 'running' : breached ? 'breached' : 'met', started_at: created, consumed_ms: 0, segment_started_at: open ? created : null, due_at: open ? created + 3 * DAY : null, met_at: open ? null : kind === 'first_response' ? firstResponse : solved, breached_at: breached ? created + 3600_000 : null, superseded_at: null, created_at: created, updated_at: created });
      }
      if (solved !== null) responses.push({ id: newId(), ticket_id: id, asked_at: created + 2 * 3600_000, answered_at: created + 3 * 3600_000, wall_ms: 3600_000, biz_ms: 1800_000 });
    }
    await insertBatched(db, 'tickets', tickets);
    await insertBatched(db, 'report_ticket_facts', facts);
    await insertBatched(db, 'ticket_events', events);
    await insertBatched(db, 'escalations', escalations);
    await insertBatched(db, 'escalation_recipients', recipients);
    await insertBatched(db, 'sla_clocks', clocks);
    await insertBatched(db, 'report_responses', responses);
  }
  // Raise hand: a fifth as many hands as tickets, most claimed within a minute and answered.
  const hands: Record<string, unknown>[] = [];
  for (let i = 0; i < Math.round(TICKETS / 5); i++) {
    const raised = NOW - Math.floor(rnd() * 365 * DAY);
    const claimed = rnd() < 0.9 ? raised + Math.floor(5_000 + rnd() * 55_000) : null;
    const closed = claimed === null ? null : claimed + Math.floor(rnd() * 600_000);
    const ticket = rnd() < 0.6 ? pick(ticketIds) : null;
    hands.push({ id: newId(), state: closed === null ? 'open' : 'closed', operator_id: pick(users).id, team_id: pick(teams).id, ticket_id: ticket, customer_id: null, call_id: null, caller_number: null, category: pick(CATEGORIES), ask: '判断をお願いします', concern: '', tried: '', environment: '', background: '', temperature: null, tiers: '[]', tier_index: 0, alerted: '[]', next_tier_at: null, exhausted_at: null, claimed_by: claimed === null ? null : pick(users).id, claimed_at: claimed, joined_call_mode: null, joined_call_at: null, outcome: closed === null ? null : pick(['answered', 'answered', 'callback', 'escalated', 'resolved_self']), answer: null, callback_due_at: null, escalation_id: null, closed_by: null, closed_at: closed, raised_at: raised, updated_at: closed ?? raised });
  }
  await insertBatched(db, 'hands', hands);
  // Incidents: 1,000 over the year on 10 services, 8 updates each, most resolved.
  const services = Array.from({ length: 10 }, (_, i) => ({ id: newId(), name_ja: `サービス${i}`, name_en: `Service ${i}`, description_ja: '', description_en: '', owner_team_id: null, status: 'operational', position: i, created_at: 0, updated_at: 0 }));
  await insertBatched(db, 'services', services);
  const incidents: Record<string, unknown>[] = [];
  const incidentServices: Record<string, unknown>[] = [];
  const updates: Record<string, unknown>[] = [];
  const cadence = JSON.stringify({ firstInternalMinutes: 15, firstCustomerMinutes: 60, updateIntervalMinutes: 30, resolveTargetMinutes: 240, commanderAfterMinutes: 10 });
  for (let i = 0; i < 1000; i++) {
    const id = newId();
    const declared = NOW - Math.floor(rnd() * 365 * DAY);
    const resolved = rnd() < 0.95 ? declared + Math.floor(rnd() * 8 * 3600_000) : null;
    incidents.push({ id, title: `障害 ${i}`, summary: '', severity: pick(['SEV1', 'SEV2', 'SEV3', 'SEV4']), state: resolved === null ? 'active' : 'resolved', internal_only: rnd() < 0.2 ? 1 : 0, started_at: declared - 600_000, declared_at: declared, declared_by: null, problem_ref: null, links: '[]', cadence, last_internal_update_at: null, last_customer_update_at: null, next_update_at: null, resolution: null, resolved_at: resolved, resolved_by: null, closed_at: null, created_at: declared, updated_at: declared, version: 1 });
    incidentServices.push({ incident_id: id, service_id: pick(services).id, impact: 'partial_outage', status_before: 'operational' });
    for (let k = 0; k < 8; k++) updates.push({ id: newId(), incident_id: id, state: 'investigating', body_ja: '調査中', body_en: 'Investigating', audience: k % 2 ? 'public' : 'internal', next_update_at: null, author_id: null, created_at: declared + (k + 1) * Math.floor(rnd() * 40 * 60_000) });
  }
  await insertBatched(db, 'incidents', incidents);
  await insertBatched(db, 'incident_services', incidentServices);
  await insertBatched(db, 'incident_updates', updates);
  console.log(`seeded ${TICKETS} tickets (+${Math.round(TICKETS * 0.3)} escalations, ${TICKETS * 5} events, ${TICKETS * 2} clocks, ${hands.length} hands, ${incidents.length} incidents) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { restrictedTeam: teams[0]!.id, outsider: users[1]!.id, admin: users[0]!.id };
}

/** A database seeded by an earlier run (BENCH_KEEP=1), to run the reports again without seeding. */
function reusedDatabase(kind: DbKind, where: string) {
  const config = kind === 'sqlite' ? { kind: 'sqlite' as const, file: where } : { kind: 'postgres' as const, url: where };
  return { kind, config, dataDir: kind === 'sqlite' ? dirname(where) : '/tmp', open: () => openDatabase(config), drop: async () => undefined };
}

/** The seeded desk's administrator and outsider (the first two users seedDesk writes). */
async function deskOf(db: Db): Promise<{ restrictedTeam: string; outsider: string; admin: string }> {
  const user = async (email: string) => (await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const team = await db.selectFrom('teams').select('id').where('restricted', '=', 1).executeTakeFirstOrThrow();
  return { restrictedTeam: team.id, outsider: await user('u1@bench.example'), admin: await user('u0@bench.example') };
}

for (const kind of kinds) {
  if (!isAvailable(kind)) {
    console.log(`${kind}: not available, skipped`);
    continue;
  }
  const reuse = process.env.BENCH_REUSE;
  const tdb = reuse ? reusedDatabase(kind, reuse) : await createTestDatabase(kind);
  const handle = tdb.open();
  await migrateToLatest(handle);
  const who = reuse ? await deskOf(handle.db) : await seedDesk(handle.db);
  const seeded = reuse ? Number((await sql<{ n: number | string }>`select count(*) as n from tickets`.execute(handle.db)).rows[0]!.n) : TICKETS;
  if (kind === 'postgres') await sql`analyze`.execute(handle.db);
  else await sql`analyze`.execute(handle.db);
  const config = loadConfig({ ESCALON_DATA_DIR: tdb.dataDir, ESCALON_LOG_LEVEL: 'silent', ESCALON_DEMO: '0' });
  config.database = tdb.config;
  const clock = new FakeClock(NOW);
  const deps = createContainer(config, createLogger('silent'), { clock, database: handle });
  const principal = (userId: string, role: 'admin' | 'agent'): Principal => ({ userId, role, locale: 'ja', timeZone: 'Asia/Tokyo', name: 'bench', email: 'b@bench.example', via: 'token' });
  const viewers = { admin: principal(who.admin, 'admin'), outsider: principal(who.outsider, 'agent') };
  const from = new Date(NOW - 90 * DAY).toISOString();
  const to = new Date(NOW).toISOString();
  const all: number[] = [];
  for (const def of REPORTS) {
    for (const groupBy of [...new Set([def.defaultGroupBy, def.groupBys.find((g) => g !== def.defaultGroupBy) ?? def.defaultGroupBy])]) {
      for (const [viewerName, base] of Object.entries(viewers)) {
        // The outsider runs what an agent may not (the hands report, per-person group-bys) as a supervisor outside the restricted team.
        const open = deps.reports.list(base).find((r) => r.name === def.name)?.groupBys.includes(groupBy) ?? false;
        const viewer = open ? base : { ...base, role: 'supervisor' as const };
        const times: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const t0 = performance.now();
          await deps.reports.run(viewer, def.name, { from, to, groupBy, filters: {} });
          times.push(performance.now() - t0);
        }
        all.push(...times);
        const line = `${kind} ${seeded} tickets: ${def.name} by ${groupBy} as ${viewerName}: p50 ${pct(times, 0.5).toFixed(0)} ms, p95 ${pct(times, 0.95).toFixed(0)} ms`;
        console.log(line);
        report({ harness: 'reports', figure: `${def.name} by ${groupBy} (${viewerName}, 90 days, ${seeded} tickets, p95)`, db: kind, case: '-', value: Math.round(pct(times, 0.95)), unit: 'ms' });
      }
    }
  }
  console.log(`${kind}: every report over 90 days: p95 ${pct(all, 0.95).toFixed(0)} ms, max ${Math.max(...all).toFixed(0)} ms`);
  // The supervisor's dashboard (today and this week, as a supervisor outside the restricted team).
  const dash: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await deps.reports.dashboard({ ...viewers.outsider, role: 'supervisor' });
    dash.push(performance.now() - t0);
  }
  console.log(`${kind} ${seeded} tickets: dashboard as outsider supervisor: p50 ${pct(dash, 0.5).toFixed(0)} ms, p95 ${pct(dash, 0.95).toFixed(0)} ms`);
  report({ harness: 'reports', figure: `dashboard (outsider supervisor, ${seeded} tickets, p95)`, db: kind, case: '-', value: Math.round(pct(dash, 0.95)), unit: 'ms' });

  // The rollup's cost per ticket write: the facts hook alone, inside a transaction, on a big table.
  const hooks = deps.reports.facts.hooks();
  const ticket = await deps.tickets.load(handle.db, (await deps.tickets.create(null, { subject: 'rollup probe', teamId: null })).id);
  const n = 300;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const before = { ...ticket, status: i % 2 ? 'solved' : 'open' } as typeof ticket;
    const after = { ...ticket, status: i % 2 ? 'open' : 'solved' } as typeof ticket;
    await inTransaction(handle.db, (tx) => hooks.afterUpdate!(tx, before, after, [], { actorId: null, authorType: 'system', now: NOW + i }));
  }
  const per = (performance.now() - t0) / n;
  console.log(`${kind}: facts rollup per ticket write (status change, own transaction included): ${per.toFixed(2)} ms`);
  report({ harness: 'reports', figure: `facts rollup per ticket write (${seeded} tickets)`, db: kind, case: '-', value: Number(per.toFixed(2)), unit: 'ms' });
  await deps.close();
  if (process.env.BENCH_KEEP || process.env.BENCH_REUSE) console.log(`${kind}: the database is kept; run the reports on it again with BENCH_REUSE='${tdb.config.kind === 'sqlite' ? tdb.config.file : tdb.config.url}' npx tsx bench/reports.bench.ts ${kind}`);
  else await tdb.drop();
}
