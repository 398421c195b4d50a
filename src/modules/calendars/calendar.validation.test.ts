import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.js';
import { compileCalendar, validateCalendarDefinition } from './calendar.policy.js';
import { CalendarDefinition, type CalendarDefinitionBody } from './calendar.schema.js';
import type { CalendarDefinition as DomainDefinition } from './calendar.types.js';

const closed: [string, string][] = [];
const base = (): Record<string, unknown> => ({
  timezone: 'Asia/Tokyo',
  weekly: {
    mon: [
      ['09:00', '12:00'],
      ['13:00', '18:00'],
    ],
    tue: [['09:00', '18:00']],
    wed: [['09:00', '18:00']],
    thu: [['09:00', '18:00']],
    fri: [['09:00', '24:00']],
    sat: closed,
    sun: closed,
  },
  holidays: ['2026-12-31'],
  recurringHolidays: ['01-02', '02-29'],
  holidayPresets: ['jp'],
  closures: [
    { from: '12-29', to: '01-03', name: '年末年始' },
    { from: '2026-08-13', to: '2026-08-16' },
  ],
  exceptions: [{ date: '2026-12-26', hours: [['10:00', '15:00']] }],
});

const problemsOf = (patch: (d: Record<string, unknown>) => void) => {
  const d = base();
  patch(d);
  return validateCalendarDefinition(d);
};
const weekly = (d: Record<string, unknown>) => d.weekly as Record<string, unknown>;

describe('validateCalendarDefinition', () => {
  it('accepts the full example shape', () => {
    expect(validateCalendarDefinition(base())).toEqual([]);
  });

  it.each([['not an object', () => 'x', 'calendar', /must be an object/]] as const)(
    'rejects %s',
    (_name, make, field, message) => {
      const problems = validateCalendarDefinition(make());
      expect(problems).toEqual([{ field, message: expect.stringMatching(message) }]);
    },
  );

  it.each<[string, (d: Record<string, unknown>) => void, string, RegExp]>([
    ['an unknown field', (d) => (d.holiday = []), 'holiday', /unknown field/],
    ['a missing time zone', (d) => delete d.timezone, 'timezone', /is required/],
    ['a non-string time zone', (d) => (d.timezone = 9), 'timezone', /must be a string/],
    [
      'an unknown time zone',
      (d) => (d.timezone = 'Mars/Olympus'),
      'timezone',
      /unknown time zone "Mars\/Olympus"/,
    ],
    ['missing weekly hours', (d) => delete d.weekly, 'weekly', /is required/],
    ['a missing day', (d) => delete weekly(d).sun, 'weekly.sun', /is required \(\[\] = closed\)/],
    ['an unknown day', (d) => (weekly(d).monday = []), 'weekly.monday', /unknown day/],
    ['a day that is not a list', (d) => (weekly(d).tue = '09:00-18:00'), 'weekly.tue', /must be a list/],
    ['a span that is not a pair', (d) => (weekly(d).tue = [['09:00']]), 'weekly.tue[0]', /must be a pair/],
    [
      'hour 25',
      (d) => (weekly(d).tue = [['09:00', '25:00']]),
      'weekly.tue[0][1]',
      /"25:00" is not a time: hours run 00-23/,
    ],
    [
      'minute 60',
      (d) => (weekly(d).tue = [['12:60', '18:00']]),
      'weekly.tue[0][0]',
      /"12:60" is not a time: minutes run 00-59/,
    ],
    [
      'a malformed time',
      (d) => (weekly(d).tue = [['9:00', '18:00']]),
      'weekly.tue[0][0]',
      /must be a time "HH:MM"/,
    ],
    [
      'a span starting at 24:00',
      (d) => (weekly(d).tue = [['24:00', '24:00']]),
      'weekly.tue[0][0]',
      /cannot start at 24:00/,
    ],
    [
      'a reversed span',
      (d) => (weekly(d).tue = [['18:00', '09:00']]),
      'weekly.tue[0]',
      /end 09:00 must be after start 18:00/,
    ],
    [
      'an empty span',
      (d) => (weekly(d).tue = [['09:00', '09:00']]),
      'weekly.tue[0]',
      /end 09:00 must be after start 09:00/,
    ],
    [
      'overlapping spans',
      (d) =>
        (weekly(d).mon = [
          ['09:00', '12:00'],
          ['11:00', '18:00'],
        ]),
      'weekly.mon[1]',
      /overlaps weekly.mon\[0\] \(09:00-12:00\)/,
    ],
    ['holidays that are not a list', (d) => (d.holidays = '2026-12-31'), 'holidays', /must be a list/],
    [
      'an impossible date',
      (d) => (d.holidays = ['2026-02-30']),
      'holidays[0]',
      /"2026-02-30" is not a real date/,
    ],
    ['29 February of a common year', (d) => (d.holidays = ['2027-02-29']), 'holidays[0]', /not a real date/],
    ['a malformed date', (d) => (d.holidays = ['2026/12/31']), 'holidays[0]', /must be a date "YYYY-MM-DD"/],
    [
      'a bad MM-DD',
      (d) => (d.recurringHolidays = ['13-01']),
      'recurringHolidays[0]',
      /"13-01" is not a real day of the year/,
    ],
    [
      'a malformed MM-DD',
      (d) => (d.recurringHolidays = ['1-2']),
      'recurringHolidays[0]',
      /must be a day of the year "MM-DD"/,
    ],
    [
      'an unknown preset',
      (d) => (d.holidayPresets = ['us']),
      'holidayPresets[0]',
      /unknown holiday preset "us"; supported: jp/,
    ],
    ['a closure that is not an object', (d) => (d.closures = ['12-29']), 'closures[0]', /must be an object/],
    [
      'a closure of mixed forms',
      (d) => (d.closures = [{ from: '12-29', to: '2027-01-03' }]),
      'closures[0].to',
      /same form as from/,
    ],
    [
      'a closure with a bad from',
      (d) => (d.closures = [{ from: 'xmas', to: '12-26' }]),
      'closures[0].from',
      /must be "MM-DD" \(every year\) or "YYYY-MM-DD"/,
    ],
    [
      'a closure with an impossible to',
      (d) => (d.closures = [{ from: '12-29', to: '02-30' }]),
      'closures[0].to',
      /"02-30" is not a real day/,
    ],
    [
      'a dated closure ending before it starts',
      (d) => (d.closures = [{ from: '2026-08-16', to: '2026-08-13' }]),
      'closures[0].to',
      /2026-08-13 is before from 2026-08-16/,
    ],
    [
      'a closure name that is not a string',
      (d) => (d.closures = [{ from: '12-29', to: '01-03', name: 1 }]),
      'closures[0].name',
      /must be a string/,
    ],
    ['an exception that is not an object', (d) => (d.exceptions = [1]), 'exceptions[0]', /must be an object/],
    [
      'an exception with an impossible date',
      (d) => (d.exceptions = [{ date: '2026-04-31', hours: [] }]),
      'exceptions[0].date',
      /not a real date/,
    ],
    [
      'an exception without hours',
      (d) => (d.exceptions = [{ date: '2026-04-30' }]),
      'exceptions[0].hours',
      /is required/,
    ],
    [
      'an exception with a bad span',
      (d) => (d.exceptions = [{ date: '2026-04-30', hours: [['10:00', '09:00']] }]),
      'exceptions[0].hours[0]',
      /must be after start/,
    ],
    [
      'a date listed twice in exceptions',
      (d) =>
        (d.exceptions = [
          { date: '2026-04-30', hours: [] },
          { date: '2026-04-30', hours: [] },
        ]),
      'exceptions[1].date',
      /2026-04-30 is already listed at exceptions\[0\]/,
    ],
  ])('rejects %s', (_name, patch, field, message) => {
    expect(problemsOf(patch)).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf((d) => {
      d.timezone = 'Nowhere/Land';
      weekly(d).wed = [['25:00', '26:00']];
      d.holidays = ['2026-02-30'];
    });
    expect(problems.map((p) => p.field)).toEqual([
      'timezone',
      'weekly.wed[0][0]',
      'weekly.wed[0][1]',
      'holidays[0]',
    ]);
  });
});

describe('compileCalendar', () => {
  it('throws validation_failed with the problems as details', () => {
    const d = base();
    d.timezone = 'Mars/Olympus';
    let error: unknown;
    try {
      compileCalendar(d as unknown as DomainDefinition);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    expect((error as AppError).details).toEqual({
      problems: [{ field: 'timezone', message: 'unknown time zone "Mars/Olympus"' }],
    });
  });

  it('compiles the example and detects always-open calendars', () => {
    const c = compileCalendar(base() as unknown as DomainDefinition);
    expect(c.alwaysOpen).toBe(false);
    expect(c.timezone).toBe('Asia/Tokyo');
  });
});

describe('CalendarDefinition schema', () => {
  it('accepts the example and matches the domain type', () => {
    const body = base();
    expect(Value.Check(CalendarDefinition, body)).toBe(true);
    const typed: DomainDefinition = body as CalendarDefinitionBody;
    expect(typed.timezone).toBe('Asia/Tokyo');
  });

  it.each<[string, (d: Record<string, unknown>) => void]>([
    ['25:00', (d) => (weekly(d).tue = [['09:00', '25:00']])],
    ['12:60', (d) => (weekly(d).tue = [['12:60', '18:00']])],
    ['24:30', (d) => (weekly(d).tue = [['09:00', '24:30']])],
    ['a three-item span', (d) => (weekly(d).tue = [['09:00', '12:00', '13:00']])],
    ['a missing day', (d) => delete weekly(d).sat],
    ['an unknown preset', (d) => (d.holidayPresets = ['us'])],
    ['a malformed date', (d) => (d.holidays = ['2026-1-1'])],
    ['an unknown field', (d) => (d.extra = true)],
  ])('rejects %s', (_name, patch) => {
    const d = base();
    patch(d);
    expect(Value.Check(CalendarDefinition, d)).toBe(false);
  });
});
