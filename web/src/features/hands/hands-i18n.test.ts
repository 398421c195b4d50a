import { describe, expect, it } from 'vitest';
import { handsEn } from '../../i18n/hands.en.js';
import { handsJa } from '../../i18n/hands.ja.js';
import { percentileOf } from './hands-figures.js';

const keysOf = (obj: object, prefix = ''): string[] => Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keysOf(v as object, `${prefix}${k}.`)));
const leaf = (obj: object, path: string) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as string;
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('raise a hand messages', () => {
  it('has the same keys and placeholders in Japanese and English, none empty', () => {
    expect(keysOf(handsJa).sort()).toEqual(keysOf(handsEn).sort());
    for (const k of keysOf(handsEn)) {
      expect(leaf(handsJa, k).trim(), k).not.toBe('');
      expect(placeholders(leaf(handsJa, k)), k).toEqual(placeholders(leaf(handsEn, k)));
    }
  });

  it('names every skip reason and outcome the server sends', () => {
    expect(Object.keys(handsEn.skip).sort()).toEqual(['at_capacity', 'away', 'busy', 'deactivated', 'not_available_for_hands', 'off', 'on_call', 'on_leave', 'operator', 'unknown']);
    expect(Object.keys(handsEn.outcome).sort()).toEqual(['answered', 'callback', 'cancelled', 'escalated', 'resolved_self']);
  });

  it('percentile by nearest rank', () => {
    expect(percentileOf([], 50)).toBeNull();
    expect(percentileOf([9, 1, 5], 50)).toBe(5);
  });
});

describe('ticket timeline entries of hands', () => {
  it('says them in the reader language and leaves other kinds alone', async () => {
    const { createI18n } = await import('../../i18n/index.js');
    const { describeHandEvent } = await import('./describe-hand-event.js');
    const ev = (kind: string, data: Record<string, unknown>) => ({ kind, data }) as never;
    const ja = createI18n('ja').t;
    const en = createI18n('en').t;
    expect(describeHandEvent(ev('hand.raised', { ask: '返金してよいか' }), ja, '田中', (x) => x ?? '')).toBe('田中 が手を上げました：返金してよいか');
    expect(describeHandEvent(ev('hand.callback_promised', { dueAt: '2026-12-02T10:00:00Z' }), en, 'Sato', () => '19:00')).toBe('Sato promised a call back by 19:00');
    expect(describeHandEvent(ev('ticket.created', {}), en, 'x', () => '')).toBeNull();
  });
});

describe('tier names', () => {
  it('says the built-in default names in the reader language and leaves typed names as typed', async () => {
    const { createI18n } = await import('../../i18n/index.js');
    const { tierLabel, defaultTierKey } = await import('./tier-name.js');
    const { DEFAULT_HANDS_CONFIG } = await import('../../../../src/modules/hands/hands.types.js');
    const ja = createI18n('ja').t;
    const en = createI18n('en').t;
    // Every tier of the server's default configuration has a console text (a renamed default would otherwise show in English).
    for (const tier of DEFAULT_HANDS_CONFIG.tiers) expect(defaultTierKey(tier.name), tier.name).not.toBeNull();
    expect(DEFAULT_HANDS_CONFIG.tiers.map((x) => tierLabel(x.name, ja))).toEqual(['チームリーダー', 'フロア', 'フロアマネージャー']);
    expect(DEFAULT_HANDS_CONFIG.tiers.map((x) => tierLabel(x.name, en))).toEqual(['Team leader', 'Floor', 'Floor manager']);
    expect(tierLabel('二次受付 SV', en)).toBe('二次受付 SV');
    expect(tierLabel('team leader', ja)).toBe('team leader');
    expect(ja('hands.card.tier', { index: 1, count: 3, name: tierLabel('Floor manager', ja) })).toBe('段階 1/3：フロアマネージャー');
  });
});
