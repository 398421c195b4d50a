import { describe, expect, it } from 'vitest';
import { renderFact, renderOrigin } from './origin.policy.js';

describe('origin in words', () => {
  it('renders automatic reasons in Japanese and English from the same facts', () => {
    const o = { code: 'auto' as const, path: '請求', facts: [{ code: 'priority' as const, values: ['urgent'] }, { code: 'keyword_subject' as const, values: ['返金'] }] };
    expect(renderOrigin(o, 'ja')).toBe('経路「請求」による自動エスカレーション: 優先度 = 緊急、件名にキーワード 「返金」');
    expect(renderOrigin(o, 'en')).toBe(`Automatic escalation by path "請求": priority = urgent; keyword '返金' in the subject`);
  });
  it('renders SLA, ping-pong and direct origins', () => {
    expect(renderOrigin({ code: 'sla', path: 'VIP', clockKind: 'first_response', event: 'breach' }, 'ja')).toBe('SLA（初回応答）の期限超過: 経路「VIP」で自動的にエスカレーションしました。');
    expect(renderOrigin({ code: 'pingpong', team: 'Billing', transfers: 4, limit: 3 }, 'ja')).toContain('4回移管');
    expect(renderOrigin({ code: 'direct', to: 'my_supervisor' }, 'en')).toBe('Direct escalation to the supervisor');
    expect(renderFact({ code: 'tags_all', values: ['vip', 'legal'] }, 'ja')).toBe('タグ 「vip」、「legal」 をすべて含む');
  });
});
