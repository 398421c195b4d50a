import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.js';
import {
  addBusinessSeconds,
  businessIntervals,
  businessMillisBetween,
  businessSecondsBetween,
  compileCalendar,
  isBusinessInstant,
  localDateOf,
  nextBusinessInstant,
  TWENTY_FOUR_SEVEN,
} from './calendar.policy.js';
import type { CalendarDefinition, HourSpan } from './calendar.types.js';

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();
const H = 3600;

const NINE_TO_SIX: HourSpan[] = [['09:00', '18:00']];
const SPLIT: HourSpan[] = [
  ['09:00', '12:00'],
  ['13:00', '18:00'],
];
const ALL_DAY: HourSpan[] = [['00:00', '24:00']];

const weekdays = (hours: HourSpan[], weekend: HourSpan[] = []): CalendarDefinition['weekly'] => ({
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: hours,
  sat: weekend,
  sun: weekend,
});
const sundays = (hours: HourSpan[]): CalendarDefinition['weekly'] => ({ ...weekdays([]), sun: hours });
const saturdays = (hours: HourSpan[]): CalendarDefinition['weekly'] => ({ ...weekdays([]), sat: hours });
const everyDay = (hours: HourSpan[]): CalendarDefinition['weekly'] => weekdays(hours, hours);

const cal = (
  timezone: string,
  weekly: CalendarDefinition['weekly'],
  more: Partial<CalendarDefinition> = {},
) => compileCalendar({ timezone, weekly, ...more });

/** The shape C example of the issue. */
const tokyo = cal('Asia/Tokyo', weekdays(SPLIT), {
  holidays: ['2026-12-31'],
  recurringHolidays: ['01-02'],
  holidayPresets: ['jp'],
  exceptions: [{ date: '2026-12-26', hours: [['10:00', '15:00']] }],
});

describe('weekly hours and split days', () => {
  it('counts only the spans of a split day', () => {
    // Mon 2026-03-02 11:30 JST + 1h → 12:00 (30 min), lunch, 13:00 + 30 min.
    expect(iso(addBusinessSeconds(tokyo, at('2026-03-02T11:30:00+09:00'), H))).toBe(
      iso(at('2026-03-02T13:30:00+09:00')),
    );
    expect(
      businessSecondsBetween(tokyo, at('2026-03-02T08:00:00+09:00'), at('2026-03-02T20:00:00+09:00')),
    ).toBe(8 * H);
  });

  it('ends at closing time when the count ends exactly there, and carries over weekends', () => {
    const mon9 = at('2026-03-02T09:00:00+09:00');
    expect(iso(addBusinessSeconds(tokyo, mon9, 8 * H))).toBe(iso(at('2026-03-02T18:00:00+09:00')));
    expect(iso(addBusinessSeconds(tokyo, at('2026-03-06T17:00:00+09:00'), 2 * H))).toBe(
      iso(at('2026-03-09T10:00:00+09:00')),
    );
  });

  it('seconds = 0 gives the next business instant at or after start', () => {
    const inside = at('2026-03-02T10:15:00+09:00');
    expect(addBusinessSeconds(tokyo, inside, 0)).toBe(inside);
    expect(iso(addBusinessSeconds(tokyo, at('2026-03-02T12:00:00+09:00'), 0))).toBe(
      iso(at('2026-03-02T13:00:00+09:00')),
    );
    expect(iso(nextBusinessInstant(tokyo, at('2026-03-07T12:00:00+09:00')))).toBe(
      iso(at('2026-03-09T09:00:00+09:00')),
    );
  });

  it('treats closing time as outside (half-open intervals)', () => {
    expect(isBusinessInstant(tokyo, at('2026-03-02T09:00:00+09:00'))).toBe(true);
    expect(isBusinessInstant(tokyo, at('2026-03-02T11:59:59+09:00'))).toBe(true);
    expect(isBusinessInstant(tokyo, at('2026-03-02T12:00:00+09:00'))).toBe(false);
    expect(isBusinessInstant(tokyo, at('2026-03-02T18:00:00+09:00'))).toBe(false);
    expect(isBusinessInstant(tokyo, at('2026-03-07T10:00:00+09:00'))).toBe(false);
  });

  it('lists business intervals in UTC, clipped to the range', () => {
    expect(
      businessIntervals(tokyo, at('2026-03-02T10:00:00+09:00'), at('2026-03-03T10:00:00+09:00')).map(
        ([s, e]) => [iso(s), iso(e)],
      ),
    ).toEqual([
      ['2026-03-02T01:00:00.000Z', '2026-03-02T03:00:00.000Z'],
      ['2026-03-02T04:00:00.000Z', '2026-03-02T09:00:00.000Z'],
      ['2026-03-03T00:00:00.000Z', '2026-03-03T01:00:00.000Z'],
    ]);
    expect(
      businessIntervals(tokyo, at('2026-03-02T10:00:00+09:00'), at('2026-03-02T10:00:00+09:00')),
    ).toEqual([]);
  });

  it('floors sub-second fractions and returns 0 when end is not after start', () => {
    const nine = at('2026-03-02T09:00:00+09:00');
    expect(businessSecondsBetween(tokyo, nine, nine + 1999)).toBe(1);
    expect(businessMillisBetween(tokyo, nine, nine + 1999)).toBe(1999);
    expect(businessSecondsBetween(tokyo, nine + 5000, nine)).toBe(0);
  });

  it('reports local dates in the calendar zone', () => {
    expect(localDateOf(tokyo, at('2026-03-01T15:30:00Z'))).toBe('2026-03-02');
  });
});

describe('holidays, presets, closures and exceptions', () => {
  it('JP preset: Coming of Age Day 2026-01-12 is closed', () => {
    expect(isBusinessInstant(tokyo, at('2026-01-12T10:00:00+09:00'))).toBe(false);
    expect(iso(addBusinessSeconds(tokyo, at('2026-01-09T17:00:00+09:00'), 2 * H))).toBe(
      iso(at('2026-01-13T10:00:00+09:00')),
    );
  });

  it('JP preset: Golden Week 2026-05-03..05-06 including the substitute holiday 05-06', () => {
    for (const d of ['04-29', '05-04', '05-05', '05-06']) {
      expect(isBusinessInstant(tokyo, at(`2026-${d}T10:00:00+09:00`)), d).toBe(false);
    }
    expect(isBusinessInstant(tokyo, at('2026-05-01T10:00:00+09:00'))).toBe(true);
    expect(iso(nextBusinessInstant(tokyo, at('2026-05-01T18:00:00+09:00')))).toBe(
      iso(at('2026-05-07T09:00:00+09:00')),
    );
    expect(
      businessSecondsBetween(tokyo, at('2026-04-27T00:00:00+09:00'), at('2026-05-10T00:00:00+09:00')),
    ).toBe(
      6 * 8 * H, // Apr 27, 28, 30, May 1, 7, 8
    );
  });

  it('explicit and recurring holidays are closed all day', () => {
    const c = cal('Asia/Tokyo', weekdays(NINE_TO_SIX), {
      holidays: ['2026-12-31'],
      recurringHolidays: ['07-01'],
    });
    expect(isBusinessInstant(c, at('2026-12-31T10:00:00+09:00'))).toBe(false);
    expect(isBusinessInstant(c, at('2026-07-01T10:00:00+09:00'))).toBe(false);
    expect(isBusinessInstant(c, at('2027-07-01T10:00:00+09:00'))).toBe(false);
    expect(isBusinessInstant(c, at('2026-06-30T10:00:00+09:00'))).toBe(true);
    expect(isBusinessInstant(c, at('2027-12-31T10:00:00+09:00'))).toBe(true);
  });

  it('recurring closures wrap over New Year, every year', () => {
    const c = cal('Asia/Tokyo', weekdays(NINE_TO_SIX), {
      closures: [{ from: '12-29', to: '01-03', name: '年末年始' }],
    });
    // Mon 2026-12-28 17:00 + 2h → Mon 2027-01-04 10:00.
    expect(iso(addBusinessSeconds(c, at('2026-12-28T17:00:00+09:00'), 2 * H))).toBe(
      iso(at('2027-01-04T10:00:00+09:00')),
    );
    for (const d of ['2026-12-29', '2026-12-31', '2027-01-01', '2027-12-30', '2028-01-03']) {
      expect(isBusinessInstant(c, at(`${d}T10:00:00+09:00`)), d).toBe(false);
    }
    expect(isBusinessInstant(c, at('2028-01-04T10:00:00+09:00'))).toBe(true);
  });

  it('dated closures close a single period', () => {
    const c = cal('Asia/Tokyo', everyDay(NINE_TO_SIX), {
      closures: [{ from: '2026-08-13', to: '2026-08-16' }],
    });
    expect(isBusinessInstant(c, at('2026-08-12T10:00:00+09:00'))).toBe(true);
    expect(isBusinessInstant(c, at('2026-08-13T10:00:00+09:00'))).toBe(false);
    expect(isBusinessInstant(c, at('2026-08-16T17:00:00+09:00'))).toBe(false);
    expect(iso(nextBusinessInstant(c, at('2026-08-13T00:00:00+09:00')))).toBe(
      iso(at('2026-08-17T09:00:00+09:00')),
    );
    expect(isBusinessInstant(c, at('2027-08-14T10:00:00+09:00'))).toBe(true);
  });

  it('an exception replaces the day: opens a Saturday, wins over holidays and closures, or closes a day', () => {
    expect(isBusinessInstant(tokyo, at('2026-12-26T09:30:00+09:00'))).toBe(false);
    expect(
      businessSecondsBetween(tokyo, at('2026-12-26T00:00:00+09:00'), at('2026-12-27T00:00:00+09:00')),
    ).toBe(5 * H);
    const c = cal('Asia/Tokyo', weekdays(NINE_TO_SIX), {
      holidays: ['2026-12-31'],
      closures: [{ from: '12-29', to: '01-03' }],
      holidayPresets: ['jp'],
      exceptions: [
        { date: '2026-12-31', hours: [['10:00', '12:00']] },
        { date: '2027-01-01', hours: [['13:00', '14:00']] },
        { date: '2026-12-28', hours: [] },
      ],
    });
    expect(isBusinessInstant(c, at('2026-12-28T10:00:00+09:00'))).toBe(false);
    expect(businessSecondsBetween(c, at('2026-12-27T00:00:00+09:00'), at('2027-01-05T00:00:00+09:00'))).toBe(
      2 * H + H + 9 * H, // Dec 31, Jan 1 (New Year's Day), Jan 4
    );
  });
});

describe('DST transitions', () => {
  it('America/New_York: a 01:00-03:00 span is 1 real hour on spring-forward day, 3 on fall-back day', () => {
    const c = cal('America/New_York', everyDay([['01:00', '03:00']]));
    const spring = businessIntervals(c, at('2026-03-08T00:00:00-05:00'), at('2026-03-09T00:00:00-04:00'));
    expect(spring.map(([s, e]) => [iso(s), iso(e)])).toEqual([
      ['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z'],
    ]);
    expect(businessSecondsBetween(c, at('2026-11-01T00:00:00-04:00'), at('2026-11-02T00:00:00-05:00'))).toBe(
      3 * H,
    );
    expect(businessSecondsBetween(c, at('2026-11-02T00:00:00-05:00'), at('2026-11-03T00:00:00-05:00'))).toBe(
      2 * H,
    );
  });

  it('America/New_York: nonexistent 02:30 moves forward to 03:30 EDT; ambiguous 01:30 takes the earlier (EDT)', () => {
    const gap = cal('America/New_York', everyDay([['02:30', '04:00']]));
    expect(
      businessIntervals(gap, at('2026-03-08T00:00:00-05:00'), at('2026-03-08T12:00:00-04:00')).map(
        ([s, e]) => [iso(s), iso(e)],
      ),
    ).toEqual([[iso(at('2026-03-08T03:30:00-04:00')), iso(at('2026-03-08T04:00:00-04:00'))]]);
    const ambiguous = cal('America/New_York', everyDay([['01:30', '02:00']]));
    expect(
      businessIntervals(ambiguous, at('2026-11-01T00:00:00-04:00'), at('2026-11-01T12:00:00-05:00')).map(
        ([s, e]) => [iso(s), iso(e)],
      ),
    ).toEqual([[iso(at('2026-11-01T01:30:00-04:00')), iso(at('2026-11-01T02:00:00-05:00'))]]);
    // A span collapsed by the gap (02:30-03:00 → 03:30-03:00) contributes nothing that day.
    const collapsed = cal('America/New_York', everyDay([['02:30', '03:00']]));
    expect(
      businessSecondsBetween(collapsed, at('2026-03-08T00:00:00-05:00'), at('2026-03-09T00:00:00-04:00')),
    ).toBe(0);
    expect(
      businessSecondsBetween(collapsed, at('2026-03-09T00:00:00-04:00'), at('2026-03-10T00:00:00-04:00')),
    ).toBe(H / 2);
  });

  it('Europe/London: weekday hours carry over the spring-forward weekend in local time', () => {
    const c = cal('Europe/London', weekdays(NINE_TO_SIX));
    // Fri 2026-03-27 17:00 GMT + 2h → Mon 2026-03-30 10:00 BST (09:00Z).
    expect(iso(addBusinessSeconds(c, at('2026-03-27T17:00:00Z'), 2 * H))).toBe('2026-03-30T09:00:00.000Z');
    // Fri 2026-10-23 17:00 BST + 2h → Mon 2026-10-26 10:00 GMT.
    expect(iso(addBusinessSeconds(c, at('2026-10-23T16:00:00Z'), 2 * H))).toBe('2026-10-26T10:00:00.000Z');
    // A Sunday opened 00:30-03:00 on 2026-03-29 (01:00→02:00 gap): 00:30-01:00 GMT + 02:00-03:00 BST = 1.5h.
    const sunday = cal('Europe/London', sundays([['00:30', '03:00']]));
    expect(businessSecondsBetween(sunday, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'))).toBe(
      1.5 * H,
    );
    // 2026-10-25: 01:00-02:00 happens twice, 00:30-03:00 is 3.5 real hours.
    expect(businessSecondsBetween(sunday, at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z'))).toBe(
      3.5 * H,
    );
  });

  it('Europe/Berlin: a full Sunday is 23 h in March and 25 h in October', () => {
    const c = cal('Europe/Berlin', sundays(ALL_DAY));
    expect(businessSecondsBetween(c, at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'))).toBe(23 * H);
    expect(businessSecondsBetween(c, at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'))).toBe(25 * H);
    expect(iso(nextBusinessInstant(c, at('2026-03-28T12:00:00Z')))).toBe(
      iso(at('2026-03-29T00:00:00+01:00')),
    );
    expect(iso(addBusinessSeconds(c, at('2026-03-28T12:00:00Z'), 23 * H))).toBe(
      iso(at('2026-03-30T00:00:00+02:00')),
    );
  });

  it('America/Santiago: DST changes at midnight (00:00 does not exist in September, 23:00 repeats in April)', () => {
    const c = cal('America/Santiago', saturdays([['22:00', '24:00']]));
    // Sat 2026-04-04 22:00 -03 → Sun 00:00 -04 is 3 real hours.
    expect(businessSecondsBetween(c, at('2026-04-04T00:00:00-03:00'), at('2026-04-06T00:00:00-04:00'))).toBe(
      3 * H,
    );
    // Sat 2026-09-05 22:00 -04 → Sun 00:00 (nonexistent: 01:00 -03) is 2 real hours.
    expect(businessSecondsBetween(c, at('2026-09-05T00:00:00-04:00'), at('2026-09-07T00:00:00-03:00'))).toBe(
      2 * H,
    );
    const sunday = cal('America/Santiago', weekdays([], []), {
      exceptions: [{ date: '2026-09-06', hours: [['00:00', '02:00']] }],
    });
    expect(
      businessIntervals(sunday, at('2026-09-05T00:00:00-04:00'), at('2026-09-07T00:00:00-03:00')).map(
        ([s, e]) => [iso(s), iso(e)],
      ),
    ).toEqual([[iso(at('2026-09-06T01:00:00-03:00')), iso(at('2026-09-06T02:00:00-03:00'))]]);
  });

  it('24/7 calendars count real elapsed time across DST (fast path and day-by-day path agree)', () => {
    const fast = cal('Europe/Berlin', everyDay(ALL_DAY));
    // A far-away holiday forces the day-by-day path.
    const slow = cal('Europe/Berlin', everyDay(ALL_DAY), { holidays: ['2099-01-01'] });
    const ny = cal('America/New_York', everyDay(ALL_DAY), { holidays: ['2099-01-01'] });
    for (const [a, b] of [
      ['2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z'],
      ['2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z'],
      ['2026-03-08T05:00:00Z', '2026-03-08T09:00:00Z'],
      ['2026-11-01T04:00:00Z', '2026-11-01T08:00:00Z'],
    ] as const) {
      const real = (at(b) - at(a)) / 1000;
      for (const c of [fast, slow, ny, TWENTY_FOUR_SEVEN]) {
        expect(businessSecondsBetween(c, at(a), at(b))).toBe(real);
        expect(addBusinessSeconds(c, at(a), real)).toBe(at(b));
      }
    }
    expect(businessIntervals(slow, at('2026-03-28T00:00:00Z'), at('2026-04-02T00:00:00Z'))).toEqual([
      [at('2026-03-28T00:00:00Z'), at('2026-04-02T00:00:00Z')],
    ]);
    expect(isBusinessInstant(ny, at('2026-03-08T07:00:00Z'))).toBe(true);
  });
});

describe('TWENTY_FOUR_SEVEN', () => {
  it('is open at every instant and adds plain seconds', () => {
    const t = at('2026-01-01T00:00:00Z');
    expect(isBusinessInstant(TWENTY_FOUR_SEVEN, t)).toBe(true);
    expect(nextBusinessInstant(TWENTY_FOUR_SEVEN, t + 123)).toBe(t + 123);
    expect(addBusinessSeconds(TWENTY_FOUR_SEVEN, t, 90)).toBe(t + 90_000);
    expect(businessSecondsBetween(TWENTY_FOUR_SEVEN, t, t + 90_999)).toBe(90);
    expect(TWENTY_FOUR_SEVEN.timezone).toBe('UTC');
  });
});

describe('long durations', () => {
  it('adds 10 million business seconds across months quickly (timing logged)', () => {
    const c = compileCalendar({
      timezone: 'Asia/Tokyo',
      weekly: weekdays(SPLIT),
      holidayPresets: ['jp'],
      closures: [{ from: '12-29', to: '01-03' }],
    });
    const start = at('2026-01-05T09:00:00+09:00');
    const t0 = performance.now();
    const due = addBusinessSeconds(c, start, 10_000_000);
    const t1 = performance.now();
    const again = addBusinessSeconds(c, start, 10_000_000);
    const t2 = performance.now();
    console.log(
      `addBusinessSeconds(10M s, Tokyo 8h days) → ${iso(due)}: cold ${(t1 - t0).toFixed(1)} ms, warm ${(t2 - t1).toFixed(1)} ms`,
    );
    expect(again).toBe(due);
    expect(businessSecondsBetween(c, start, due)).toBe(10_000_000);
    // 10M s / 28,800 s per day ≈ 347.2 working days ≈ 17 months.
    expect(due).toBeGreaterThan(at('2027-05-01T00:00:00Z'));
    expect(due).toBeLessThan(at('2027-08-01T00:00:00Z'));
  });

  it('counts four whole weeks of a weekday calendar', () => {
    const c = cal('Europe/London', weekdays(NINE_TO_SIX));
    const mon = at('2026-03-02T00:00:00Z');
    expect(businessSecondsBetween(c, mon, mon + 28 * 86_400_000)).toBe(20 * 9 * H);
    // Across the March DST change too.
    expect(iso(addBusinessSeconds(c, at('2026-03-16T09:00:00Z'), 20 * 9 * H))).toBe(
      '2026-04-10T17:00:00.000Z',
    );
  });
});

describe('errors', () => {
  it('rejects negative, fractional and non-finite inputs', () => {
    const t = at('2026-01-01T00:00:00Z');
    expect(() => addBusinessSeconds(tokyo, t, -1)).toThrow(AppError);
    expect(() => addBusinessSeconds(tokyo, t, -1)).toThrow(/non-negative integer/);
    expect(() => addBusinessSeconds(tokyo, t, 1.5)).toThrow(/non-negative integer/);
    expect(() => addBusinessSeconds(tokyo, Number.NaN, 1)).toThrow(/start must be a finite/);
    expect(() => businessSecondsBetween(tokyo, t, Number.POSITIVE_INFINITY)).toThrow(/end must be a finite/);
  });

  it('a calendar with no working time fails clearly instead of looping', () => {
    const closed = cal('Asia/Tokyo', weekdays([]));
    const t = at('2026-01-01T00:00:00Z');
    let error: unknown;
    try {
      addBusinessSeconds(closed, t, 60);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    expect((error as AppError).message).toMatch(/calendar has no working time/);
    expect(() => nextBusinessInstant(closed, t)).toThrow(/no working time/);
    expect(isBusinessInstant(closed, t)).toBe(false);
    expect(businessSecondsBetween(closed, t, t + 365 * 86_400_000)).toBe(0);
    // Working time only on one past date: nothing after it.
    const once = cal('Asia/Tokyo', weekdays([]), {
      exceptions: [{ date: '2026-01-05', hours: NINE_TO_SIX }],
    });
    expect(addBusinessSeconds(once, t, 60)).toBe(at('2026-01-05T09:01:00+09:00'));
    expect(() => addBusinessSeconds(once, t, 9 * H + 1)).toThrow(/no working time/);
  });
});

describe('properties', () => {
  const calendars = {
    tokyo,
    newYork: cal(
      'America/New_York',
      weekdays(
        [
          ['08:30', '12:00'],
          ['13:00', '17:30'],
        ],
        [['01:00', '03:00']],
      ),
      {
        holidays: ['2026-07-03', '2026-12-25'],
        closures: [{ from: '12-24', to: '12-26' }],
      },
    ),
    santiago: cal(
      'America/Santiago',
      everyDay([
        ['00:00', '02:00'],
        ['22:00', '24:00'],
      ]),
    ),
    london247: cal('Europe/London', everyDay(ALL_DAY), { recurringHolidays: ['12-25'] }),
  };
  const calendarArb = fc.constantFrom(...Object.values(calendars));
  // Whole-second instants from 2025 to 2028.
  const instant = fc.integer({ min: 1_735_689_600, max: 1_830_297_600 }).map((s) => s * 1000);
  const seconds = fc.integer({ min: 0, max: 3_000_000 });

  it('between(start, add(start, n)) === n', () => {
    fc.assert(
      fc.property(calendarArb, instant, seconds, (c, start, n) => {
        expect(businessSecondsBetween(c, start, addBusinessSeconds(c, start, n))).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  it('add is monotonic in seconds and in start', () => {
    fc.assert(
      fc.property(calendarArb, instant, instant, seconds, seconds, (c, a, b, n, m) => {
        const [s1, s2] = a <= b ? [a, b] : [b, a];
        const [n1, n2] = n <= m ? [n, m] : [m, n];
        expect(addBusinessSeconds(c, s1, n1)).toBeLessThanOrEqual(addBusinessSeconds(c, s1, n2));
        expect(addBusinessSeconds(c, s1, n1)).toBeLessThanOrEqual(addBusinessSeconds(c, s2, n1));
      }),
      { numRuns: 200 },
    );
  });

  it('between is additive', () => {
    fc.assert(
      fc.property(calendarArb, instant, instant, instant, (c, x, y, z) => {
        const [a, b, d] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        expect(businessSecondsBetween(c, a, b) + businessSecondsBetween(c, b, d)).toBe(
          businessSecondsBetween(c, a, d),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('intervals, isBusinessInstant and nextBusinessInstant agree with between', () => {
    fc.assert(
      fc.property(calendarArb, instant, fc.integer({ min: 0, max: 20 * 86_400 }), (c, a, span) => {
        const b = a + span * 1000;
        const list = businessIntervals(c, a, b);
        expect(list.reduce((sum, [s, e]) => sum + (e - s), 0)).toBe(businessMillisBetween(c, a, b));
        for (const [s, e] of list) {
          expect(isBusinessInstant(c, s)).toBe(true);
          expect(isBusinessInstant(c, Math.floor((s + e) / 2))).toBe(true);
          if (e < b) expect(isBusinessInstant(c, e)).toBe(false);
        }
        const next = nextBusinessInstant(c, a);
        expect(next).toBeGreaterThanOrEqual(a);
        expect(isBusinessInstant(c, next)).toBe(true);
        expect(businessMillisBetween(c, a, next)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
