/**
 * Pure SLA rules: policy selection, clock accounting (pause/resume never loses time), due
 * instants and warning instants on a business calendar. No I/O; time is passed in.
 */
import { addBusinessSeconds, businessIntervals, businessMillisBetween, type CompiledCalendar } from '../calendars/index.js';
import type { SlaConditions, SlaWarning } from './sla.schema.js';
import type { ClockTiming, SlaPolicy, TicketFacts } from './sla.types.js';

const DAY = 86_400_000;

/** Whether a ticket satisfies every given condition (values within one condition are alternatives). */
export function matchesConditions(c: SlaConditions, t: TicketFacts): boolean {
  const oneOf = (list: readonly string[] | undefined, v: string | null) => !list || list.length === 0 || (v !== null && list.includes(v));
  if (!oneOf(c.priority, t.priority)) return false;
  if (!oneOf(c.category, t.category)) return false;
  if (!oneOf(c.product, t.product)) return false;
  if (!oneOf(c.channel, t.channel)) return false;
  if (!oneOf(c.teamId, t.teamId)) return false;
  if (!oneOf(c.customerTier, t.customerTier)) return false;
  if (c.tags && c.tags.length > 0) {
    const want = new Set(c.tags.map((x) => x.toLowerCase()));
    if (!t.tags.some((x) => want.has(x.toLowerCase()))) return false;
  }
  return true;
}

/** The first active policy, in ascending position (then creation order), whose conditions match. */
export function selectPolicy<P extends Pick<SlaPolicy, 'active' | 'position' | 'id' | 'conditions'>>(policies: readonly P[], t: TicketFacts): P | null {
  const ordered = [...policies].filter((p) => p.active).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ordered.find((p) => matchesConditions(p.conditions, t)) ?? null;
}

/**
 * The instant at which `ms` business milliseconds have elapsed from `start` (whole seconds
 * via the calendar engine, the sub-second rest by walking its intervals), so accounting
 * stays exact to the millisecond across pauses.
 */
export function addBusinessMillis(cal: CompiledCalendar, start: number, ms: number): number {
  if (ms <= 0) return addBusinessSeconds(cal, start, 0);
  if (cal.alwaysOpen) return start + ms;
  const whole = Math.floor(ms / 1000);
  let rest = ms - whole * 1000;
  const at = addBusinessSeconds(cal, start, whole);
  if (rest === 0) return at;
  for (let from = at, i = 0; i < 1000; i++, from += 7 * DAY) {
    for (const [s, e] of businessIntervals(cal, from, from + 7 * DAY)) {
      if (e - s >= rest) return s + rest;
      rest -= e - s;
    }
  }
  // Unreachable for a calendar addBusinessSeconds accepted (it has working time every 7 days).
  throw new Error('addBusinessMillis: calendar ran out of working time');
}

/** Business milliseconds consumed by `now`. */
export function elapsedMs(cal: CompiledCalendar, t: ClockTiming, now: number): number {
  return t.consumedMs + (t.segmentStartedAt === null ? 0 : businessMillisBetween(cal, t.segmentStartedAt, now));
}

/** Business seconds left at `now` (negative once overdue). */
export function remainingSeconds(cal: CompiledCalendar, t: ClockTiming, now: number): number {
  const left = t.targetSeconds * 1000 - elapsedMs(cal, t, now);
  return left >= 0 ? Math.floor(left / 1000) : -Math.ceil(-left / 1000);
}

/**
 * The due instant of a counting clock: the remaining business time added to the start of the
 * current segment. Null while the clock is not counting. Already overdue = the segment start.
 */
export function computeDue(cal: CompiledCalendar, t: ClockTiming): number | null {
  if (t.segmentStartedAt === null) return null;
  const remaining = t.targetSeconds * 1000 - t.consumedMs;
  return remaining <= 0 ? t.segmentStartedAt : addBusinessMillis(cal, t.segmentStartedAt, remaining);
}

/** Stops counting at `now`: the segment's business time moves into `consumedMs` (never lost). */
export function pauseTiming(cal: CompiledCalendar, t: ClockTiming, now: number): ClockTiming {
  if (t.segmentStartedAt === null) return t;
  return { ...t, consumedMs: elapsedMs(cal, t, now), segmentStartedAt: null };
}

/** Starts counting again at `now`, keeping what was consumed. */
export function resumeTiming(t: ClockTiming, now: number): ClockTiming {
  return t.segmentStartedAt !== null ? t : { ...t, segmentStartedAt: now };
}

/** Business milliseconds of elapsed time at which a warning fires. */
export function warningThresholdMs(targetSeconds: number, w: SlaWarning): number {
  if ('beforeSeconds' in w) return Math.max(0, targetSeconds - w.beforeSeconds) * 1000;
  return Math.round((targetSeconds * 1000 * w.elapsedPercent) / 100);
}

/**
 * When each warning of a counting clock fires. A warning whose threshold was already
 * consumed (it fired before a pause, or the clock restarted past it) is not scheduled again.
 */
export function warningInstants(cal: CompiledCalendar, t: ClockTiming, rules: readonly SlaWarning[]): { index: number; at: number }[] {
  if (t.segmentStartedAt === null) return [];
  const out: { index: number; at: number }[] = [];
  rules.forEach((w, index) => {
    const threshold = warningThresholdMs(t.targetSeconds, w);
    if (threshold <= t.consumedMs || threshold >= t.targetSeconds * 1000) return;
    out.push({ index, at: addBusinessMillis(cal, t.segmentStartedAt!, threshold - t.consumedMs) });
  });
  return out;
}

const PRIORITY_ORDER = ['low', 'normal', 'high', 'urgent'] as const;
/** One step up, or up to `to`; never lowers. */
export function raisedPriority(current: string, to?: string): string {
  const i = PRIORITY_ORDER.indexOf(current as (typeof PRIORITY_ORDER)[number]);
  if (to !== undefined) return PRIORITY_ORDER.indexOf(to as (typeof PRIORITY_ORDER)[number]) > i ? to : current;
  return PRIORITY_ORDER[Math.min(PRIORITY_ORDER.length - 1, i + 1)]!;
}
