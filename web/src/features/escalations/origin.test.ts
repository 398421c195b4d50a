import { describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n/index.js';
import { askOf, describeFact } from './origin.js';

describe('escalation origins in the reader\'s language', () => {
  const ja = createI18n('ja').t;
  const en = createI18n('en').t;
  const sla = { origin: { code: 'sla', path: 'VIP', clockKind: 'resolution', event: 'warning' }, brief: { ask: 'SLA（解決）の警告: …' } };

  it('says what the system wrote in the reader\'s language, what the agent wrote as written', () => {
    expect(askOf(sla, en)).toBe('SLA resolution warning: escalated automatically by path "VIP".');
    expect(askOf(sla, ja)).toBe('SLA（解決）の警告: 経路「VIP」で自動的にエスカレーションしました。');
    expect(askOf({ origin: { code: 'direct', to: 'team' }, brief: { ask: 'ログを確認してください' } }, en)).toBe('ログを確認してください');
    // Written before origins existed: shown as stored.
    expect(askOf({ origin: null, brief: { ask: 'Automatic escalation by path "X": category = y' } }, ja)).toBe('Automatic escalation by path "X": category = y');
  });

  it('labels match facts, quoting what the ticket said', () => {
    expect(describeFact({ code: 'keyword_body', values: ['返金'] }, ja)).toBe('本文にキーワード 「返金」');
    expect(describeFact({ code: 'channel', values: ['phone'] }, ja)).toBe('チャネル = 電話');
    expect(describeFact({ code: 'tags_all', values: ['vip', 'legal'] }, en)).toBe("all of the tags 'vip', 'legal'");
  });
});
