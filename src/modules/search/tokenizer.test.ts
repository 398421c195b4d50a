import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeToken, indexText, matchRanges, normalise, parseQuery, snippet, tokenize, type ParsedQuery } from './tokenizer.js';

/** What the databases do with an index text and a parsed query, in memory. */
function matches(text: string, q: ParsedQuery): boolean {
  const toks = tokenize(text);
  const set = new Set(toks);
  const holds = (t: ParsedQuery['terms'][number]) => {
    if (!t.phrase) return t.tokens.every((x) => set.has(x));
    for (let i = 0; i + t.tokens.length <= toks.length; i++) if (t.tokens.every((x, k) => toks[i + k] === x)) return true;
    return false;
  };
  return q.terms.every((t) => (t.exclude ? !holds(t) : holds(t)));
}

describe('tokenize', () => {
  it('cuts CJK runs into overlapping bigrams and Latin into words', () => {
    expect(tokenize('期限切れ')).toEqual(['期限', '限切', '切れ']);
    expect(tokenize('障害')).toEqual(['障害']);
    expect(tokenize('円')).toEqual(['円']);
    expect(tokenize('Server down, ERROR-42!')).toEqual(['server', 'down', 'error', '42']);
    expect(tokenize('ログイン障害が発生')).toContain('障害');
  });
  it('folds width and case (NFKC)', () => {
    expect(tokenize('ｶﾅ')).toEqual(tokenize('カナ'));
    expect(tokenize('ＥＵＣ')).toEqual(['euc']);
    expect(tokenize('EUC')).toEqual(['euc']);
    expect(tokenize('ｻｰﾊﾞｰ')).toEqual(['サー', 'ーバ', 'バー']);
  });
  it('keeps e-mail addresses whole and in parts, and ticket numbers', () => {
    expect(tokenize('Mail Taro.Y@Example.co.jp please')).toEqual(['mail', 'taro.y@example.co.jp', 'taro', 'y', 'example', 'co', 'jp', 'please']);
    expect(tokenize('see #1042.')).toEqual(['see', '1042']);
    expect(tokenize('見積#1042について')).toEqual(['見積', '1042', 'につ', 'つい', 'いて']);
  });
  it('NFKC-equal strings tokenize equally', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(tokenize(s)).toEqual(tokenize(s.normalize('NFKC')));
        expect(tokenize(s.normalize('NFKD'))).toEqual(tokenize(s.normalize('NFKC')));
      }),
    );
  });
  it('every substring of length >= 2 of an indexed CJK text is found', () => {
    const kana = fc.constantFrom(...'期限切れ障害請求書交換機筐体ランプ点灯ｶﾅカナひらがな漢字ー々'.split(''));
    fc.assert(
      fc.property(fc.array(kana, { minLength: 2, maxLength: 30 }), fc.nat(), fc.nat(), (chars, a, b) => {
        const text = chars.join('');
        const cs = Array.from(normalise(text));
        const from = a % (cs.length - 1);
        const len = 2 + (b % (cs.length - from - 1));
        const sub = cs.slice(from, from + len).join('');
        expect(matches(text, parseQuery(sub))).toBe(true);
        expect(matches(text, parseQuery(`"${sub}"`))).toBe(true);
      }),
    );
  });
});

describe('encodeToken', () => {
  it('gives plain ASCII words and is one-to-one', () => {
    expect(encodeToken('server')).toBe('server');
    expect(encodeToken('1042')).toBe('1042');
    expect(encodeToken('xml')).not.toBe('xml');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }), (a, b) => {
        const ea = encodeToken(a);
        expect(ea).toMatch(/^[a-z0-9]+$/);
        if (a !== b) expect(ea).not.toBe(encodeToken(b));
      }),
    );
  });
  it('index text is space-joined encoded tokens', () => {
    expect(indexText('障害 server')).toBe(`${encodeToken('障害')} server`);
  });
});

describe('parseQuery', () => {
  it('ANDs the bigrams of a run, keeps phrases, excludes -words', () => {
    expect(parseQuery('期限切れ').terms).toEqual([{ tokens: ['期限', '限切', '切れ'], phrase: false, exclude: false }]);
    expect(parseQuery('"disk full" -printer').terms).toEqual([
      { tokens: ['disk', 'full'], phrase: true, exclude: false },
      { tokens: ['printer'], phrase: false, exclude: true },
    ]);
    expect(parseQuery('障').singleChar).toBe('障');
    expect(parseQuery('a').singleChar).toBe('a');
    expect(parseQuery('障害').singleChar).toBeNull();
  });
  it('finds 期限切れ with 期限, not 切限', () => {
    expect(matches('契約の期限切れです', parseQuery('期限'))).toBe(true);
    expect(matches('契約の期限切れです', parseQuery('切限'))).toBe(false);
    expect(matches('disk full on printer', parseQuery('"disk full" -printer'))).toBe(false);
    expect(matches('disk is full', parseQuery('"disk full"'))).toBe(false);
  });
});

describe('snippets', () => {
  it('gives match ranges in the original text', () => {
    expect(matchRanges('ｶﾅ入力とカナ', ['カナ'])).toEqual([
      [0, 2],
      [5, 7],
    ]);
    expect(matchRanges('EUC-JP / ＥＵＣ', ['euc'])).toEqual([
      [0, 3],
      [9, 12],
    ]);
    const long = 'あ'.repeat(300) + '障害' + 'い'.repeat(300);
    const s = snippet(long, ['障害']);
    expect(s.text.length).toBeLessThan(170);
    const [r] = s.ranges;
    expect(s.text.slice(r![0], r![1])).toBe('障害');
  });
});
