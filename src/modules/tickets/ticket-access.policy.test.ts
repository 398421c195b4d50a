import { describe, expect, it } from 'vitest';
import { ROLES } from '../auth/index.js';
import { receiverStanding, ticketAccess, ticketScope } from './ticket-access.policy.js';

describe('ticketAccess', () => {
  it('an unrestricted team: everyone writes, as before', () => {
    for (const role of ROLES) expect(ticketAccess({ role, restricted: false, member: false, receiver: null })).toBe('write');
  });

  it('a restricted team: members (any team role) and admins write; receivers while it runs, then read; others nothing', () => {
    for (const role of ROLES) {
      expect(ticketAccess({ role, restricted: true, member: true, receiver: null }), role).toBe('write');
      expect(ticketAccess({ role, restricted: true, member: false, receiver: 'running' }), role).toBe('write');
      expect(ticketAccess({ role, restricted: true, member: false, receiver: 'ended' }), role).toBe(role === 'admin' ? 'write' : 'read');
      expect(ticketAccess({ role, restricted: true, member: false, receiver: null }), role).toBe(role === 'admin' ? 'write' : 'none');
    }
  });

  it('a receiver of several escalations acts while any of them runs', () => {
    expect(receiverStanding([])).toBeNull();
    expect(receiverStanding([{ finished: true }, { finished: false }])).toBe('running');
    expect(receiverStanding([{ finished: true }, { finished: true }])).toBe('ended');
  });
});

describe('ticketScope', () => {
  const agent = { userId: 'u1', role: 'agent' as const };
  it('sees everything (no condition) with no restricted team, as admin, as the system, or as a member of every restricted team', () => {
    expect(ticketScope(agent, [], ['t1'])).toEqual({ all: true });
    expect(ticketScope({ userId: 'a', role: 'admin' }, ['t9'], [])).toEqual({ all: true });
    expect(ticketScope(null, ['t9'], [])).toEqual({ all: true });
    expect(ticketScope(agent, ['t1', 't2'], ['t1', 't2', 't3'])).toEqual({ all: true });
  });

  it('hides the restricted teams the viewer is not in, and names the tickets they received', () => {
    expect(ticketScope(agent, ['t1', 't2'], ['t1'], ['k1'])).toEqual({ all: false, userId: 'u1', hiddenTeamIds: ['t2'], teamIds: ['t1'], receivedTicketIds: ['k1'] });
    expect(ticketScope({ userId: 's', role: 'supervisor' }, ['t2'], [])).toEqual({ all: false, userId: 's', hiddenTeamIds: ['t2'], teamIds: [] });
  });
});
