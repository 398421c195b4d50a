import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { ReportTicketFactsTable } from '../../db/schema.js';
import { ticketRefVisibleCondition, ticketVisibleCondition } from '../tickets/index.js';
import type { ClockRow, EscalationRow } from './reports.policy.js';
import type { ReportContext } from './reports.types.js';

// ---------------------------------------------------------------------------------------
// Facts maintenance (inside the ticket change's transaction)

/** A facts row as read: the table's own type (0021), so the two cannot drift apart. */
export type FactsRow = Selectable<ReportTicketFactsTable>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const normaliseFacts = (r: Record<string, unknown>): FactsRow => ({
  ...(r as unknown as FactsRow),
  created_at: Number(r.created_at),
  first_response_at: num(r.first_response_at),
  first_response_ms: num(r.first_response_ms),
  first_response_biz_ms: num(r.first_response_biz_ms),
  awaiting_since: num(r.awaiting_since),
  solved_at: num(r.solved_at),
  first_solved_at: num(r.first_solved_at),
  resolution_ms: num(r.resolution_ms),
  resolution_biz_ms: num(r.resolution_biz_ms),
  reopens: Number(r.reopens),
  reassignments: Number(r.reassignments),
  escalations: Number(r.escalations),
});

export async function findFacts(ex: Executor, ticketId: string): Promise<FactsRow | undefined> {
  const r = await ex.selectFrom('report_ticket_facts').selectAll().where('id', '=', ticketId).executeTakeFirst();
  return r ? normaliseFacts(r as unknown as Record<string, unknown>) : undefined;
}

/** findFacts for many tickets in one query. */
export async function findFactsOf(ex: Executor, ticketIds: string[]): Promise<Map<string, FactsRow>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await ex.selectFrom('report_ticket_facts').selectAll().where('id', 'in', ticketIds).execute();
  return new Map(rows.map((r) => [r.id, normaliseFacts(r as unknown as Record<string, unknown>)]));
}

export const insertFacts = (ex: Executor, f: FactsRow) => ex.insertInto('report_ticket_facts').values(f).onConflict((oc) => oc.column('id').doNothing()).execute();

export const updateFacts = (ex: Executor, id: string, f: Partial<FactsRow>) => ex.updateTable('report_ticket_facts').set(f).where('id', '=', id).execute();

export const countEscalation = (ex: Executor, ticketId: string) =>
  ex
    .updateTable('report_ticket_facts')
    .set((eb) => ({ escalations: eb('escalations', '+', 1) }))
    .where('id', '=', ticketId)
    .execute();

export const insertResponse = (ex: Executor, r: { id: string; ticket_id: string; asked_at: number; answered_at: number; wall_ms: number; biz_ms: number }) =>
  ex.insertInto('report_responses').values(r).execute();

// ---------------------------------------------------------------------------------------
// Report queries: every one goes through the facts row of its ticket (alias f), so the
// viewer's ticket visibility and the filters apply the same way to each.

/** The visibility and filter conditions on the facts alias `f`. */
export function factConditions(ctx: ReportContext): RawBuilder<boolean>[] {
  const out: RawBuilder<boolean>[] = [];
  const visible = ticketVisibleCondition(ctx.scope, 'f');
  if (visible) out.push(visible);
  const { teamIds, category, priority, channel, pathId } = ctx.filters;
  if (teamIds?.length) out.push(sql<boolean>`f.team_id in (${sql.join(teamIds)})`);
  if (category !== undefined) out.push(sql<boolean>`f.category = ${category}`);
  if (priority !== undefined) out.push(sql<boolean>`f.priority = ${priority}`);
  if (channel !== undefined) out.push(sql<boolean>`f.channel = ${channel}`);
  if (pathId !== undefined) out.push(sql<boolean>`exists (select 1 from escalations pe where pe.ticket_id = f.id and pe.path_id = ${pathId})`);
  return out;
}

export const and = (conds: RawBuilder<boolean>[]) => (conds.length ? sql`and ${sql.join(conds, sql` and `)}` : sql``);

const FACT_COLUMNS = sql`f.id, f.team_id, f.assignee_id, f.category, f.product, f.priority, f.channel, f.status, f.created_at, f.first_response_at, f.first_response_ms, f.first_response_biz_ms, f.awaiting_since, f.solved_at, f.first_solved_at, f.resolution_ms, f.resolution_biz_ms, f.reopens, f.reassignments, f.escalations`;

export async function factsCreated(ctx: ReportContext): Promise<FactsRow[]> {
  const r = await sql<Record<string, unknown>>`select ${FACT_COLUMNS} from report_ticket_facts f
    where f.created_at >= ${ctx.fromMs} and f.created_at < ${ctx.toMs} ${and(factConditions(ctx))}`.execute(ctx.ex);
  return r.rows.map(normaliseFacts);
}

/** Only the ids and creation instants of the tickets created in the period (the volume report needs no more: 20 columns of 231,000 rows took seconds). */
export async function createdInstants(ctx: ReportContext): Promise<{ id: string; created_at: number }[]> {
  const r = await sql<{ id: string; created_at: number | string }>`select f.id, f.created_at from report_ticket_facts f
    where f.created_at >= ${ctx.fromMs} and f.created_at < ${ctx.toMs} ${and(factConditions(ctx))}`.execute(ctx.ex);
  return r.rows.map((x) => ({ id: x.id, created_at: Number(x.created_at) }));
}

/** Only the latest-solve instants in the period. */
export async function solvedInstants(ctx: ReportContext): Promise<number[]> {
  const r = await sql<{ solved_at: number | string }>`select f.solved_at from report_ticket_facts f
    where f.solved_at >= ${ctx.fromMs} and f.solved_at < ${ctx.toMs} ${and(factConditions(ctx))}`.execute(ctx.ex);
  return r.rows.map((x) => Number(x.solved_at));
}

export async function factsSolved(ctx: ReportContext): Promise<FactsRow[]> {
  const r = await sql<Record<string, unknown>>`select ${FACT_COLUMNS} from report_ticket_facts f
    where f.solved_at >= ${ctx.fromMs} and f.solved_at < ${ctx.toMs} ${and(factConditions(ctx))}`.execute(ctx.ex);
  return r.rows.map(normaliseFacts);
}

export async function factsFirstResponded(ctx: ReportContext): Promise<FactsRow[]> {
  const r = await sql<Record<string, unknown>>`select ${FACT_COLUMNS} from report_ticket_facts f
    where f.first_response_at >= ${ctx.fromMs} and f.first_response_at < ${ctx.toMs} ${and(factConditions(ctx))}`.execute(ctx.ex);
  return r.rows.map(normaliseFacts);
}

/** Tickets open at `at`: created before it and not solved (latest solve) before it. Two index ranges. */
export async function backlogAt(ctx: ReportContext, at: number): Promise<number> {
  const c = and(factConditions(ctx));
  const open = await sql<{ n: number | string }>`select count(*) as n from report_ticket_facts f where f.solved_at is null and f.created_at < ${at} ${c}`.execute(ctx.ex);
  const later = await sql<{ n: number | string }>`select count(*) as n from report_ticket_facts f where f.solved_at >= ${at} and f.created_at < ${at} ${c}`.execute(ctx.ex);
  return Number(open.rows[0]?.n ?? 0) + Number(later.rows[0]?.n ?? 0);
}

export interface ResponseRow {
  ticket_id: string;
  wall_ms: number;
  biz_ms: number;
  team_id: string | null;
  category: string | null;
  priority: string;
  channel: string;
}

export async function nextResponses(ctx: ReportContext): Promise<ResponseRow[]> {
  const r = await sql<ResponseRow>`select r.ticket_id, r.wall_ms, r.biz_ms, f.team_id, f.category, f.priority, f.channel
    from report_responses r inner join report_ticket_facts f on f.id = r.ticket_id
    where r.answered_at >= ${ctx.fromMs} and r.answered_at < ${ctx.toMs} ${and(factConditions(ctx))}`.execute(ctx.ex);
  return r.rows.map((x) => ({ ...x, wall_ms: Number(x.wall_ms), biz_ms: Number(x.biz_ms) }));
}

export interface EscalationFactRow extends EscalationRow {
  path_id: string | null;
  kind: string;
  trigger: string;
  state: string | null;
  team_id: string | null;
  category: string | null;
  priority: string;
  channel: string;
}

const normaliseEscalation = (x: Record<string, unknown>): EscalationFactRow => ({
  ...(x as unknown as EscalationFactRow),
  level_index: Number(x.level_index),
  requested_at: Number(x.requested_at),
  ack_due_at: num(x.ack_due_at),
  acknowledged_at: num(x.acknowledged_at),
  finished_at: num(x.finished_at),
});

/** Escalations requested in the range; `withState`: also their state JSON (returns, acknowledgers). */
export async function escalationsRequested(ctx: ReportContext, withState = false): Promise<EscalationFactRow[]> {
  const path = ctx.filters.pathId === undefined ? sql`` : sql`and e.path_id = ${ctx.filters.pathId}`;
  const ctxNoPath = { ...ctx, filters: { ...ctx.filters, pathId: undefined } };
  const r = await sql<Record<string, unknown>>`select e.id, e.ticket_id, e.path_id, e.kind, e.trigger, e.status, e.stage, e.level_index, e.requested_at, e.ack_due_at, e.acknowledged_at, e.finished_at,
      ${withState ? sql`e.state` : sql`null`} as state, f.team_id, f.category, f.priority, f.channel
    from escalations e inner join report_ticket_facts f on f.id = e.ticket_id
    where e.requested_at >= ${ctx.fromMs} and e.requested_at < ${ctx.toMs} ${path} ${and(factConditions(ctxNoPath))}`.execute(ctx.ex);
  return r.rows.map(normaliseEscalation);
}

/**
 * Escalations that may be overdue at some instant of the range: the ones still waiting for an
 * acknowledgement (status index), and those requested up to 30 days before the range.
 */
export async function escalationsForOverdue(ctx: ReportContext): Promise<EscalationFactRow[]> {
  const path = ctx.filters.pathId === undefined ? sql`` : sql`and e.path_id = ${ctx.filters.pathId}`;
  const conds = and(factConditions({ ...ctx, filters: { ...ctx.filters, pathId: undefined } }));
  const cols = sql`e.id, e.ticket_id, e.path_id, e.kind, e.trigger, e.status, e.stage, e.level_index, e.requested_at, e.ack_due_at, e.acknowledged_at, e.finished_at, null as state, f.team_id, f.category, f.priority, f.channel`;
  const waiting = await sql<Record<string, unknown>>`select ${cols} from escalations e inner join report_ticket_facts f on f.id = e.ticket_id
    where e.status in ('pending', 'requested') and e.ack_due_at < ${ctx.toMs} ${path} ${conds}`.execute(ctx.ex);
  const recent = await sql<Record<string, unknown>>`select ${cols} from escalations e inner join report_ticket_facts f on f.id = e.ticket_id
    where e.requested_at >= ${ctx.fromMs - 30 * 86_400_000} and e.requested_at < ${ctx.toMs} and e.status not in ('pending', 'requested') ${path} ${conds}`.execute(ctx.ex);
  return [...waiting.rows, ...recent.rows].map(normaliseEscalation);
}

/** The receivers named on each of these escalations (team and user targets). */
export async function recipientsOf(ex: Executor, escalationIds: string[]): Promise<Map<string, { kind: string; ref_id: string }[]>> {
  const out = new Map<string, { kind: string; ref_id: string }[]>();
  for (let i = 0; i < escalationIds.length; i += 500) {
    const chunk = escalationIds.slice(i, i + 500);
    const rows = await ex.selectFrom('escalation_recipients').select(['escalation_id', 'kind', 'ref_id']).where('escalation_id', 'in', chunk).execute();
    for (const r of rows) {
      const list = out.get(r.escalation_id) ?? [];
      list.push({ kind: r.kind, ref_id: r.ref_id });
      out.set(r.escalation_id, list);
    }
  }
  return out;
}

/** Timeline events of one kind in the range, on tickets the viewer sees. */
export async function eventsOfKind(ctx: ReportContext, kind: string): Promise<{ ticket_id: string; data: string; created_at: number }[]> {
  const r = await sql<{ ticket_id: string; data: string; created_at: number }>`select ev.ticket_id, ev.data, ev.created_at
    from ticket_events ev inner join report_ticket_facts f on f.id = ev.ticket_id
    where ev.kind = ${kind} and ev.created_at >= ${ctx.fromMs} and ev.created_at < ${ctx.toMs} ${and(factConditions(ctx))}`.execute(ctx.ex);
  return r.rows.map((x) => ({ ...x, created_at: Number(x.created_at) }));
}

export interface ClockFactRow extends ClockRow {
  calendar: string | null;
  team_id: string | null;
  priority: string;
}

const CLOCK_COLUMNS = sql`c.id, c.ticket_id, c.kind, c.policy_id, c.state, c.target_seconds, c.consumed_ms, c.segment_started_at, c.met_at, c.breached_at, c.calendar, f.team_id, f.priority`;

const normaliseClock = (x: Record<string, unknown>): ClockFactRow => ({
  ...(x as unknown as ClockFactRow),
  target_seconds: Number(x.target_seconds),
  consumed_ms: Number(x.consumed_ms),
  segment_started_at: num(x.segment_started_at),
  met_at: num(x.met_at),
  breached_at: num(x.breached_at),
});

/** Clocks that ended in the range (met or breached there), not superseded. */
export async function clocksEnded(ctx: ReportContext): Promise<ClockFactRow[]> {
  const conds = and(factConditions(ctx));
  const met = await sql<Record<string, unknown>>`select ${CLOCK_COLUMNS} from sla_clocks c inner join report_ticket_facts f on f.id = c.ticket_id
    where c.met_at >= ${ctx.fromMs} and c.met_at < ${ctx.toMs} and c.superseded_at is null ${conds}`.execute(ctx.ex);
  const breached = await sql<Record<string, unknown>>`select ${CLOCK_COLUMNS} from sla_clocks c inner join report_ticket_facts f on f.id = c.ticket_id
    where c.breached_at >= ${ctx.fromMs} and c.breached_at < ${ctx.toMs} and c.superseded_at is null ${conds}`.execute(ctx.ex);
  const byId = new Map<string, ClockFactRow>();
  for (const r of [...met.rows, ...breached.rows].map(normaliseClock)) byId.set(r.id, r);
  return [...byId.values()];
}

/** Running clocks now (0010's partial index sla_clocks_running_due: the predicate repeats it literally). */
export async function clocksRunning(ctx: ReportContext): Promise<ClockFactRow[]> {
  const r = await sql<Record<string, unknown>>`select ${CLOCK_COLUMNS} from sla_clocks c inner join report_ticket_facts f on f.id = c.ticket_id
    where c.state = 'running' and c.superseded_at is null and c.due_at is not null ${and(factConditions(ctx))}`.execute(ctx.ex);
  return r.rows.map(normaliseClock);
}

export async function clocksById(ex: Executor, ids: string[]): Promise<ClockFactRow[]> {
  const out: ClockFactRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const r = await sql<Record<string, unknown>>`select ${CLOCK_COLUMNS} from sla_clocks c inner join report_ticket_facts f on f.id = c.ticket_id where c.id in (${sql.join(ids.slice(i, i + 500))})`.execute(ex);
    out.push(...r.rows.map(normaliseClock));
  }
  return out;
}

export interface SurveyFactRow {
  id: string;
  ticket_id: string;
  state: string;
  rating: string | null;
  agent_id: string | null;
  team_id: string | null;
  path_id: string | null;
  escalated: number;
  sent_at: number | null;
}

/** Surveys sent in the range, on tickets the viewer sees. */
export async function surveysSent(ctx: ReportContext): Promise<SurveyFactRow[]> {
  const r = await sql<SurveyFactRow>`select s.id, s.ticket_id, s.state, s.rating, s.agent_id, s.team_id, s.path_id, s.escalated, s.sent_at
    from satisfaction_surveys s inner join report_ticket_facts f on f.id = s.ticket_id
    where s.sent_at >= ${ctx.fromMs} and s.sent_at < ${ctx.toMs} ${and(factConditions(ctx))}`.execute(ctx.ex);
  return r.rows.map((x) => ({ ...x, escalated: Number(x.escalated), sent_at: num(x.sent_at) }));
}

export interface HandFactRow {
  id: string;
  ticket_id: string | null;
  team_id: string | null;
  operator_id: string;
  claimed_by: string | null;
  category: string;
  raised_at: number;
  claimed_at: number | null;
  closed_at: number | null;
  exhausted_at: number | null;
  outcome: string | null;
}

/**
 * Hands raised in the range: those of no ticket, or of a ticket the viewer sees (as the hands
 * list and its report). Team and category are the hand's own; priority and channel its ticket's.
 */
export async function handsRaised(ctx: ReportContext): Promise<HandFactRow[]> {
  const conds: RawBuilder<boolean>[] = [];
  const visible = ticketRefVisibleCondition(ctx.scope, 'h.ticket_id');
  if (visible) conds.push(visible);
  const { teamIds, category, priority, channel } = ctx.filters;
  if (teamIds?.length) conds.push(sql<boolean>`h.team_id in (${sql.join(teamIds)})`);
  if (category !== undefined) conds.push(sql<boolean>`h.category = ${category}`);
  if (priority !== undefined) conds.push(sql<boolean>`f.priority = ${priority}`);
  if (channel !== undefined) conds.push(sql<boolean>`f.channel = ${channel}`);
  const r = await sql<Record<string, unknown>>`select h.id, h.ticket_id, h.team_id, h.operator_id, h.claimed_by, h.category, h.raised_at, h.claimed_at, h.closed_at, h.exhausted_at, h.outcome
    from hands h left join report_ticket_facts f on f.id = h.ticket_id
    where h.raised_at >= ${ctx.fromMs} and h.raised_at < ${ctx.toMs} ${and(conds)}`.execute(ctx.ex);
  return r.rows.map((x) => ({ ...(x as unknown as HandFactRow), raised_at: Number(x.raised_at), claimed_at: num(x.claimed_at), closed_at: num(x.closed_at), exhausted_at: num(x.exhausted_at) }));
}

export interface IncidentFactRow {
  id: string;
  severity: string;
  state: string;
  internal_only: number;
  started_at: number;
  declared_at: number;
  resolved_at: number | null;
  cadence: string;
  updates: { at: number; audience: string; nextUpdateAt: number | null }[];
  serviceIds: string[];
}

/**
 * Incidents declared in the range (`declared`) or resolved in it (`resolved`), with their
 * updates and services. Every reader of incidents sees every incident (incidents.read), so no
 * ticket condition applies; the reports that use these need that permission.
 */
export async function incidentsIn(ctx: ReportContext, by: 'declared' | 'resolved'): Promise<IncidentFactRow[]> {
  const column = sql.ref(by === 'declared' ? 'declared_at' : 'resolved_at');
  const r = await sql<Record<string, unknown>>`select id, severity, state, internal_only, started_at, declared_at, resolved_at, cadence
    from incidents where ${column} >= ${ctx.fromMs} and ${column} < ${ctx.toMs}`.execute(ctx.ex);
  const ids = r.rows.map((x) => String(x.id));
  const updates = new Map<string, IncidentFactRow['updates']>();
  const services = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const us = await ctx.ex.selectFrom('incident_updates').select(['incident_id', 'audience', 'created_at', 'next_update_at']).where('incident_id', 'in', chunk).execute();
    for (const u of us) {
      const one = { at: Number(u.created_at), audience: u.audience, nextUpdateAt: num(u.next_update_at) };
      const list = updates.get(u.incident_id);
      if (list) list.push(one);
      else updates.set(u.incident_id, [one]);
    }
    const ss = await ctx.ex.selectFrom('incident_services').select(['incident_id', 'service_id']).where('incident_id', 'in', chunk).execute();
    for (const x of ss) {
      const list = services.get(x.incident_id);
      if (list) list.push(x.service_id);
      else services.set(x.incident_id, [x.service_id]);
    }
  }
  return r.rows.map((x) => ({
    id: String(x.id),
    severity: String(x.severity),
    state: String(x.state),
    internal_only: Number(x.internal_only),
    started_at: Number(x.started_at),
    declared_at: Number(x.declared_at),
    resolved_at: num(x.resolved_at),
    cadence: String(x.cadence),
    updates: updates.get(String(x.id)) ?? [],
    serviceIds: services.get(String(x.id)) ?? [],
  }));
}

/** Service names in both languages ("ログイン / Login"; one when they are the same), for the service dimension. */
export async function serviceNames(ex: Executor, ids: string[]): Promise<Map<string, string>> {
  const list = [...new Set(ids.filter(Boolean))];
  if (list.length === 0) return new Map();
  const rows = await ex.selectFrom('services').select(['id', 'name_ja', 'name_en']).where('id', 'in', list).execute();
  return new Map(rows.map((r) => [r.id, r.name_ja === r.name_en ? r.name_ja : `${r.name_ja} / ${r.name_en}`]));
}

/** Incidents by id (for the drill-down), in the given order. */
export async function incidentsByIds(ex: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await ex.selectFrom('incidents').select(['id', 'title', 'severity', 'state', 'declared_at']).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
}

/** Names of users, teams, paths and SLA policies, for the dimension columns. */
export async function namesOf(ex: Executor, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const list = [...new Set(ids.filter(Boolean))];
  for (let i = 0; i < list.length; i += 500) {
    const chunk = list.slice(i, i + 500);
    const rows = await sql<{ id: string; name: string }>`
      select id, name from users where id in (${sql.join(chunk)})
      union all select id, name from teams where id in (${sql.join(chunk)})
      union all select id, name from escalation_paths where id in (${sql.join(chunk)})
      union all select id, name from sla_policies where id in (${sql.join(chunk)})
      union all select id, name from rotations where id in (${sql.join(chunk)})`.execute(ex);
    for (const r of rows.rows) out.set(r.id, r.name);
  }
  return out;
}

/** Tickets by id (for the drill-down), in the given order. */
export async function ticketsByIds(ex: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await ex.selectFrom('tickets').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
}

/** Which of these escalations are on the path (the path review's expiries). */
export async function escalationIdsOnPath(ex: Executor, pathId: string, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (!chunk.length) continue;
    const rows = await ex.selectFrom('escalations').select('id').where('path_id', '=', pathId).where('id', 'in', chunk).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}
