import { describe, expect, it } from 'vitest';
import { endOfDayIn } from './TokensPage.js';

describe('endOfDayIn', () => {
  it('is the last millisecond of the chosen day in the user’s time zone', () => {
    expect(endOfDayIn('2026-01-31', 'Asia/Tokyo')).toBe('2026-01-31T14:59:59.999Z');
    expect(endOfDayIn('2026-07-01', 'America/Los_Angeles')).toBe('2026-07-02T06:59:59.999Z');
    expect(endOfDayIn('2026-03-05', 'UTC')).toBe('2026-03-05T23:59:59.999Z');
  });
});
