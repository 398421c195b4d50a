import { describe, expect, it } from 'vitest';
import { incidentsEn } from '../../i18n/incidents.en.js';
import { incidentsJa } from '../../i18n/incidents.ja.js';
import { countdown } from './incidents-api.js';

const keysOf = (obj: object, prefix = ''): string[] => Object.entries(obj).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keysOf(v as object, `${prefix}${k}.`)));
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const leaf = (o: object, path: string) => path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o) as string;

describe('incidents console', () => {
  it('has the same messages and placeholders in Japanese and English', () => {
    expect(keysOf(incidentsJa).sort()).toEqual(keysOf(incidentsEn).sort());
    for (const k of keysOf(incidentsEn)) expect(placeholders(leaf(incidentsJa, k)), k).toEqual(placeholders(leaf(incidentsEn, k)));
  });

  it('counts down to the next update and shows how late it is', () => {
    const now = Date.UTC(2026, 11, 2, 9, 0, 0);
    expect(countdown(new Date(now + 12 * 60_000 + 4_000).toISOString(), now)).toEqual({ text: '12:04', overdue: false });
    expect(countdown(new Date(now - 3 * 60_000 - 10_000).toISOString(), now)).toEqual({ text: '-03:10', overdue: true });
    expect(countdown(new Date(now + 90 * 60_000).toISOString(), now).text).toBe('1:30:00');
  });
});
