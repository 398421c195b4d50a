import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../api/types.js';
import { createI18n } from '../../i18n/index.js';
import { describeEvent } from './describe-event.js';

const names = { userName: (id: string | null | undefined) => (id === 'u1' ? '田中 一郎' : id === 'u2' ? 'Emily Clark' : null), teamName: (id: string | null | undefined) => (id === 't1' ? 'Billing' : null) };
const ev = (kind: string, data: Record<string, unknown>): TimelineEvent => ({
  id: 'e',
  ticketId: 'x',
  kind,
  visibility: 'internal',
  author: { type: 'user', id: 'u1', name: '田中 一郎' },
  body: null,
  data,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('timeline sentences', () => {
  it('describes field changes with translated values', () => {
    const en = createI18n('en').t;
    const ja = createI18n('ja').t;
    expect(describeEvent(ev('field.changed', { field: 'priority', from: 'normal', to: 'high' }), en, names)).toBe('田中 一郎 changed the priority from Normal to High.');
    expect(describeEvent(ev('field.changed', { field: 'priority', from: 'normal', to: 'high' }), ja, names)).toBe('田中 一郎 が優先度を「通常」から「高」に変更しました。');
    expect(describeEvent(ev('field.changed', { field: 'category', from: null, to: 'billing' }), en, names)).toBe('田中 一郎 set the category to billing.');
  });

  it('describes assignments with names, and unknown kinds without failing', () => {
    const en = createI18n('en').t;
    expect(describeEvent(ev('ticket.assigned', { field: 'assigneeId', from: 'u1', to: 'u2' }), en, names)).toBe('田中 一郎 reassigned the ticket from 田中 一郎 to Emily Clark.');
    expect(describeEvent(ev('ticket.assigned', { field: 'assigneeId', from: 'u1', to: null }), en, names)).toBe('田中 一郎 unassigned 田中 一郎.');
    expect(describeEvent(ev('ticket.assigned', { field: 'teamId', from: null, to: 't1' }), en, names)).toBe('田中 一郎 gave the ticket to team Billing.');
    expect(describeEvent(ev('ticket.created', { channel: 'email' }), en, names)).toBe('田中 一郎 created the ticket via Email.');
    expect(describeEvent(ev('something.new', {}), en, names)).toBe('田中 一郎: something.new.');
  });
});
