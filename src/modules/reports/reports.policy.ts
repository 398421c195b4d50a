/**
 * The metric definitions of the reports (issue 18), as pure functions of rows and instants.
 * The README's Reports section states each in words; GET /api/v1/reports serves the same
 * words (ja/en) for the console's help. Durations are milliseconds; "business" durations use
 * the report calendar's business time (calendars module), wall-clock durations do not.
 */
import { DateTime } from 'luxon';
import { businessMillisBetween, localDateOf, type CompiledCalendar } from '../calendars/index.js';

export const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------
// Statistics

/**
 * The p-quantile by nearest rank: the smallest value with at least p of the values at or below
 * it (p = 0.5: the median, p = 0.9: p90). Null when there are no values. Nearest rank always
 * returns a value that happened, and is what ServiceNow and Zendesk publish.
 */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1]!;
}

export interface DurationStats {
  count: number;
  median: number | null;
  p90: number | null;
}

export const durationStats = (values: readonly number[]): DurationStats => ({
  count: values.length,
  median: quantile(values, 0.5),
  p90: quantile(values, 0.9),
});

/** p50, p90 (nearest rank, as quantile) and the largest value; nulls when there are none. */
export const durationSpread = (values: readonly number[]): { p50: number | null; p90: number | null; max: number | null } => ({
  p50: quantile(values, 0.5),
  p90: quantile(values, 0.9),
  max: values.length ? values.reduce((a, b) => Math.max(a, b)) : null,
});

/** numerator / denominator as a percentage with one decimal; null when the denominator is 0. */
export const percent = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10;

// ---------------------------------------------------------------------------------------
// Days and periods

/** The local dates ("YYYY-MM-DD", the calendar's zone) the range [fromMs, toMs) touches, in order. */
export function daysOf(cal: CompiledCalendar, fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  if (toMs <= fromMs) return out;
  // Step by 6 hours so a day is never skipped across DST changes; keep the distinct dates.
  for (let t = fromMs; t < toMs; t += DAY_MS / 4) {
    const d = localDateOf(cal, t);
    if (out[out.length - 1] !== d) out.push(d);
  }
  const last = localDateOf(cal, toMs - 1);
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/** The ISO week ("2026-W02") of a local date. */
export function isoWeekOf(date: string): string {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}

export type Period = 'day' | 'week';

// Every zone's offset is a whole number of quarter hours, so an instant's local date is the
// same across its UTC quarter hour: a cache by quarter hour makes a row's day a map lookup
// (luxon per row cost ~50 µs, i.e. seconds on a 90-day report).
const QUARTER_HOUR = 900_000;
const dayCache = new WeakMap<CompiledCalendar, Map<number, string>>();
const weekCache = new Map<string, string>();

/** localDateOf, cached per calendar and quarter hour. */
export function dayOf(cal: CompiledCalendar, ms: number): string {
  let m = dayCache.get(cal);
  if (!m) dayCache.set(cal, (m = new Map()));
  const q = Math.floor(ms / QUARTER_HOUR);
  let d = m.get(q);
  if (d === undefined) {
    if (m.size > 500_000) m.clear();
    d = localDateOf(cal, q * QUARTER_HOUR);
    m.set(q, d);
  }
  return d;
}

export function periodOf(cal: CompiledCalendar, ms: number, period: Period): string {
  const day = dayOf(cal, ms);
  if (period === 'day') return day;
  let w = weekCache.get(day);
  if (w === undefined) {
    if (weekCache.size > 100_000) weekCache.clear();
    w = isoWeekOf(day);
    weekCache.set(day, w);
  }
  return w;
}

/**
 * Instants of the end of each local day of the range (the first instant of the next local
 * date), for series measured "at the end of the day" (backlog, overdue escalations).
 */
export function dayEnds(cal: CompiledCalendar, fromMs: number, toMs: number): { day: string; endMs: number }[] {
  return daysOf(cal, fromMs, toMs).map((day) => ({
    day,
    endMs: Math.min(toMs, DateTime.fromISO(day, { zone: cal.timezone }).plus({ days: 1 }).toMillis()),
  }));
}

// ---------------------------------------------------------------------------------------
// Ticket facts (kept per ticket by the reports module's ticket hooks)

/** The durations of one ticket, computed when the facts change. */
export interface TicketFacts {
  createdAt: number;
  status: string;
  firstResponseAt: number | null;
  firstResponseMs: number | null;
  firstResponseBizMs: number | null;
  awaitingSince: number | null;
  solvedAt: number | null;
  firstSolvedAt: number | null;
  resolutionMs: number | null;
  resolutionBizMs: number | null;
  reopens: number;
  reassignments: number;
  escalations: number;
}

export const newFacts = (createdAt: number, status: string): TicketFacts => ({
  createdAt,
  status,
  firstResponseAt: null,
  firstResponseMs: null,
  firstResponseBizMs: null,
  awaitingSince: null,
  solvedAt: status === 'solved' || status === 'closed' ? createdAt : null,
  firstSolvedAt: status === 'solved' || status === 'closed' ? createdAt : null,
  resolutionMs: status === 'solved' || status === 'closed' ? 0 : null,
  resolutionBizMs: status === 'solved' || status === 'closed' ? 0 : null,
  reopens: 0,
  reassignments: 0,
  escalations: 0,
});

export interface MessageFact {
  at: number;
  authorType: 'user' | 'customer' | 'system';
  visibility: 'public' | 'internal';
  automatic: boolean;
  initial: boolean;
}

/** A next response: the customer wrote at askedAt (after the first response), an agent answered at answeredAt. */
export interface ResponseFact {
  askedAt: number;
  answeredAt: number;
  wallMs: number;
  bizMs: number;
}

/**
 * First response: the first public, non-automatic message by a person of the desk after the
 * ticket was created (wall and business time from creation). Next response: each later public
 * agent message that answers customer messages, measured from the earliest unanswered
 * customer message. Internal notes, system and automatic messages never count.
 */
export function onMessage(f: TicketFacts, m: MessageFact, cal: CompiledCalendar): { facts: TicketFacts; response: ResponseFact | null } {
  if (m.authorType === 'customer') {
    if (m.initial || f.firstResponseAt === null) return { facts: f, response: null };
    return { facts: f.awaitingSince === null ? { ...f, awaitingSince: m.at } : f, response: null };
  }
  if (m.authorType !== 'user' || m.visibility !== 'public' || m.automatic) return { facts: f, response: null };
  if (f.firstResponseAt === null) {
    return {
      facts: {
        ...f,
        firstResponseAt: m.at,
        firstResponseMs: Math.max(0, m.at - f.createdAt),
        firstResponseBizMs: businessMillisBetween(cal, f.createdAt, Math.max(f.createdAt, m.at)),
        awaitingSince: null,
      },
      response: null,
    };
  }
  if (f.awaitingSince === null) return { facts: f, response: null };
  const askedAt = f.awaitingSince;
  return {
    facts: { ...f, awaitingSince: null },
    response: { askedAt, answeredAt: m.at, wallMs: Math.max(0, m.at - askedAt), bizMs: businessMillisBetween(cal, askedAt, Math.max(askedAt, m.at)) },
  };
}

const isSolved = (status: string) => status === 'solved' || status === 'closed';

/**
 * Status changes: solving sets solvedAt and the resolution time (creation → the latest solve,
 * Zendesk's "full resolution time"); leaving solved for an open status counts a reopen.
 */
export function onStatus(f: TicketFacts, status: string, at: number, cal: CompiledCalendar): TicketFacts {
  const was = isSolved(f.status);
  const now = isSolved(status);
  if (!was && now) {
    return {
      ...f,
      status,
      solvedAt: at,
      firstSolvedAt: f.firstSolvedAt ?? at,
      resolutionMs: Math.max(0, at - f.createdAt),
      resolutionBizMs: businessMillisBetween(cal, f.createdAt, Math.max(f.createdAt, at)),
    };
  }
  if (was && !now) return { ...f, status, reopens: f.reopens + 1 };
  return { ...f, status };
}

/** A reassignment: the team or the assignee changed from one set value to another (a first assignment is not one). */
export const isReassignment = (before: string | null, after: string | null): boolean => before !== null && before !== after;

// ---------------------------------------------------------------------------------------
// Ticket metrics

export interface FactRow {
  id: string;
  created_at: number;
  solved_at: number | null;
  first_solved_at: number | null;
  reopens: number;
  reassignments: number;
  escalations: number;
}

/**
 * Reopen rate: of the tickets solved in the period (latest solve), the share reopened at least
 * once. First-contact resolution: of the tickets solved in the period, the share solved without
 * an escalation and without a reassignment (ServiceNow's "resolved by first assigned group").
 */
export function ticketQuality(solved: readonly FactRow[]): { solved: number; reopened: number; reopenRate: number | null; firstContact: number; firstContactRate: number | null } {
  const reopened = solved.filter((r) => r.reopens > 0).length;
  const firstContact = solved.filter((r) => r.escalations === 0 && r.reassignments === 0).length;
  return { solved: solved.length, reopened, reopenRate: percent(reopened, solved.length), firstContact, firstContactRate: percent(firstContact, solved.length) };
}

/**
 * Backlog at the end of each day: the backlog when the range starts, plus the tickets created,
 * minus those solved, up to the end of that day (a reopened ticket counts open again from its
 * reopening only through its latest solve; see the README).
 */
export function backlogSeries(
  startBacklog: number,
  ends: readonly { day: string; endMs: number }[],
  createdAt: readonly number[],
  solvedAt: readonly number[],
): { day: string; created: number; solved: number; backlog: number }[] {
  const c = [...createdAt].sort((a, b) => a - b);
  const s = [...solvedAt].sort((a, b) => a - b);
  let ci = 0;
  let si = 0;
  let backlog = startBacklog;
  return ends.map(({ day, endMs }) => {
    let created = 0;
    let solved = 0;
    for (; ci < c.length && c[ci]! < endMs; ci++) created++;
    for (; si < s.length && s[si]! < endMs; si++) solved++;
    backlog += created - solved;
    return { day, created, solved, backlog };
  });
}

// ---------------------------------------------------------------------------------------
// Escalations

/** Escalation rate: escalated tickets (at least one escalation) per ticket created, in %. */
export const escalationRate = (escalatedTickets: number, ticketsCreated: number): number | null => percent(escalatedTickets, ticketsCreated);

export interface EscalationRow {
  id: string;
  ticket_id: string;
  status: string;
  stage: string;
  level_index: number;
  requested_at: number;
  ack_due_at: number | null;
  acknowledged_at: number | null;
  finished_at: number | null;
}

/** The deepest level an escalation reached: 1-based level number, or 'fallback'. */
export const levelReached = (e: Pick<EscalationRow, 'stage' | 'level_index'>): number | 'fallback' =>
  e.stage === 'fallback' ? 'fallback' : e.level_index + 1;

/** Shares of escalations reaching level 2, level 3 and the fallback (a fallback counts as past every level). */
export function levelShares(rows: readonly Pick<EscalationRow, 'stage' | 'level_index'>[]): { level2: number | null; level3: number | null; fallback: number | null } {
  const n = rows.length;
  const at = (k: number) => rows.filter((r) => r.stage === 'fallback' || r.level_index + 1 >= k).length;
  return { level2: percent(at(2), n), level3: percent(at(3), n), fallback: percent(rows.filter((r) => r.stage === 'fallback').length, n) };
}

/** Time to acknowledge: request → first acknowledgement. Time to resolve: request → resolved (resolved ones only). */
export const ackMs = (e: EscalationRow): number | null => (e.acknowledged_at === null ? null : Math.max(0, e.acknowledged_at - e.requested_at));
export const resolveMs = (e: EscalationRow): number | null =>
  e.status !== 'resolved' || e.finished_at === null ? null : Math.max(0, e.finished_at - e.requested_at);

/**
 * Overdue at an instant: requested, past its acknowledgement deadline, not acknowledged and
 * not finished by then.
 */
export const overdueAt = (e: EscalationRow, at: number): boolean =>
  e.ack_due_at !== null &&
  e.ack_due_at < at &&
  e.requested_at < at &&
  (e.acknowledged_at === null || e.acknowledged_at >= at) &&
  (e.finished_at === null || e.finished_at >= at);

export const overdueSeries = (rows: readonly EscalationRow[], ends: readonly { day: string; endMs: number }[]): { day: string; overdue: number; ids: string[] }[] =>
  ends.map(({ day, endMs }) => {
    const ids = rows.filter((r) => overdueAt(r, endMs)).map((r) => r.id);
    return { day, overdue: ids.length, ids };
  });

// ---------------------------------------------------------------------------------------
// SLA

export interface ClockRow {
  id: string;
  ticket_id: string;
  kind: string;
  policy_id: string;
  state: string;
  target_seconds: number;
  consumed_ms: number;
  segment_started_at: number | null;
  met_at: number | null;
  breached_at: number | null;
}

/**
 * Achievement: of the clocks that ended in the period (met or breached), the share met without
 * a breach. A clock met after its breach counts as breached.
 */
export function slaAchievement(clocks: readonly Pick<ClockRow, 'met_at' | 'breached_at'>[]): { ended: number; achieved: number; breached: number; achievement: number | null } {
  const breached = clocks.filter((c) => c.breached_at !== null).length;
  const achieved = clocks.filter((c) => c.breached_at === null && c.met_at !== null).length;
  return { ended: achieved + breached, achieved, breached, achievement: percent(achieved, achieved + breached) };
}

export const NEARING_BUCKETS = ['50-75', '76-85', '86-95', '>95'] as const;
export type NearingBucket = (typeof NEARING_BUCKETS)[number];

/** ServiceNow's nearing-SLA buckets of the elapsed share of an open clock's target; null below 50 %. */
export function nearingBucket(elapsedPercent: number): NearingBucket | null {
  if (elapsedPercent > 95) return '>95';
  if (elapsedPercent > 85) return '86-95';
  if (elapsedPercent > 75) return '76-85';
  if (elapsedPercent >= 50) return '50-75';
  return null;
}

/** Elapsed share (%) of a running clock's target at `now`, on the clock's own calendar. */
export function elapsedPercent(c: Pick<ClockRow, 'target_seconds' | 'consumed_ms' | 'segment_started_at' | 'state'>, now: number, cal: CompiledCalendar): number {
  const running = c.state === 'running' && c.segment_started_at !== null ? businessMillisBetween(cal, c.segment_started_at, Math.max(now, c.segment_started_at)) : 0;
  const target = c.target_seconds * 1000;
  return target <= 0 ? 100 : ((c.consumed_ms + running) / target) * 100;
}

/** Warnings heeded: of the clocks that were warned, the share then met without a breach. */
export function warningsHeeded(warned: readonly Pick<ClockRow, 'met_at' | 'breached_at'>[]): { warned: number; heeded: number; rate: number | null } {
  const heeded = warned.filter((c) => c.met_at !== null && c.breached_at === null).length;
  return { warned: warned.length, heeded, rate: percent(heeded, warned.length) };
}

// ---------------------------------------------------------------------------------------
// CSAT

/** Response rate: rated surveys / sent surveys. CSAT: good / (good + bad). Both in %. */
export function csat(rows: readonly { sent: boolean; rating: 'good' | 'bad' | null }[]): { sent: number; rated: number; good: number; bad: number; responseRate: number | null; csat: number | null } {
  const sent = rows.filter((r) => r.sent).length;
  const good = rows.filter((r) => r.rating === 'good').length;
  const bad = rows.filter((r) => r.rating === 'bad').length;
  return { sent, rated: good + bad, good, bad, responseRate: percent(good + bad, sent), csat: percent(good, good + bad) };
}

/** A 1–5 score as a rating: 4 and 5 are good, 1 to 3 bad. */
export const ratingOfScore = (score: number): 'good' | 'bad' => (score >= 4 ? 'good' : 'bad');

// ---------------------------------------------------------------------------------------
// Grouping

/** Rows grouped by a key, in first-seen order of keys sorted for a stable output. */
export function groupBy<T>(rows: readonly T[], key: (r: T) => string | readonly string[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    for (const one of typeof k === 'string' ? [k] : k) {
      const list = out.get(one);
      if (list) list.push(r);
      else out.set(one, [r]);
    }
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
