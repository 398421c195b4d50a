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
      { claimTargetSeconds: 20, hourOf: (ms) => new Date(ms).getUTCHours(), clockHourOf: (ms) => new Date(ms).toISOString().slice(0, 13), now: T0 + 7200_000 },
    );
    expect(r).toMatchObject({ hands: 3, claimed: 2, claimedWithinTarget: 1, shareWithinTarget: 0.333, exhausted: 1, escalated: 1, outcomes: { answered: 1, escalated: 1, cancelled: 1 } });
    expect(r.secondsToClaim).toEqual({ p50: 10, p90: 30, max: 30 });
    expect(r.secondsToAnswer).toEqual({ p50: 60, p90: 120, max: 120 });
    expect(r.bySupervisor.map((g) => [g.key, g.hands])).toEqual([['sv', 1], ['sv2', 1]]);
    expect(r.byCategory.map((g) => g.key)).toEqual(['billing', 'refund']);
    expect(r.byHour.map((g) => [g.key, g.hands])).toEqual([['00', 2], ['01', 1]]);
    expect(r.perOperator).toEqual([{ key: 'op', hands: 3, activeHours: 2, perHour: 1.5 }]);
  });

  it('divides an operator\'s hands by the clock hours in which they raised one, not by the whole period', () => {
    const day = 86_400_000;
    // Four hands in one shift hour on day one, two in another hour a week later: 6 hands over 2 active hours in a 30-day report.
    const r = handsReport(
      [hand({}), hand({ raisedAt: T0 + 600_000 }), hand({ raisedAt: T0 + 1800_000 }), hand({ raisedAt: T0 + 3599_000 }), hand({ raisedAt: T0 + 7 * day }), hand({ raisedAt: T0 + 7 * day + 60_000 }), hand({ operatorId: 'op2', raisedAt: T0 + 3600_000 })],
      { claimTargetSeconds: 20, hourOf: (ms) => new Date(ms).getUTCHours(), clockHourOf: (ms) => new Date(ms).toISOString().slice(0, 13), now: T0 + 30 * day },
    );
    expect(r.perOperator).toEqual([
      { key: 'op', hands: 6, activeHours: 2, perHour: 3 },
      { key: 'op2', hands: 1, activeHours: 1, perHour: 1 },
    ]);
  });

  it('counts a hand that went past every tier whether or not it was claimed afterwards (and a late claim as claimed)', () => {
    const r = handsReport(
      [
        hand({ exhausted: true, claimedAt: T0 + 300_000, closedAt: T0 + 400_000 }),
        hand({ exhausted: true, claimedAt: null, claimedBy: null, closedAt: null, outcome: null }),
        hand({}),
      ],
      { claimTargetSeconds: 20, hourOf: () => 0, clockHourOf: () => '', now: T0 + 500_000 },
    );
    expect(r).toMatchObject({ hands: 3, claimed: 2, exhausted: 2, outcomes: { answered: 2 } });
  });

  it('is empty without hands', () => {
    const r = handsReport([], { claimTargetSeconds: 20, hourOf: () => 0, clockHourOf: () => '', now: T0 });
    expect(r).toMatchObject({ hands: 0, shareWithinTarget: null, secondsToClaim: { p50: null, p90: null, max: null }, byTeam: [] });
  });
});
