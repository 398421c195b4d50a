import { describe, expect, it } from 'vitest';
import { handsReport, type ReportHand } from './hands-report.policy.js';

const T0 = Date.UTC(2026, 11, 2, 0, 0, 0);
const hand = (over: Partial<ReportHand>): ReportHand => ({ teamId: 'front', operatorId: 'op', claimedBy: 'sv', category: 'refund', raisedAt: T0, claimedAt: T0 + 10_000, closedAt: T0 + 60_000, exhausted: false, outcome: 'answered', ...over });

describe('hands report', () => {
  it('spreads time to claim and to answer, counts the share within target, outcomes and escalations', () => {
    const r = handsReport(
      [
        hand({}),
        hand({ claimedAt: T0 + 30_000, closedAt: T0 + 120_000, outcome: 'escalated', claimedBy: 'sv2', category: 'billing' }),
        hand({ claimedAt: null, closedAt: T0 + 40_000, outcome: 'cancelled', claimedBy: null, exhausted: true, raisedAt: T0 + 3600_000 }),
      ],
      { claimTargetSeconds: 20, hourOf: (ms) => new Date(ms).getUTCHours(), hours: 2, now: T0 + 7200_000 },
    );
    expect(r).toMatchObject({ hands: 3, claimed: 2, claimedWithinTarget: 1, shareWithinTarget: 0.333, exhausted: 1, escalated: 1, outcomes: { answered: 1, escalated: 1, cancelled: 1 } });
    expect(r.secondsToClaim).toEqual({ p50: 10, p90: 30, max: 30 });
    expect(r.secondsToAnswer).toEqual({ p50: 60, p90: 120, max: 120 });
    expect(r.bySupervisor.map((g) => [g.key, g.hands])).toEqual([['sv', 1], ['sv2', 1]]);
    expect(r.byCategory.map((g) => g.key)).toEqual(['billing', 'refund']);
    expect(r.byHour.map((g) => [g.key, g.hands])).toEqual([['00', 2], ['01', 1]]);
    expect(r.perOperator).toEqual([{ key: 'op', hands: 3, perHour: 1.5 }]);
  });

  it('is empty without hands', () => {
    const r = handsReport([], { claimTargetSeconds: 20, hourOf: () => 0, hours: 24, now: T0 });
    expect(r).toMatchObject({ hands: 0, shareWithinTarget: null, secondsToClaim: { p50: null, p90: null, max: null }, byTeam: [] });
  });
});
