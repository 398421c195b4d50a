import { describe, expect, it } from 'vitest';
import { agentEn } from './agent.en.js';
import { agentJa } from './agent.ja.js';
import { adminEn } from './admin.en.js';
import { adminJa } from './admin.ja.js';
import { en } from './en.js';
import { ja } from './ja.js';
import { createI18n } from './index.js';

/** Every leaf key path of a nested message object, e.g. "queues.mine". */
function keysOf(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keysOf(v as object, `${prefix}${k}.`)));
}

/** {{placeholders}} used in one message. */
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

function leaf(obj: object, path: string): string {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as string;
}

describe('console messages', () => {
  it('never places the lists of the split admin pages "on the left": beside the hands panel at 1366 px they stack above the editor', () => {
    const said = (o: object) => keysOf(o).filter((k) => /on the left|左の一覧/.test(leaf(o, k)));
    expect([...said(ja), ...said(en), ...said(adminJa), ...said(adminEn)]).toEqual([]);
  });
  it('writes the escalate dialog\'s impact choices in sentence case, like its other choices (they begin a line on the escalation page)', () => {
    expect(Object.values(agentEn.escalate.scope).filter((v) => v.charAt(0) !== v.charAt(0).toUpperCase())).toEqual([]);
  });
  it('has exactly the same keys in Japanese and English', () => {
    const jaKeys = keysOf(ja).sort();
    const enKeys = keysOf(en).sort();
    expect(jaKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !jaKeys.includes(k))).toEqual([]);
    expect(jaKeys.length).toBeGreaterThan(100);
  });

  it('uses the same placeholders in both languages and leaves no message empty', () => {
    for (const key of keysOf(en)) {
      expect(leaf(ja, key).trim(), key).not.toBe('');
      expect(placeholders(leaf(ja, key)), key).toEqual(placeholders(leaf(en, key)));
    }
  });

  it('translates and interpolates without escaping (React escapes when rendering)', () => {
    const i = createI18n('ja');
    expect(i.t('queues.mine')).toBe('自分の担当');
    expect(i.t('app.signedInAs', { name: '<b>x</b>' })).toBe('<b>x</b> としてサインイン中');
    const e = createI18n('en');
    expect(e.t('priority.urgent')).toBe('Urgent');
  });

  it('counts an article\'s uses in the singular and the plural ("Used 1 time", not "Used 1 times")', () => {
    const e = createI18n('en');
    expect([e.t('search.articles.uses', { count: 1 }), e.t('search.articles.uses', { count: 3 })]).toEqual(['Used 1 time', 'Used 3 times']);
    expect(createI18n('ja').t('search.articles.uses', { count: 1 })).toBe('1 回使用');
  });

  it('has the same keys and placeholders in the agent screens\' messages (agent.ja.ts / agent.en.ts)', () => {
    const jaKeys = keysOf(agentJa).sort();
    const enKeys = keysOf(agentEn).sort();
    expect(jaKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !jaKeys.includes(k))).toEqual([]);
    for (const key of enKeys) {
      expect(leaf(agentJa, key).trim(), key).not.toBe('');
      expect(placeholders(leaf(agentJa, key)), key).toEqual(placeholders(leaf(agentEn, key)));
    }
    // registered under 'agent.' without shadowing the shared messages
    expect(Object.keys(ja)).not.toContain('agent');
    expect(createI18n('ja').t('agent.sla.state.breached')).toBe('違反');
    expect(createI18n('en').t('agent.sla.state.breached')).toBe('Breached');
  });

  it('has the same administration keys and placeholders in Japanese and English (admin.{ja,en}.ts)', () => {
    const jaKeys = keysOf(adminJa).sort();
    const enKeys = keysOf(adminEn).sort();
    expect(jaKeys).toEqual(enKeys);
    for (const key of enKeys) {
      expect(leaf(adminJa, key).trim(), key).not.toBe('');
      expect(placeholders(leaf(adminJa, key)), key).toEqual(placeholders(leaf(adminEn, key)));
    }
    expect(createI18n('ja').t('admin2.section.paths')).toBe('エスカレーションパス');
  });
});

describe('privacy messages', () => {
  it('has the same keys and placeholders in Japanese and English', async () => {
    const { privacyEn } = await import('./privacy.en.js');
    const { privacyJa } = await import('./privacy.ja.js');
    expect(Object.keys(privacyJa).sort()).toEqual(Object.keys(privacyEn).sort());
    for (const [k, v] of Object.entries(privacyEn)) {
      expect(privacyJa[k as keyof typeof privacyEn].trim(), k).not.toBe('');
      expect(placeholders(privacyJa[k as keyof typeof privacyEn]), k).toEqual(placeholders(v));
    }
    expect(createI18n('ja').t('privacy.erasedName')).toBe('消去されたお客様');
  });
});

describe('messages loaded by area (language.ts)', () => {
  it('the console\'s bundles together hold exactly the messages of index.ts, per language', async () => {
    const { bundles } = await import('./language.js');
    const { resources } = await import('./index.js');
    for (const lng of ['ja', 'en'] as const) {
      const merged: Record<string, unknown> = {};
      for (const b of Object.values(bundles)) {
        const { messages } = await b[lng]();
        for (const [k, v] of Object.entries(messages)) {
          // a bundle may add keys to a section another one has (core's nav.board, the admin area's admin2)
          merged[k] = typeof v === 'object' && typeof merged[k] === 'object' ? { ...(merged[k] as object), ...(v as object) } : v;
        }
      }
      expect(keysOf(merged).sort(), lng).toEqual(keysOf(resources[lng].translation).sort());
    }
  });
});
