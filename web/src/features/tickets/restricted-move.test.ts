import { describe, expect, it } from 'vitest';
import { losesSightOf, movedNotice, movedNoticeSearch } from './restricted-move.js';

describe('moving a ticket into a restricted team', () => {
  const team = { restricted: true, members: [{ userId: 'member' }] };
  it('warns whoever will not see it afterwards: not a member, not an administrator', () => {
    expect(losesSightOf({ id: 'agent', role: 'agent' }, team)).toBe(true);
    expect(losesSightOf({ id: 'sv', role: 'supervisor' }, team)).toBe(true);
    expect(losesSightOf({ id: 'member', role: 'agent' }, team)).toBe(false);
    expect(losesSightOf({ id: 'admin', role: 'admin' }, team)).toBe(false);
    expect(losesSightOf({ id: 'agent', role: 'agent' }, { ...team, restricted: false })).toBe(false);
  });
  it('carries the notice to the queue in its query, and nothing else', () => {
    expect(movedNotice(movedNoticeSearch(1042, 'team-1'))).toEqual({ number: '1042', teamId: 'team-1' });
    expect(movedNotice('?moved=<b>&to=x')).toBeNull();
    expect(movedNotice('')).toBeNull();
  });
});
