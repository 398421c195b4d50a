import { describe, expect, it } from 'vitest';
import { ERASED_TEXT, replaceAddressInJson, erasedBrief, erasedEscalationState, needlesOf, retentionCutoff, scrubJson, withoutAddress } from './privacy.policy.js';

describe('retentionCutoff', () => {
  it('keeps forever at 0 days and counts back whole days otherwise', () => {
    expect(retentionCutoff(10 * 86_400_000, 0)).toBeNull();
    expect(retentionCutoff(10 * 86_400_000, 3)).toBe(7 * 86_400_000);
  });
});

describe('scrubJson', () => {
  const needles = needlesOf({ name: 'Taro Yamada', email: 'taro.y@example.jp', phone: '090-1234-5678' });

  it('keeps ids, instants and machine tokens so the timeline still says what happened', () => {
    const data = { attachmentId: '01a23625-3df5-7565-871e-04b606512b60', at: '2026-01-05T00:00:00.000Z', field: 'status', from: 'open', status: 'solved', size: 31, initial: true };
    expect(scrubJson(data, needles)).toEqual({ ...data, from: ERASED_TEXT });
  });

  it('erases free text, personal keys and tokens naming the customer, at any depth', () => {
    expect(scrubJson({ email: { from: { address: 'x', name: 'y' }, attachments: [{ filename: 'scan.png', contentType: 'image/png' }] }, note: 'taro', tag: 'yamada_vip', reason: 'Called at 9' }, needles)).toEqual({
      email: { from: { address: ERASED_TEXT, name: ERASED_TEXT }, attachments: [{ filename: ERASED_TEXT, contentType: ERASED_TEXT }] },
      note: ERASED_TEXT,
      tag: ERASED_TEXT,
      reason: ERASED_TEXT,
    });
  });

  it('keeps the names of configuration (SLA policy, path) unless they name the customer', () => {
    expect(scrubJson({ policyName: '標準 / Standard', to: { policyName: 'VIP Taro Yamada' } }, needles)).toEqual({ policyName: '標準 / Standard', to: { policyName: ERASED_TEXT } });
  });

  it('finds the customer by name words, address and local part', () => {
    expect(needlesOf({ name: 'Taro Yamada', email: 'Taro.Y@Example.JP', phone: null })).toEqual(['taro yamada', 'taro', 'yamada', 'taro.y@example.jp', 'taro.y']);
    expect(needlesOf({ name: '山田　太郎様', email: null, phone: null })).toEqual(['山田　太郎様', '太郎様']);
  });
});

describe('erased escalation text', () => {
  it('erases the brief and the answers but keeps what the engine reads', () => {
    const brief = erasedBrief({ category: 'billing', ask: 'refund', concern: 'c', tried: 't', environment: 'e', background: 'b', customerTemperature: 'angry', impact: { scope: 'single', revenueRisk: true, legalRisk: false, note: 'n' }, links: [{ url: 'https://x', label: 'x' }] });
    expect(brief).toMatchObject({ category: 'billing', ask: ERASED_TEXT, customerTemperature: 'angry', impact: { scope: 'single', revenueRisk: true, note: ERASED_TEXT }, links: [] });
    const state = erasedEscalationState({ status: 'resolved', levelIndex: 1, returned: { userId: 'u', reason: 'wrong_target', text: 'no' }, resolved: { userId: 'u', answer: 'yes' } });
    expect(state).toEqual({ status: 'resolved', levelIndex: 1, returned: { userId: 'u', reason: 'wrong_target', text: ERASED_TEXT }, resolved: { userId: 'u', answer: ERASED_TEXT } });
  });
});

describe('withoutAddress', () => {
  it('drops the address from a CC list whatever its case', () => {
    expect(withoutAddress('["a@x.jp","Taro.Y@example.jp"]', 'taro.y@example.jp')).toBe('["a@x.jp"]');
    expect(withoutAddress('not json', 'a@x.jp')).toBe('[]');
  });
});

describe('replaceAddressInJson', () => {
  it("replaces only the address in other people's data, whatever its case", () => {
    expect(replaceAddressInJson({ field: 'cc', from: [], to: ['colleague@example.org', 'Taro.Y@example.jp'], note: 'fwd from taro.y@example.jp.' }, 'taro.y@example.jp')).toEqual({
      field: 'cc',
      from: [],
      to: ['colleague@example.org', ERASED_TEXT],
      note: `fwd from ${ERASED_TEXT}.`,
    });
  });
});
