import { describe, expect, it } from 'vitest';
import { bulkPatch, diffTicket, normaliseCc, normaliseTags, statusAfterMessage, statusTimestamps } from './tickets.policy.js';
import type { TicketFields } from './tickets.types.js';

const base: TicketFields = {
  subject: 'Cannot log in',
  status: 'new',
  priority: 'normal',
  category: null,
  product: null,
  tags: ['login', 'vip'],
  teamId: null,
  assigneeId: null,
  requesterId: null,
  temperature: 'calm',
  cc: [],
};

describe('diffTicket', () => {
  it('reports only real changes', () => {
    expect(diffTicket(base, { status: 'new', priority: 'high' })).toEqual([{ field: 'priority', from: 'normal', to: 'high' }]);
  });
  it('compares tags as sets', () => {
    expect(diffTicket(base, { tags: ['vip', 'login'] })).toEqual([]);
    expect(diffTicket(base, { tags: ['vip'] })).toEqual([{ field: 'tags', from: ['login', 'vip'], to: ['vip'] }]);
  });
  it('treats null as a value', () => {
    expect(diffTicket({ ...base, teamId: 't1' }, { teamId: null })).toEqual([{ field: 'teamId', from: 't1', to: null }]);
  });
});

describe('normaliseTags', () => {
  it('trims, lower-cases and removes duplicates', () => expect(normaliseTags([' VIP', 'vip', '', '請求'])).toEqual(['vip', '請求']));
});

describe('statusTimestamps', () => {
  it('sets solvedAt on solve and clears it on reopen', () => {
    expect(statusTimestamps('open', 'solved', 5, { solvedAt: null, closedAt: null })).toEqual({ solvedAt: 5, closedAt: null });
    expect(statusTimestamps('solved', 'open', 9, { solvedAt: 5, closedAt: null })).toEqual({ solvedAt: null, closedAt: null });
    expect(statusTimestamps('solved', 'closed', 9, { solvedAt: 5, closedAt: null })).toEqual({ solvedAt: 5, closedAt: 9 });
  });
});

describe('statusAfterMessage', () => {
  it('opens a new ticket on an agent reply but not on a note', () => {
    expect(statusAfterMessage('new', 'user', 'public')).toBe('open');
    expect(statusAfterMessage('new', 'user', 'internal')).toBe('new');
  });
  it('reopens a pending or solved ticket when the customer writes', () => {
    expect(statusAfterMessage('pending', 'customer', 'public')).toBe('open');
    expect(statusAfterMessage('solved', 'customer', 'public')).toBe('open');
    expect(statusAfterMessage('pending', 'user', 'public')).toBe('pending');
  });
});

describe('cc lists', () => {
  it('are compared as sets of lower-cased addresses', () => {
    const t = { ...base, cc: ['a@x.example', 'b@x.example'] };
    expect(diffTicket(t, { cc: normaliseCc(['B@x.example ', 'a@x.example']) })).toEqual([]);
    expect(diffTicket(t, { cc: ['a@x.example'] })).toEqual([{ field: 'cc', from: ['a@x.example', 'b@x.example'], to: ['a@x.example'] }]);
  });
});

describe('bulkPatch', () => {
  it('adds and removes tags relative to the ticket, normalised, and passes the other fields through', () => {
    expect(bulkPatch({ tags: ['vip', 'billing'] }, { addTags: [' Refund ', 'VIP'], removeTags: ['BILLING'] })).toEqual({ tags: ['vip', 'refund'] });
    expect(bulkPatch({ tags: [] }, { status: 'pending', priority: 'high', teamId: null, assigneeId: 'u1' })).toEqual({ status: 'pending', priority: 'high', teamId: null, assigneeId: 'u1' });
    expect(bulkPatch({ tags: ['a'] }, { addTags: [], removeTags: [] })).toEqual({});
  });
});
