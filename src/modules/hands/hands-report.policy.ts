/**
 * The hands report (pure): time to claim and time to answer (p50/p90/max) per team,
 * supervisor, category and hour of day; the share claimed within the target; hands per
 * operator per hour; outcomes; hold time; hands that became escalations. Time to answer is
 * raise → the hand closed answered, with a call back promised, or escalated.
 */
import { percentile } from './hands.policy.js';

export interface ReportHand {
  teamId: string | null;
  operatorId: string;
  claimedBy: string | null;
  category: string;
  raisedAt: number;
  claimedAt: number | null;
  closedAt: number | null;
  exhausted: boolean;
  outcome: string | null;
}

export interface Spread {
  p50: number | null;
  p90: number | null;
  max: number | null;
}

export interface ReportGroup {
  key: string;
  hands: number;
  claimed: number;
  claimedWithinTarget: number;
  secondsToClaim: Spread;
  secondsToAnswer: Spread;
}

export interface HandsReport {
  hands: number;
  claimed: number;
  claimedWithinTarget: number;
  /** claimedWithinTarget / hands (null without hands). */
  shareWithinTarget: number | null;
  /** Hands that went past every tier unclaimed (the managers were alerted), including those claimed afterwards. */
  exhausted: number;
  escalated: number;
  outcomes: Record<string, number>;
  secondsToClaim: Spread;
  secondsToAnswer: Spread;
  holdSeconds: Spread;
  byTeam: ReportGroup[];
  bySupervisor: ReportGroup[];
  byCategory: ReportGroup[];
  byHour: ReportGroup[];
  /**
   * Per operator: hands, active hours (the clock hours, in the reader's time zone, in which the
   * operator raised at least one hand) and hands per active hour. Dividing by the whole period
   * would make a month's report read 0.01 for an operator who raised ten hands in one shift.
   */
  perOperator: { key: string; hands: number; activeHours: number; perHour: number }[];
}

const ANSWERED = new Set(['answered', 'callback', 'escalated']);
const secs = (ms: number) => Math.round(ms / 1000);
const spread = (xs: number[]): Spread => ({ p50: percentile(xs, 50), p90: percentile(xs, 90), max: xs.length ? Math.max(...xs) : null });

/** The groupings of the report: the key of a hand in each (null: the hand is in no group of it, e.g. unclaimed for supervisor). */
export const HAND_GROUPINGS = ['team', 'supervisor', 'category', 'hour'] as const;
export type HandGrouping = (typeof HAND_GROUPINGS)[number];

export function handGroupKey(by: HandGrouping, h: ReportHand, hourOf: (ms: number) => number): string | null {
  switch (by) {
    case 'team':
      return h.teamId;
    case 'supervisor':
      return h.claimedBy;
    case 'category':
      return h.category;
    case 'hour':
      return String(hourOf(h.raisedAt)).padStart(2, '0');
  }
}

/** One group's figures: hands, claimed, claimed within `target` seconds, time to claim and to answer (seconds). */
export function handGroupFigures(hands: ReportHand[], target: number): Omit<ReportGroup, 'key'> {
  const claim = hands.flatMap((h) => (h.claimedAt === null ? [] : [secs(h.claimedAt - h.raisedAt)]));
  const answer = hands.flatMap((h) => (h.closedAt !== null && h.outcome && ANSWERED.has(h.outcome) ? [secs(h.closedAt - h.raisedAt)] : []));
  return { hands: hands.length, claimed: claim.length, claimedWithinTarget: claim.filter((s) => s <= target).length, secondsToClaim: spread(claim), secondsToAnswer: spread(answer) };
}

function groupBy(hands: ReportHand[], keyOf: (h: ReportHand) => string | null, target: number): ReportGroup[] {
  const m = new Map<string, ReportHand[]>();
  for (const h of hands) {
    const k = keyOf(h);
    if (k === null) continue;
    const list = m.get(k);
    if (list) list.push(h);
    else m.set(k, [h]);
  }
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, hs]) => ({ key, ...handGroupFigures(hs, target) }));
}

/** `hourOf(ms)`: the hour of day (0–23) in the reader's time zone; `clockHourOf(ms)`: the clock hour (date and hour) in that zone, as a key. */
export function handsReport(hands: ReportHand[], opts: { claimTargetSeconds: number; hourOf: (ms: number) => number; clockHourOf: (ms: number) => string; now: number }): HandsReport {
  const all = handGroupFigures(hands, opts.claimTargetSeconds);
  const outcomes: Record<string, number> = {};
  for (const h of hands) if (h.outcome) outcomes[h.outcome] = (outcomes[h.outcome] ?? 0) + 1;
  const activeHours = new Map<string, Set<string>>();
  for (const h of hands) {
    const set = activeHours.get(h.operatorId) ?? new Set<string>();
    set.add(opts.clockHourOf(h.raisedAt));
    activeHours.set(h.operatorId, set);
  }
  const perOperator = groupBy(hands, (h) => h.operatorId, opts.claimTargetSeconds).map((g) => {
    const active = activeHours.get(g.key)?.size ?? 1;
    return { key: g.key, hands: g.hands, activeHours: active, perHour: Math.round((g.hands / active) * 100) / 100 };
  });
  return {
    hands: all.hands,
    claimed: all.claimed,
    claimedWithinTarget: all.claimedWithinTarget,
    shareWithinTarget: hands.length ? Math.round((all.claimedWithinTarget / hands.length) * 1000) / 1000 : null,
    exhausted: hands.filter((h) => h.exhausted).length,
    escalated: outcomes.escalated ?? 0,
    outcomes,
    secondsToClaim: all.secondsToClaim,
    secondsToAnswer: all.secondsToAnswer,
    holdSeconds: spread(hands.map((h) => secs((h.claimedAt ?? h.closedAt ?? opts.now) - h.raisedAt))),
    byTeam: groupBy(hands, (h) => handGroupKey('team', h, opts.hourOf), opts.claimTargetSeconds),
    bySupervisor: groupBy(hands, (h) => handGroupKey('supervisor', h, opts.hourOf), opts.claimTargetSeconds),
    byCategory: groupBy(hands, (h) => handGroupKey('category', h, opts.hourOf), opts.claimTargetSeconds),
    byHour: groupBy(hands, (h) => handGroupKey('hour', h, opts.hourOf), opts.claimTargetSeconds),
    perOperator,
  };
}
