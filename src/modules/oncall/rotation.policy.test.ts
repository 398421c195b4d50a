import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextHandoffs, shiftIndexAt, shiftStartMs, whoIsOnCall } from './rotation.policy.js';
import type { Rotation } from './oncall.types.js';

const NY = 'America/New_York';
const at = (iso: string, zone = NY) => DateTime.fromISO(iso, { zone }).toMillis();
const local = (ms: number, zone = NY) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

const rotation = (over: Partial<Rotation> = {}): Rotation => ({
  id: 'r1',
  name: 'Billing on call',
  members: ['ann', 'bob', 'cid'],
  shift: { unit: 'days', days: 1 },
  handoffTime: '09:00',
  timeZone: NY,
  startDate: '2024-03-08',
  teamId: null,
  overrides: [],
  ...over,
});

describe('whoIsOnCall', () => {
  it('is nobody before the first hand-off', () => {
    expect(whoIsOnCall(rotation(), at('2024-03-08T08:59'))).toBeNull();
    expect(whoIsOnCall(rotation(), at('2024-03-08T09:00'))).toBe('ann');
  });

  it('keeps a daily 09:00 hand-off at 09:00 local across DST (spring forward and fall back)', () => {
    const r = rotation();
    // DST starts 2024-03-10 02:00 in New York.
    expect(whoIsOnCall(r, at('2024-03-09T08:59'))).toBe('ann');
    expect(whoIsOnCall(r, at('2024-03-09T09:00'))).toBe('bob');
    expect(whoIsOnCall(r, at('2024-03-10T08:59'))).toBe('bob');
    expect(whoIsOnCall(r, at('2024-03-10T09:00'))).toBe('cid');
    expect(whoIsOnCall(r, at('2024-03-11T09:00'))).toBe('ann');
    expect(local(shiftStartMs(r, 2))).toBe('2024-03-10T09:00');
    expect(shiftStartMs(r, 2) - shiftStartMs(r, 1)).toBe(23 * 3600_000);
    // DST ends 2024-11-03; 240 days after the start the hand-off is still 09:00 local.
    const k = shiftIndexAt(r, at('2024-11-03T09:00'));
    expect(local(shiftStartMs(r, k))).toBe('2024-11-03T09:00');
    expect(shiftStartMs(r, k + 1) - shiftStartMs(r, k)).toBe(24 * 3600_000);
    expect(shiftStartMs(r, k) - shiftStartMs(r, k - 1)).toBe(25 * 3600_000);
    expect(whoIsOnCall(r, at('2024-11-03T08:59'))).not.toBe(whoIsOnCall(r, at('2024-11-03T09:00')));
  });

  it('rotates weekly shifts', () => {
    const r = rotation({
      shift: { unit: 'days', days: 7 },
      startDate: '2024-03-04',
      handoffTime: '10:30',
      members: ['ann', 'bob'],
    });
    expect(whoIsOnCall(r, at('2024-03-04T10:30'))).toBe('ann');
    expect(whoIsOnCall(r, at('2024-03-11T10:29'))).toBe('ann');
    expect(whoIsOnCall(r, at('2024-03-11T10:30'))).toBe('bob');
    expect(whoIsOnCall(r, at('2024-03-18T10:30'))).toBe('ann');
  });

  it('rotates elapsed-seconds shifts from the first hand-off', () => {
    const r = rotation({
      shift: { unit: 'seconds', seconds: 8 * 3600 },
      timeZone: 'Asia/Tokyo',
      startDate: '2024-01-01',
      handoffTime: '00:00',
    });
    const start = at('2024-01-01T00:00', 'Asia/Tokyo');
    expect(whoIsOnCall(r, start)).toBe('ann');
    expect(whoIsOnCall(r, start + 8 * 3600_000 - 1)).toBe('ann');
    expect(whoIsOnCall(r, start + 8 * 3600_000)).toBe('bob');
    expect(whoIsOnCall(r, start + 24 * 3600_000)).toBe('ann');
  });

  it('lets overrides win, the last one when they overlap, even before the start', () => {
    const r = rotation({
      overrides: [
        { userId: 'dan', startMs: at('2024-03-09T12:00'), endMs: at('2024-03-09T18:00') },
        { userId: 'eve', startMs: at('2024-03-09T15:00'), endMs: at('2024-03-09T16:00') },
        { userId: 'fay', startMs: at('2024-03-01T00:00'), endMs: at('2024-03-02T00:00') },
      ],
    });
    expect(whoIsOnCall(r, at('2024-03-09T11:59'))).toBe('bob');
    expect(whoIsOnCall(r, at('2024-03-09T12:00'))).toBe('dan');
    expect(whoIsOnCall(r, at('2024-03-09T15:30'))).toBe('eve');
    expect(whoIsOnCall(r, at('2024-03-09T18:00'))).toBe('bob');
    expect(whoIsOnCall(r, at('2024-03-01T12:00'))).toBe('fay');
  });

  it('has nobody on call without members', () => {
    expect(whoIsOnCall(rotation({ members: [] }), at('2024-03-09T12:00'))).toBeNull();
  });
});

describe('nextHandoffs', () => {
  it('lists shift and override hand-offs in order', () => {
    const r = rotation({
      overrides: [{ userId: 'dan', startMs: at('2024-03-09T12:00'), endMs: at('2024-03-09T18:00') }],
    });
    const h = nextHandoffs(r, at('2024-03-09T10:00'), 4).map((x) => [
      local(x.atMs),
      x.fromUserId,
      x.toUserId,
      x.cause,
    ]);
    expect(h).toEqual([
      ['2024-03-09T12:00', 'bob', 'dan', 'override_start'],
      ['2024-03-09T18:00', 'dan', 'bob', 'override_end'],
      ['2024-03-10T09:00', 'bob', 'cid', 'shift'],
      ['2024-03-11T09:00', 'cid', 'ann', 'shift'],
    ]);
  });
  it('includes the first hand-off when asked before the start, and skips non-changes', () => {
    const r = rotation({ members: ['solo'] });
    expect(nextHandoffs(r, at('2024-03-01T00:00'), 3)).toEqual([
      { atMs: at('2024-03-08T09:00'), fromUserId: null, toUserId: 'solo', cause: 'shift' },
    ]);
    expect(nextHandoffs(r, at('2024-03-09T00:00'), 3)).toEqual([]);
    expect(nextHandoffs(rotation(), at('2024-03-09T00:00'), 0)).toEqual([]);
  });

  it('agrees with whoIsOnCall (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<Rotation['shift']>(
          { unit: 'days', days: 1 },
          { unit: 'days', days: 7 },
          { unit: 'seconds', seconds: 12 * 3600 },
        ),
        fc.constantFrom('America/New_York', 'Europe/London', 'Asia/Tokyo', 'Australia/Sydney'),
        fc.integer({ min: -5 * 86400, max: 400 * 86400 }),
        fc.array(
          fc.record({
            s: fc.integer({ min: 0, max: 30 * 86400 }),
            len: fc.integer({ min: 1, max: 3 * 86400 }),
            who: fc.constantFrom('x', 'm0'),
          }),
          { maxLength: 3 },
        ),
        (n, shift, zone, offsetSec, overrides) => {
          const members = Array.from({ length: n }, (_, i) => `m${i}`);
          const base = DateTime.fromISO('2024-01-10T09:00', { zone }).toMillis();
          const from = base + offsetSec * 1000;
          const r = rotation({
            members,
            shift,
            timeZone: zone,
            startDate: '2024-01-10',
            overrides: overrides.map((o) => ({
              userId: o.who,
              startMs: from + o.s * 1000,
              endMs: from + (o.s + o.len) * 1000,
            })),
          });
          const hs = nextHandoffs(r, from, 5);
          let prev = from;
          for (const h of hs) {
            expect(h.atMs).toBeGreaterThan(prev);
            expect(whoIsOnCall(r, h.atMs)).toBe(h.toUserId);
            expect(whoIsOnCall(r, h.atMs - 1)).toBe(h.fromUserId);
            expect(h.fromUserId).not.toBe(h.toUserId);
            prev = h.atMs;
          }
          const k = shiftIndexAt(r, from);
          if (k >= 0) {
            expect(shiftStartMs(r, k)).toBeLessThanOrEqual(from);
            expect(shiftStartMs(r, k + 1)).toBeGreaterThan(from);
            if (shift.unit === 'days')
              expect(DateTime.fromMillis(shiftStartMs(r, k), { zone }).toFormat('HH:mm')).toBe('09:00');
          }
        },
      ),
    );
  });
});
