import { describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/errors.js';
import { compileTemplate } from './compile-template.js';
import { defaultTemplates, INCIDENT_NOTIFICATION_EVENTS, NOTIFICATION_EVENTS, type NotificationEvent } from './default-templates.js';
import { renderNotification, type NotificationData } from './render-notification.js';

const DUE = Date.UTC(2026, 0, 5, 9, 30); // 18:30 in Tokyo, 04:30 in New York

const data: NotificationData = {
  recipient: { name: 'Aiko', timeZone: 'Asia/Tokyo' },
  ticket: {
    number: 1042,
    subject: 'Invoice <double> charge & refund',
    url: 'https://escalon.example/tickets/1042',
  },
  escalation: {
    id: 'esc_1',
    ask: 'Approve the refund <today>',
    temperature: 'angry',
    dueAtMs: DUE,
    level: 'L2 Billing',
    by: 'Ken',
    reason: 'Missing invoice number',
    url: 'https://escalon.example/escalations/esc_1',
    acknowledgeUrl: 'https://escalon.example/escalations/esc_1/acknowledge?t=a&u=b',
  },
  sla: { clock: 'first_response', dueAtMs: DUE, assigneeName: 'Ken' },
  held: { from: 'kaori@aozora.example', subject: 'Re: invoice', reason: 'dmarc_fail', url: 'https://escalon.example/tickets/1042#held-i1' },
  actorName: 'Mika',
  items: [
    { event: 'escalation.requested', atMs: DUE - 3_600_000, actorName: 'Ken', summary: 'Approve the refund' },
    { event: 'escalation.reminder', atMs: DUE - 1_800_000 },
    { event: 'sla.warning', atMs: DUE - 600_000 },
  ],
  settingsUrl: 'https://escalon.example/settings/notifications',
};

describe('renderNotification', () => {
  it('tells the person who escalated where it is now, not what to do', () => {
    const mine = { ...data, escalation: { ...data.escalation!, forRequester: true } };
    const en = renderNotification('escalation.advanced', 'en', mine);
    expect(en.text).toContain('Your escalation has moved to L2 Billing');
    expect(en.text).toContain('Your request:');
    expect(en.text).not.toContain('Action needed');
    expect(renderNotification('escalation.advanced', 'ja', mine).text).toContain('依頼内容:');
    expect(renderNotification('escalation.advanced', 'en', data).text).toContain('Action needed:');
  });
  it('tells the requester the answer of a resolution, escaped in html, in both languages', () => {
    const resolved = { ...data, escalation: { ...data.escalation!, answer: 'Refund <b>¥3,000</b> today' } };
    const en = renderNotification('escalation.resolved', 'en', resolved);
    expect(en.subject).toContain('Answer to your escalation');
    expect(en.text).toContain('Mika resolved your escalation');
    expect(en.text).toContain('Refund <b>¥3,000</b> today');
    expect(en.html).toContain('Refund &lt;b&gt;¥3,000&lt;/b&gt; today');
    const ja = renderNotification('escalation.resolved', 'ja-JP', resolved);
    expect(ja.subject).toContain('回答がありました');
    expect(ja.text).toContain('回答:\nRefund <b>¥3,000</b> today');
  });

  it('names a return reason in the reader language and carries the receiver text', () => {
    const returned = { ...data, escalation: { ...data.escalation!, reason: 'missing_information', returnText: 'Which invoice?' } };
    const ja = renderNotification('escalation.returned', 'ja', returned);
    expect(ja.text).toContain('理由: 情報不足\nWhich invoice?');
    expect(ja.text).not.toContain('記載なし');
    expect(ja.html).toContain('Which invoice?');
    expect(renderNotification('escalation.returned', 'en', returned).text).toContain('Reason: Information missing');
  });

  it('names the reason of a held reply in the reader language and links to the held message', () => {
    const en = renderNotification('email.held', 'en', data);
    expect(en.subject).toBe('[#1042] Reply held for your decision: Invoice <double> charge & refund');
    expect(en.text).toContain('From: kaori@aozora.example');
    expect(en.text).toContain('Reason: the sender domain publishes DMARC and neither SPF nor DKIM matched the From address');
    expect(en.text).toContain('Open the held reply: https://escalon.example/tickets/1042#held-i1');
    expect(en.html).toContain('href="https://escalon.example/tickets/1042#held-i1"');
    const ja = renderNotification('email.held', 'ja', { ...data, held: { ...data.held!, reason: 'dns_temperror' } });
    expect(ja.subject).toContain('返信を保留しました');
    expect(ja.text).toContain('理由: 送信者を確認できませんでした（DNS が応答しませんでした）');
    expect(() => renderNotification('email.held', 'en', { recipient: data.recipient, ticket: data.ticket })).toThrow(/needs held/);
  });

  it('words the path review reminder in the owner language, dates in their zone, links to the review report, HTML escaped', () => {
    const path = { id: 'p1', name: 'Billing <disputes> & refunds', url: 'https://escalon.example/admin/paths/p1', reviewUrl: 'https://escalon.example/reports/paths/p1', dueAtMs: Date.UTC(2026, 0, 5, 0, 0) };
    const base = { recipient: { name: '佐藤', timeZone: 'Asia/Tokyo' }, ticket: { number: '-', subject: '', url: 'https://escalon.example' }, path };
    const ja = renderNotification('escalation_path.review_due', 'ja', base);
    expect(ja.subject).toBe('エスカレーションパスの見直し時期です: Billing <disputes> & refunds');
    expect(ja.text).toContain('（期限: 2026年1月5日(月) 9:00 JST）');
    expect(ja.text).toContain('まだ見直されていません。');
    expect(ja.text).toContain('見直しレポート: https://escalon.example/reports/paths/p1');
    expect(ja.html).toContain('href="https://escalon.example/reports/paths/p1"');
    expect(ja.html).toContain('Billing &lt;disputes&gt; &amp; refunds');
    expect(ja.html).not.toContain('<disputes>');
    const en = renderNotification('escalation_path.review_due', 'en', { ...base, path: { ...path, lastReviewedAtMs: Date.UTC(2025, 9, 7, 0, 0) } });
    expect(en.subject).toBe('Path review due: Billing <disputes> & refunds');
    expect(en.text).toContain('Last reviewed: ');
    expect(en.text).toContain('Review report: https://escalon.example/reports/paths/p1');
    expect(en.html).toContain('Open the review report');
    expect(() => renderNotification('escalation_path.review_due', 'en', { recipient: base.recipient, ticket: base.ticket })).toThrow(/needs path/);
  });

  it.each(NOTIFICATION_EVENTS.filter((e) => !INCIDENT_NOTIFICATION_EVENTS.includes(e) && e !== 'escalation_path.review_due').flatMap((e) => (['en', 'ja'] as const).map((l) => [e, l] as const)))(
    '%s in %s: subject on one line with the ticket number, text and html both carry the facts',
    (event: NotificationEvent, locale) => {
      const out = renderNotification(event, locale, data);
      expect(out.subject).toMatch(/^\[#1042\] /);
      expect(out.subject).not.toMatch(/\n|{{|}}/);
      expect(out.text).not.toMatch(/{{|}}|\n{3,}/);
      expect(out.html).toMatch(new RegExp(`^<!doctype html>\\n<html lang="${locale}">`));
      expect(out.html).toContain(
        `<title>${out.subject.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</title>`,
      );
      // Text is not escaped; HTML is.
      expect(out.text).toContain('Invoice <double> charge & refund');
      expect(out.html).toContain('Invoice &lt;double&gt; charge &amp; refund');
      expect(out.html).not.toContain('<double>');
      if (event.startsWith('escalation.')) {
        expect(out.text).toContain('Approve the refund <today>');
        expect(out.html).toContain('Approve the refund &lt;today&gt;');
      }
      if (event === 'digest') expect(out.text.match(/^- /gm)).toHaveLength(3);
      expect(out.text).toContain('https://escalon.example/settings/notifications');
    },
  );

  it('English request: conclusion first, due time in the recipient zone', () => {
    const out = renderNotification('escalation.requested', 'en', {
      ...data,
      recipient: { name: 'Bob', timeZone: 'America/New_York' },
    });
    expect(out.subject).toBe('[#1042] Escalation requested: Invoice <double> charge & refund');
    expect(out.text.split('\n').slice(0, 6)).toEqual([
      'Action needed:',
      'Approve the refund <today>',
      '',
      'Customer temperature: 🔴 Angry',
      'Acknowledge by: Mon, Jan 5, 2026, 4:30 AM EST',
      'Ticket: #1042 Invoice <double> charge & refund',
    ]);
    expect(out.html.indexOf('Approve the refund')).toBeLessThan(out.html.indexOf('Customer temperature'));
    expect(out.html).toContain(
      'href="https://escalon.example/escalations/esc_1/acknowledge?t&#x3D;a&amp;u&#x3D;b"',
    );
  });

  it('Japanese request and SLA breach read naturally in Tokyo time', () => {
    const req = renderNotification('escalation.requested', 'ja-JP', data);
    expect(req.subject).toBe('[#1042] エスカレーション依頼: Invoice <double> charge & refund');
    expect(req.text).toContain('温度感: 🔴 激怒\n受付期限: 2026年1月5日(月) 18:30 JST');
    const breach = renderNotification('sla.breached', 'ja', data);
    expect(breach.subject).toBe(
      '[#1042] 【SLA違反】初回応答の期限を超過しました: Invoice <double> charge & refund',
    );
    expect(breach.text).toContain(
      'このチケットの初回応答の期限（2026年1月5日(月) 18:30 JST）を超過しました。',
    );
  });

  it('returned and acknowledged name the actor; digest lists grouped events with times', () => {
    expect(renderNotification('escalation.returned', 'en', data).text).toMatch(
      /^Mika returned your escalation\.\nReason: Missing invoice number\n/,
    );
    expect(renderNotification('escalation.acknowledged', 'ja', data).subject).toBe(
      '[#1042] Mika さんがエスカレーションを受け付けました: Invoice <double> charge & refund',
    );
    const digest = renderNotification('digest', 'en', data);
    expect(digest.subject).toBe('[#1042] 3 updates: Invoice <double> charge & refund');
    expect(digest.text).toContain(
      '- Mon, Jan 5, 2026, 5:30 PM GMT+9  Escalation requested (Ken): Approve the refund\n',
    );
    expect(renderNotification('digest', 'ja', data).text).toContain('  リマインド\n');
  });

  it('defaults to English for other locales and leaves optional facts out cleanly', () => {
    const { escalation } = data;
    const out = renderNotification('escalation.requested', 'fr', {
      recipient: data.recipient,
      ticket: data.ticket,
      escalation: { id: 'e', ask: 'Decide', temperature: 'calm', url: escalation!.url },
    });
    expect(out.text).toContain('Acknowledge by: no deadline\nTicket:');
    expect(out.text).not.toMatch(/Level:|Escalated by:|Acknowledge: /);
  });

  it('uses edited templates when given, and refuses data the event needs', () => {
    const out = renderNotification('sla.warning', 'en', data, {
      subject: 'SLA {{sla.clockText}} for #{{ticket.number}}',
    });
    expect(out.subject).toBe('SLA first response for #1042');
    expect(out.text).toBe(renderNotification('sla.warning', 'en', data).text);
    expect(() =>
      renderNotification('sla.warning', 'en', { recipient: data.recipient, ticket: data.ticket }),
    ).toThrow(AppError);
    expect(() => renderNotification('digest', 'en', { ...data, items: [] })).toThrow(/needs items/);
  });

  it.each(INCIDENT_NOTIFICATION_EVENTS.flatMap((e) => (['en', 'ja'] as const).map((l) => [e, l] as const)))(
    '%s in %s: led by the severity and the incident title, its facts in the reader\'s language, HTML escaped',
    (event: NotificationEvent, locale) => {
      const incident = { id: 'i1', title: 'Login <outage> & more', severity: 'SEV1', url: 'https://escalon.example/incidents/i1', state: 'identified', body: locale === 'ja' ? '証明書切れ <b>' : 'Expired cert <b>', nextUpdateAtMs: Date.UTC(2026, 0, 5, 1, 30), role: 'communications_lead', personName: 'Sato', dueAtMs: Date.UTC(2026, 0, 5, 4), escalated: true };
      const out = renderNotification(event, locale, { recipient: data.recipient, ticket: { number: '-', subject: '', url: 'https://escalon.example' }, incident, actorName: 'Kato' });
      expect(out.subject).toMatch(locale === 'ja' ? /^【SEV1】/ : /^\[SEV1\] /);
      expect(out.subject).toContain('Login <outage> & more');
      expect(out.text).not.toMatch(/{{|}}|\n{3,}/);
      expect(out.html).toContain('Login &lt;outage&gt; &amp; more');
      expect(out.html).toContain('href="https://escalon.example/incidents/i1"');
      if (event === 'incident.update_posted') {
        expect(out.text).toContain(incident.body);
        expect(out.text).toContain(locale === 'ja' ? '原因特定' : 'Identified');
        expect(out.text).toContain(locale === 'ja' ? '次回の更新予定' : 'Next update by');
        expect(out.html).toContain(locale === 'ja' ? '証明書切れ &lt;b&gt;' : 'Expired cert &lt;b&gt;');
      }
      if (event === 'incident.role_changed') expect(out.subject).toContain(locale === 'ja' ? '広報担当: Sato' : 'communications lead: Sato');
      expect(() => renderNotification(event, locale, { recipient: data.recipient, ticket: data.ticket })).toThrow(/needs incident/);
    },
  );

  it('every shipped template compiles under the same rules administrators get', () => {
    for (const event of NOTIFICATION_EVENTS) {
      for (const set of Object.values(defaultTemplates[event])) {
        expect(() => compileTemplate(set.subject, 'text')).not.toThrow();
        expect(() => compileTemplate(set.text, 'text')).not.toThrow();
        expect(() => compileTemplate(set.html, 'html')).not.toThrow();
      }
    }
  });
});
