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
  bodyFormat: 'text',
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

  it('describes escalation, SLA, call and bounce events in both languages', () => {
    const en = createI18n('en').t;
    const ja = createI18n('ja').t;
    const when = (iso: string | null | undefined) => (iso ? 'at 10:00' : '');
    expect(describeEvent(ev('escalation.acknowledged', { userId: 'u2', levelIndex: 0 }), en, names, when)).toBe('Emily Clark acknowledged the escalation.');
    expect(describeEvent(ev('escalation.acknowledged', { userId: 'u2', levelIndex: 0 }), ja, names, when)).toBe('Emily Clark がエスカレーションを受領しました。');
    expect(describeEvent(ev('escalation.returned', { userId: 'u2', reason: 'missing_information', text: 'ログを添付してください' }), en, names, when)).toBe('Emily Clark returned the escalation: information missing — ログを添付してください.');
    expect(describeEvent(ev('escalation.advanced', { fromLevel: 0, toLevel: 1, reason: 'timeout', automatic: true }), en, names, when)).toBe('The escalation moved from level 1 to level 2 (nobody acknowledged in time).');
    expect(describeEvent(ev('sla.breached', { clockKind: 'first_response', dueAt: '2026-01-01T01:00:00.000Z' }), ja, names, when)).toBe('SLA 違反: 初回応答の期限 at 10:00 を過ぎました。');
    expect(describeEvent(ev('sla.warning', { clockKind: 'resolution', dueAt: '2026-01-01T01:00:00.000Z' }), en, names, when)).toBe('SLA warning: Resolution is due at 10:00.');
    expect(describeEvent(ev('sla.warning_skipped', { clockKind: 'resolution', dueAt: '2026-01-01T01:00:00.000Z' }), en, names, when)).toBe('SLA warning not sent: Resolution was already past due (due at 10:00).');
    expect(describeEvent(ev('sla.warning_skipped', { clockKind: 'resolution', dueAt: '2026-01-01T01:00:00.000Z' }), ja, names, when)).toMatch(/^SLA 警告は送信しませんでした: .+の期限 at 10:00 を既に過ぎていました。$/);
    expect(describeEvent(ev('call.logged', { direction: 'inbound', durationSeconds: 125 }), en, names, when)).toBe('田中 一郎 logged an incoming call (2m 5s).');
    expect(describeEvent(ev('email.bounced', { recipient: 'a@example.jp' }), ja, names, when)).toBe('a@example.jp 宛てのメールが届きませんでした。');
    expect(describeEvent(ev('sla.reapplied', { cause: 'fields', fields: ['priority', 'teamId'], to: { policyName: 'VIP' } }), ja, names, when)).toBe('優先度、チームが変わったため SLA ポリシーを選び直しました（VIP）。経過時間は引き継いでいます。');
    expect(describeEvent(ev('sla.reapplied', { cause: 'fields', fields: ['priority'], to: { policyName: 'VIP' } }), en, names, when)).toBe('SLA policy chosen again (VIP) because the priority changed; time already used is kept.');
    expect(describeEvent({ ...ev('escalation.message', { escalationId: 'x', messageKind: 'question' }), body: 'カードで支払いましたか？' }, ja, names, when)).toBe('田中 一郎 がエスカレーションについて質問しました: カードで支払いましたか？');
    expect(describeEvent({ ...ev('escalation.message', { escalationId: 'x', messageKind: 'info' }), body: 'INV-1042 <b>' }, en, names, when)).toBe('田中 一郎 added information to the escalation: INV-1042 <b>.');
    expect(describeEvent(ev('attachment.added', { attachmentId: 'a', filename: 'restart-steps.txt' }), ja, names, when)).toBe('田中 一郎 がファイル「restart-steps.txt」を添付しました。');
    for (const kind of ['escalation.requested', 'escalation.resolved', 'escalation.cancelled', 'escalation.reminder', 'escalation.fallback', 'sla.reapplied']) {
      expect(describeEvent(ev(kind, {}), ja, names, when), kind).not.toContain(kind);
    }
  });
});

describe('server facts in the reader\'s language', () => {
  const en = createI18n('en').t;
  const ja = createI18n('ja').t;
  const auto = { trigger: 'auto', pathName: '請求エスカレーション', pathId: 'p1', levelIndex: 0, origin: { code: 'auto', path: '請求エスカレーション', facts: [{ code: 'category', values: ['billing'] }, { code: 'priority', values: ['urgent'] }] } };

  it('describes held (unverified) replies and the agent\'s decision in both languages', () => {
    const en = createI18n('en').t;
    const ja = createI18n('ja').t;
    const held = ev('email.held', { inboundId: 'i1', from: { address: 'kaori@aozora.example' } });
    expect(describeEvent(held, en, names)).toBe('A reply from kaori@aozora.example was held: its sender could not be verified.');
    expect(describeEvent(held, ja, names)).toBe('kaori@aozora.example からの返信を保留しました（送信者を確認できません）。');
    expect(describeEvent(ev('email.held_accepted', { inboundId: 'i1' }), en, names)).toBe('田中 一郎 accepted an unverified reply as the customer’s message.');
    expect(describeEvent(ev('email.held_rejected', { inboundId: 'i1' }), ja, names)).toBe('田中 一郎 が未確認の返信を却下しました。');
  });

  it('renders an automatic escalation reason from its facts, not an English sentence', () => {
    expect(describeEvent(ev('escalation.requested', auto), ja, names)).toContain('経路「請求エスカレーション」による自動エスカレーション: カテゴリ = billing、優先度 = 緊急');
    expect(describeEvent(ev('escalation.requested', auto), en, names)).toContain('Automatic escalation by path "請求エスカレーション": category = billing; priority = Urgent');
  });

  it('renders direct escalations, SLA origins and the ping-pong history', () => {
    expect(describeEvent(ev('escalation.requested', { pathName: 'Billing', pathId: '', origin: { code: 'direct', to: 'my_supervisor' } }), ja, names)).toContain('上長への直接エスカレーション');
    expect(describeEvent(ev('escalation.requested', { pathName: 'VIP', pathId: 'p', origin: { code: 'sla', path: 'VIP', clockKind: 'first_response', event: 'breach' } }), ja, names)).toContain('SLA（初回応答）の期限超過');
    const pp = describeEvent(ev('escalation.ping_pong_detected', { transfers: 4, bounces: 2, chain: ['Support', 'Billing', 'Support'] }), ja, names);
    expect(pp).toContain('移管の経緯: Support → Billing → Support（移管 4 回、差し戻し 2 回）');
  });

  it('keeps rows written before facts existed readable as they are', () => {
    const old = describeEvent(ev('escalation.requested', { pathName: 'Direct escalation', pathId: '' }), ja, names);
    expect(old).toContain('Direct escalation');
    expect(old).not.toContain('undefined');
  });

  it('names the failed recipients, the status and a bouncing address of a bounce, in ja and en', () => {
    const en = createI18n('en').t;
    const ja = createI18n('ja').t;
    const hard = { recipient: 'gone@example.jp', status: '5.1.1', failures: [{ recipient: 'gone@example.jp', status: '5.1.1', hard: true }], bouncingCustomerIds: ['c1'] };
    expect(describeEvent(ev('email.bounced', hard), en, names)).toBe('An email to gone@example.jp could not be delivered (5.1.1). The customer’s address is marked as bouncing: automatic mail to it has stopped.');
    expect(describeEvent(ev('email.bounced', hard), ja, names)).toBe('gone@example.jp 宛てのメールが届きませんでした（5.1.1）。お客様のアドレスを不達として記録し、自動メールを停止しました。');
    const many = { recipient: 'a@example.jp', status: '4.4.7', failures: [{ recipient: 'a@example.jp', status: '4.4.7' }, { recipient: 'b@example.jp', status: '5.2.2' }], bouncingCustomerIds: [] };
    expect(describeEvent(ev('email.bounced', many), en, names)).toBe('An email could not be delivered to 2 recipients: a@example.jp (4.4.7), b@example.jp (5.2.2).');
    expect(describeEvent(ev('email.bounced', many), ja, names)).toBe('2 件の宛先にメールが届きませんでした: a@example.jp (4.4.7)、b@example.jp (5.2.2)。');
  });
});
