import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCalendar, TWENTY_FOUR_SEVEN } from '../calendars/index.js';
import { addBusinessMillis, computeDue, elapsedMs, matchesConditions, pauseTiming, raisedPriority, remainingSeconds, resumeTiming, selectPolicy, warningInstants, warningThresholdMs } from './sla.policy.js';

const day = [['09:00', '18:00']] as [string, string][];
const tokyo = compileCalendar({ timezone: 'Asia/Tokyo', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] } });
const at = (s: string) => Date.parse(s);
const facts = { priority: 'normal', category: 'billing', product: null, channel: 'email', teamId: null, customerTier: 'gold', tags: ['vip'] };

describe('SLA clock accounting', () => {
  it('computes due on a business calendar: Friday 17:00 JST + 2 h = Monday 10:00 JST', () => {
    expect(computeDue(tokyo, { targetSeconds: 7200, consumedMs: 0, segmentStartedAt: at('2026-01-09T17:00:00+09:00') })).toBe(at('2026-01-12T10:00:00+09:00'));
  });

  it('is not due while paused, and keeps consumed time across a pause', () => {
    const start = at('2026-01-06T09:00:00+09:00');
    let t = { targetSeconds: 4 * 3600, consumedMs: 0, segmentStartedAt: start as number | null };
    t = pauseTiming(tokyo, t, at('2026-01-06T10:30:00+09:00'));
    expect(t).toEqual({ targetSeconds: 4 * 3600, consumedMs: 90 * 60_000, segmentStartedAt: null });
    expect(computeDue(tokyo, t)).toBeNull();
    expect(remainingSeconds(tokyo, t, at('2026-01-20T00:00:00Z'))).toBe(150 * 60);
    t = resumeTiming(t, at('2026-01-07T17:00:00+09:00'));
    // 60 min left on Wednesday (17:00-18:00), the other 90 on Thursday from 09:00.
    expect(computeDue(tokyo, t)).toBe(at('2026-01-08T10:30:00+09:00'));
    expect(remainingSeconds(tokyo, t, at('2026-01-08T12:00:00+09:00'))).toBe(-90 * 60);
  });

  it('counts sub-second consumption exactly across a closing time', () => {
    const closing = at('2026-01-06T18:00:00+09:00');
    expect(addBusinessMillis(tokyo, closing - 300, 800)).toBe(at('2026-01-07T09:00:00+09:00') + 500);
    expect(addBusinessMillis(TWENTY_FOUR_SEVEN, 1000, 1)).toBe(1001);
  });

  it('property: splitting a running clock into paused segments never changes the business time consumed', () => {
    const base = at('2026-01-05T00:00:00Z');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * 86_400_000 }), { minLength: 2, maxLength: 8 }), fc.integer({ min: 1, max: 200_000 }), (offsets, target) => {
        const points = [...offsets].sort((a, b) => a - b).map((o) => base + o);
        let t = { targetSeconds: target, consumedMs: 0, segmentStartedAt: points[0]! as number | null };
        for (let i = 1; i < points.length; i++) t = resumeTiming(pauseTiming(tokyo, t, points[i]!), points[i]!);
        const whole = { targetSeconds: target, consumedMs: 0, segmentStartedAt: points[0]! };
        const end = points[points.length - 1]!;
        expect(elapsedMs(tokyo, t, end)).toBe(elapsedMs(tokyo, whole, end));
        if (elapsedMs(tokyo, whole, end) < target * 1000) expect(computeDue(tokyo, t)).toBe(computeDue(tokyo, whole));
      }),
      { numRuns: 200 },
    );
  });
});

describe('warnings', () => {
  it('puts warnings at "seconds before due" and "% elapsed" on the business calendar', () => {
    expect(warningThresholdMs(3600, { beforeSeconds: 600 })).toBe(3_000_000);
    expect(warningThresholdMs(3600, { elapsedPercent: 75 })).toBe(2_700_000);
    const start = at('2026-01-09T17:00:00+09:00');
    const w = warningInstants(tokyo, { targetSeconds: 7200, consumedMs: 0, segmentStartedAt: start }, [{ beforeSeconds: 1800 }, { elapsedPercent: 25 }, { beforeSeconds: 99_999 }]);
    expect(w).toEqual([
      { index: 0, at: at('2026-01-12T09:30:00+09:00') },
      { index: 1, at: at('2026-01-09T17:30:00+09:00') },
    ]);
  });

  it('does not schedule a warning whose threshold was consumed before a pause', () => {
    const t = { targetSeconds: 3600, consumedMs: 2_000_000, segmentStartedAt: 0 };
    expect(warningInstants(TWENTY_FOUR_SEVEN, t, [{ elapsedPercent: 50 }, { beforeSeconds: 600 }])).toEqual([{ index: 1, at: 1_000_000 }]);
    expect(warningInstants(TWENTY_FOUR_SEVEN, { ...t, segmentStartedAt: null }, [{ beforeSeconds: 600 }])).toEqual([]);
  });
});

describe('policy selection', () => {
  it('matches every given condition; values within one are alternatives; tags match any', () => {
    expect(matchesConditions({}, facts)).toBe(true);
    expect(matchesConditions({ category: ['billing', 'legal'], customerTier: ['gold'], tags: ['VIP', 'press'] }, facts)).toBe(true);
    expect(matchesConditions({ product: ['x'] }, facts)).toBe(false);
    expect(matchesConditions({ tags: ['press'] }, facts)).toBe(false);
    expect(matchesConditions({ channel: ['chat'] }, facts)).toBe(false);
  });

  it('chooses the first active match by position', () => {
    const p = (id: string, position: number, active: boolean, conditions = {}) => ({ id, position, active, conditions });
    expect(selectPolicy([p('c', 3, true), p('a', 1, false), p('b', 2, true, { priority: ['urgent'] })], facts)?.id).toBe('c');
    expect(selectPolicy([p('c', 3, true), p('b', 2, true, { priority: ['normal'] })], facts)?.id).toBe('b');
    expect(selectPolicy([], facts)).toBeNull();
  });

  it('raises priority one step or to a level, never lowers it', () => {
    expect(raisedPriority('normal')).toBe('high');
    expect(raisedPriority('urgent')).toBe('urgent');
    expect(raisedPriority('low', 'urgent')).toBe('urgent');
    expect(raisedPriority('urgent', 'high')).toBe('urgent');
  });
});
