import { describe, expect, it } from 'vitest';
import { cadenceKept, firstUpdate, resolvedWithinTarget, timeToResolve, type ReportIncident } from './incidents-report.policy.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
// SEV1 defaults: staff within 15 min, customers within 60, an update every 30, resolved within 240.
const targets = { firstInternalMinutes: 15, firstCustomerMinutes: 60, updateIntervalMinutes: 30, resolveTargetMinutes: 240 };
const incident = (over: Partial<ReportIncident>): ReportIncident => ({ internalOnly: false, startedAt: T0 - 10 * MIN, declaredAt: T0, resolvedAt: null, targets, updates: [], ...over });
const u = (min: number, audience: 'internal' | 'public', nextMin: number | null = null) => ({ at: T0 + min * MIN, audience, nextUpdateAt: nextMin === null ? null : T0 + nextMin * MIN });

describe('incident report figures', () => {
  it('times the first update per track from the declaration, against the severity targets', () => {
    const i = incident({ updates: [u(70, 'public'), u(10, 'internal')] });
    expect(firstUpdate(i, 'internal', T0 + 100 * MIN)).toEqual({ ms: 10 * MIN, withinTarget: true });
    // The first public update came at 70 minutes: 10 minutes past the 60-minute customer target.
    expect(firstUpdate(i, 'customer', T0 + 100 * MIN)).toEqual({ ms: 70 * MIN, withinTarget: false });
    // A public update reaches staff too: it is the first internal one when it comes first.
    expect(firstUpdate(incident({ updates: [u(20, 'public')] }), 'internal', T0 + 100 * MIN)).toEqual({ ms: 20 * MIN, withinTarget: false });
  });

  it('counts a missing first update as missed once its target passed, and not before', () => {
    const i = incident({});
    expect(firstUpdate(i, 'internal', T0 + 14 * MIN)).toEqual({ ms: null, withinTarget: null });
    expect(firstUpdate(i, 'internal', T0 + 16 * MIN)).toEqual({ ms: null, withinTarget: false });
    expect(firstUpdate(i, 'customer', T0 + 16 * MIN)).toEqual({ ms: null, withinTarget: null });
    // Customers of an internal-only incident are owed nothing.
    expect(firstUpdate(incident({ internalOnly: true }), 'customer', T0 + 999 * MIN)).toEqual({ ms: null, withinTarget: null });
  });

  it('keeps the cadence when each update came by the time the previous one promised, else one interval later', () => {
    // Updates at 10 (promises 50), 45 (no promise: due 75), 80 (due 110), resolution at 100 with its public update.
    const i = incident({ resolvedAt: T0 + 100 * MIN, updates: [u(10, 'internal', 50), u(45, 'public'), u(80, 'internal'), u(100, 'public')] });
    // Internal intervals: 10→45 kept (≤50), 45→80 missed (>75), 80→100 kept (≤110); the resolution's update opens none.
    expect(cadenceKept(i, 'internal', T0 + 200 * MIN)).toEqual({ intervals: 3, kept: 2 });
    // Customer track: public updates only, 45→100 missed (due 75).
    expect(cadenceKept(i, 'customer', T0 + 200 * MIN)).toEqual({ intervals: 1, kept: 0 });
  });

  it('counts the running interval of an active incident only once it is overdue', () => {
    const i = incident({ updates: [u(10, 'internal')] });
    expect(cadenceKept(i, 'internal', T0 + 39 * MIN)).toEqual({ intervals: 0, kept: 0 });
    expect(cadenceKept(i, 'internal', T0 + 41 * MIN)).toEqual({ intervals: 1, kept: 0 });
    // An internal-only incident: the resolution (no public update) closes the last interval.
    const closed = incident({ internalOnly: true, resolvedAt: T0 + 35 * MIN, updates: [u(10, 'internal')] });
    expect(cadenceKept(closed, 'internal', T0 + 999 * MIN)).toEqual({ intervals: 1, kept: 1 });
    expect(cadenceKept(closed, 'customer', T0 + 999 * MIN)).toEqual({ intervals: 0, kept: 0 });
  });

  it('times the resolution from the start of the incident, against its target', () => {
    expect(timeToResolve(incident({}))).toBeNull();
    expect(resolvedWithinTarget(incident({}))).toBeNull();
    const i = incident({ resolvedAt: T0 + 230 * MIN });
    expect(timeToResolve(i)).toBe(240 * MIN);
    expect(resolvedWithinTarget(i)).toBe(true);
    expect(resolvedWithinTarget(incident({ resolvedAt: T0 + 231 * MIN }))).toBe(false);
  });
});
