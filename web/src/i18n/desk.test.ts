import { describe, expect, it } from 'vitest';
import { deskEn } from './desk.en.js';
import { deskJa } from './desk.ja.js';
import { createI18n } from './index.js';

/** Leaf messages by path ('/'-joined: some field keys contain dots). */
function leaves(obj: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [p, s] of leaves(v as object, `${prefix}${k}/`)) out.set(p, s);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('desk messages (issue 15 §2)', () => {
  it('has the same keys and placeholders in Japanese and English, none empty', () => {
    const en = leaves(deskEn);
    const ja = leaves(deskJa);
    expect([...ja.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of en) {
      expect(ja.get(key)!.trim(), key).not.toBe('');
      expect(placeholders(ja.get(key)!), key).toEqual(placeholders(text));
    }
    expect(createI18n('ja').t('desk.call.inbound')).toBe('着信');
    expect(createI18n('en').t('desk.call.inbound')).toBe('Incoming');
  });
});
