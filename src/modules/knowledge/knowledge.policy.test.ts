import { describe, expect, it } from 'vitest';
import { articleFromAnswer, articleProblems, looksJapanese, reviewFlags } from './knowledge.policy.js';

describe('knowledge policy', () => {
  it('flags at review, never-used ones too', () => {
    expect(reviewFlags({ reviewAt: null, useCount: 0 }, 10)).toEqual([]);
    expect(reviewFlags({ reviewAt: 11, useCount: 0 }, 10)).toEqual([]);
    expect(reviewFlags({ reviewAt: 10, useCount: 0 }, 10)).toEqual(['review_due', 'never_used']);
    expect(reviewFlags({ reviewAt: 5, useCount: 3 }, 10)).toEqual(['review_due']);
  });
  it('needs one whole language', () => {
    expect(articleProblems({ titleJa: '', bodyJa: '', titleEn: '', bodyEn: '' })).toHaveLength(1);
    expect(articleProblems({ titleJa: 'a', bodyJa: '', titleEn: '', bodyEn: '' })).toEqual([{ field: 'bodyJa', message: 'the Japanese version needs a body', code: 'version_body_required' }]);
    expect(articleProblems({ titleJa: '', bodyJa: '', titleEn: 'T', bodyEn: 'B' })).toEqual([]);
  });
  it('pre-fills an article from an answer in its language', () => {
    expect(looksJapanese('基板を交換してください reboot')).toBe(true);
    expect(looksJapanese('Replace the board')).toBe(false);
    const a = articleFromAnswer({ ask: 'ランプが赤く点滅する', concern: '電源が入らない', tried: '再起動', environment: '', category: 'hardware', answer: '基板を交換する', subject: 'x' });
    expect(a).toMatchObject({ titleJa: 'ランプが赤く点滅する', titleEn: '', category: 'hardware' });
    expect(a.bodyJa.startsWith('基板を交換する')).toBe(true);
    expect(a.bodyJa).toContain('【試したこと】\n再起動');
    const e = articleFromAnswer({ ask: '', concern: '', tried: '', environment: '', category: '', answer: 'Reset the router', subject: 'Router down' });
    expect(e).toEqual({ titleJa: '', bodyJa: '', titleEn: 'Router down', bodyEn: 'Reset the router', category: null });
  });
});
