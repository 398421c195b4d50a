import { describe, expect, it } from 'vitest';
import { answerReturned, articleFromAnswer, articleProblems, isReopen, looksJapanese, parseDateOrInstant, reviewFlags } from './knowledge.policy.js';

describe('knowledge policy', () => {
  it('reads a date or an instant; a day the month does not have is refused, not rolled over', () => {
    expect(parseDateOrInstant('2027-06-01')).toBe(Date.UTC(2027, 5, 1));
    expect(parseDateOrInstant('2027-06-01T09:30:00+09:00')).toBe(Date.UTC(2027, 5, 1, 0, 30));
    expect(parseDateOrInstant('2028-02-29')).toBe(Date.UTC(2028, 1, 29));
    expect(parseDateOrInstant('2027-02-31')).toBeNaN();
    expect(parseDateOrInstant('2027-02-29')).toBeNaN();
    expect(parseDateOrInstant('2027-04-31T00:00:00Z')).toBeNaN();
    expect(parseDateOrInstant('not a date')).toBeNaN();
  });
  it('flags at review, never-used ones too', () => {
    expect(reviewFlags({ reviewAt: null, useCount: 0 }, 10)).toEqual([]);
    expect(reviewFlags({ reviewAt: 11, useCount: 0 }, 10)).toEqual([]);
    expect(reviewFlags({ reviewAt: 10, useCount: 0 }, 10)).toEqual(['review_due', 'never_used']);
    expect(reviewFlags({ reviewAt: 5, useCount: 3 }, 10)).toEqual(['review_due']);
  });
  it('flags an article whose answer came back at once, whatever its review date', () => {
    expect(reviewFlags({ reviewAt: null, useCount: 2, answerReturned: true }, 10)).toEqual(['answer_returned']);
    expect(reviewFlags({ reviewAt: 10, useCount: 0, answerReturned: true }, 10)).toEqual(['review_due', 'never_used', 'answer_returned']);
    // a setback on the same ticket after the use; not before it, not on another ticket
    expect(answerReturned([{ ticketId: 't1', at: 5 }], [{ ticketId: 't1', at: 6 }])).toBe(true);
    expect(answerReturned([{ ticketId: 't1', at: 5 }], [{ ticketId: 't1', at: 4 }, { ticketId: 't2', at: 9 }])).toBe(false);
    expect(answerReturned([], [{ ticketId: 't1', at: 6 }])).toBe(false);
    expect(isReopen({ from: 'solved', to: 'open' })).toBe(true);
    expect(isReopen({ from: 'closed', to: 'new' })).toBe(true);
    expect(isReopen({ from: 'open', to: 'solved' })).toBe(false);
    expect(isReopen({ from: 'solved', to: 'closed' })).toBe(false);
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
