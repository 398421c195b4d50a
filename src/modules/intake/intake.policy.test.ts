import { describe, expect, it } from 'vitest';
import { linkState } from './intake.policy.js';

const DAY = 86_400_000;
const link = { customer_id: 'c1', revoked_at: null };
const open = { requesterId: 'c1', solvedAt: null, closedAt: null };

describe('private link state', () => {
  it('works while the ticket is open, however old', () => {
    expect(linkState(link, open, 1000 * DAY, 90)).toBe('valid');
  });
  it('expires the configured days after the ticket was solved (or closed without being solved)', () => {
    expect(linkState(link, { ...open, solvedAt: 10 * DAY }, 100 * DAY, 90)).toBe('valid');
    expect(linkState(link, { ...open, solvedAt: 10 * DAY }, 100 * DAY + 1, 90)).toBe('expired');
    expect(linkState(link, { ...open, closedAt: 10 * DAY }, 41 * DAY, 30)).toBe('expired');
    // Reopened: solvedAt cleared, the link works again.
    expect(linkState(link, open, 500 * DAY, 90)).toBe('valid');
  });
  it('stops when revoked or when the ticket has another requester', () => {
    expect(linkState({ ...link, revoked_at: 5 }, open, 6, 90)).toBe('revoked');
    expect(linkState(link, { ...open, requesterId: 'c2' }, 6, 90)).toBe('revoked');
    expect(linkState(link, { ...open, requesterId: null }, 6, 90)).toBe('revoked');
  });
});
