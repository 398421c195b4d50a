import { describe, expect, it } from 'vitest';
import { dayIn, periodOf, periodQuery, startOfDay } from './hands-report-api.js';

describe('hands report period', () => {
  const now = Date.parse('2026-12-03T07:00:00Z'); // 16:00 in Tokyo, 02:00 in New York

  it('defaults to the last 7 days, today included, in the reader’s time zone', () => {
    expect(periodOf({}, 'Asia/Tokyo', now)).toEqual({ from: '2026-11-27', to: '2026-12-03' });
    expect(periodOf({}, 'America/New_York', now)).toEqual({ from: '2026-11-27', to: '2026-12-03' });
    expect(periodOf({}, 'America/Los_Angeles', now)).toEqual({ from: '2026-11-26', to: '2026-12-02' });
  });

  it('keeps the URL’s days and ignores malformed ones', () => {
    expect(periodOf({ from: '2026-01-01', to: '2026-01-31' }, 'UTC', now)).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
    });
    expect(periodOf({ from: 'yesterday', to: '2026-01-31' }, 'UTC', now)).toEqual({
      from: '2026-01-25',
      to: '2026-01-31',
    });
  });

  it('asks the server from the start of the first day to the start of the day after the last', () => {
    expect(periodQuery({ from: '2026-11-27', to: '2026-12-03' }, 'Asia/Tokyo')).toEqual({
      from: '2026-11-26T15:00:00.000Z',
      to: '2026-12-03T15:00:00.000Z',
    });
    expect(periodQuery({ from: '2026-12-31', to: '2026-12-31' }, 'UTC')).toEqual({
      from: '2026-12-31T00:00:00.000Z',
      to: '2027-01-01T00:00:00.000Z',
    });
  });

  it('finds midnight across a change of summer time', () => {
    // New York moves to summer time on 2026-03-08 at 02:00: that day starts at 05:00 UTC, the next at 04:00 UTC.
    expect(new Date(startOfDay('2026-03-08', 'America/New_York')).toISOString()).toBe(
      '2026-03-08T05:00:00.000Z',
    );
    expect(new Date(startOfDay('2026-03-09', 'America/New_York')).toISOString()).toBe(
      '2026-03-09T04:00:00.000Z',
    );
    expect(dayIn(Date.parse('2026-03-09T03:59:00Z'), 'America/New_York')).toBe('2026-03-08');
  });

  it('falls back to UTC for an unknown time zone', () => {
    expect(dayIn(now, 'Mars/Olympus')).toBe('2026-12-03');
    expect(startOfDay('2026-12-03', 'Mars/Olympus')).toBe(Date.parse('2026-12-03T00:00:00Z'));
  });
});
