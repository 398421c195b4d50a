import { describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n/index.js';
import type { Notification } from '../escalations/types.js';
import { notificationHref, notificationText } from './notification-text.js';

const held: Notification = {
  id: 'n1',
  event: 'email.held',
  ticketId: 't1',
  escalationId: null,
  title: 'server title',
  body: 'server body',
  data: { inboundId: 'i/1', from: 'kaori@aozora.example', reason: 'dns_temperror', ticketNumber: 1042 },
  read: false,
  readAt: null,
  createdAt: '2026-01-05T00:00:00.000Z',
};

describe('notification texts', () => {
  it('words a held reply from its facts in the reader language and links to the held message', () => {
    const ja = notificationText(held, createI18n('ja').t);
    expect(ja.title).toBe('#1042: kaori@aozora.example からの返信を保留しました。確認してください');
    expect(ja.body).toContain('DNS が応答しませんでした');
    const en = notificationText({ ...held, data: { ...held.data, reason: 'dmarc_fail' } }, createI18n('en').t);
    expect(en.title).toBe('#1042: a reply from kaori@aozora.example is held for your decision');
    expect(en.body).toContain('neither SPF nor DKIM matched');
    expect(notificationHref(held)).toBe('/tickets/t1#held-i%2F1');
  });

  it('keeps the server text and plain links of other notifications', () => {
    const other = { ...held, event: 'escalation.requested', escalationId: 'e1' };
    expect(notificationText(other, createI18n('ja').t)).toEqual({ title: 'server title', body: 'server body' });
    expect(notificationHref(other)).toBe('/escalations/e1');
    expect(notificationHref({ ...other, escalationId: null })).toBe('/tickets/t1');
  });

  it('leads a path review reminder to the path review report', () => {
    const review = { ...held, event: 'escalation_path.review_due', ticketId: null, data: { pathId: 'p1', pathName: 'Billing' } };
    expect(notificationHref(review)).toBe('/reports/paths/p1');
    expect(notificationHref({ ...review, data: {} })).toBeNull();
  });
});
