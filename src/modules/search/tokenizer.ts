/**
 * Escalon's own tokenizer, used for both indexing and queries (pure, no I/O). Neither
 * database's stock tokenizers find two-character Japanese words (pg_trgm and FTS5's trigram
 * need three characters), so text is cut here and the databases index the result as opaque
 * words:
 * - NFKC normalisation and case folding (ｶﾅ = カナ, ＥＵＣ = EUC = euc);
 * - runs of Han, Hiragana and Katakana (with ー and 々) become overlapping bigrams, so 期限
 *   finds 期限切れ; a one-character run is that character;
 * - Latin letters and digits form words, split on punctuation; an e-mail address is kept
 *   whole as well as in parts, and a ticket number (#1042) is the word 1042.
 * Tokens are encoded (`encodeToken`) to plain [a-z0-9] words that both FTS5 and PostgreSQL's
 * `simple` configuration keep exactly as one lexeme.
 *
 * Change TOKENIZER_VERSION whenever the output for some text changes: the index records the
 * version it was built with and `escalon search reindex` rebuilds it.
 */
export const TOKENIZER_VERSION = 1;

/** Words longer than this are cut (PostgreSQL refuses lexemes over 2 kB; nobody searches them). */
export const MAX_WORD_LENGTH = 64;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆〇ヶ]/u;
const WORD = /[\p{L}\p{N}]/u;
const EMAIL = /^[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u;

/** NFKC and case folding: the form every comparison works on. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFKC');
}

export interface Segment {
  kind: 'cjk' | 'word';
  text: string;
}

/** Normalised text cut into CJK runs and words (everything else separates). */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  const chars = Array.from(normalise(text));
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (CJK.test(c)) {
      let j = i;
      while (j < chars.length && CJK.test(chars[j]!)) j++;
      out.push({ kind: 'cjk', text: chars.slice(i, j).join('') });
      i = j;
    } else if (WORD.test(c) || c === '@') {
      // A chunk without spaces or CJK: an address stays whole, its parts are words too.
      let j = i;
      while (j < chars.length && !CJK.test(chars[j]!) && /[\p{L}\p{N}\p{M}._%+@-]/u.test(chars[j]!)) j++;
      const chunk = chars.slice(i, j).join('').replace(/[._%+-]+$/u, '');
      if (EMAIL.test(chunk)) out.push({ kind: 'word', text: chunk.slice(0, MAX_WORD_LENGTH * 4) });
      for (const w of chunk.split(/[^\p{L}\p{N}\p{M}]+/u)) if (w) out.push({ kind: 'word', text: w.slice(0, MAX_WORD_LENGTH) });
      i = Math.max(j, i + 1);
    } else i++;
  }
  return out;
}

/** Overlapping bigrams of a CJK run (the run itself when it is one character). */
export function bigrams(run: string): string[] {
  const c = Array.from(run);
  if (c.length < 2) return c.length ? [c[0]!] : [];
  const out: string[] = [];
  for (let i = 0; i + 1 < c.length; i++) out.push(c[i]! + c[i + 1]!);
  return out;
}

/** The tokens of a text to index, in order (duplicates kept: ranking counts them). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const s of segments(text)) {
    if (s.kind === 'cjk') out.push(...bigrams(s.text));
    else out.push(s.text);
  }
  return out;
}

/**
 * A token as a plain lower-case ASCII word. ASCII words not starting with `x` stay as they are
 * (readable, compact); any other token becomes `x` + its code points in fixed-width base 36,
 * so no two tokens share a form and no database tokenizer splits or drops one.
 */
export function encodeToken(token: string): string {
  if (/^[a-wyz0-9][a-z0-9]*$/.test(token)) return token;
  let out = 'x';
  for (const ch of token) out += ch.codePointAt(0)!.toString(36).padStart(4, '0');
  return out;
}

/** The index form of a text: encoded tokens joined by spaces. */
export function indexText(text: string): string {
  return tokenize(text).map(encodeToken).join(' ');
}

/** One condition of a query: all `tokens` in a row (a phrase) when `phrase`, else all of them anywhere. */
export interface QueryTerm {
  tokens: string[];
  phrase: boolean;
  exclude: boolean;
}

export interface ParsedQuery {
  terms: QueryTerm[];
  /** The normalised query is one character (a CJK character or a letter): search by scanning. */
  singleChar: string | null;
  /** Normalised words and runs to highlight in snippets. */
  highlights: string[];
}

/**
 * Parses a search box query: words and CJK runs are ANDed (a CJK run of n characters needs all
 * its bigrams), "quoted text" must appear as a phrase, -word excludes.
 */
export function parseQuery(q: string): ParsedQuery {
  const terms: QueryTerm[] = [];
  const highlights: string[] = [];
  const re = /(-?)"([^"]*)"?|(-?)(\S+)/gu;
  for (const m of q.normalize('NFKC').matchAll(re)) {
    const exclude = (m[1] ?? m[3]) === '-';
    const quoted = m[2] !== undefined;
    const raw = quoted ? m[2]! : m[4]!;
    const segs = segments(raw);
    if (segs.length === 0) continue;
    if (quoted) {
      const tokens = segs.flatMap((s) => (s.kind === 'cjk' ? bigrams(s.text) : [s.text]));
      terms.push({ tokens, phrase: tokens.length > 1, exclude });
    } else {
      for (const s of segs) terms.push({ tokens: s.kind === 'cjk' ? bigrams(s.text) : [s.text], phrase: false, exclude });
    }
    if (!exclude) highlights.push(...segs.map((s) => s.text));
  }
  const positive = terms.filter((t) => !t.exclude);
  const only = positive.length === 1 && positive[0]!.tokens.length === 1 ? positive[0]!.tokens[0]! : null;
  const singleChar = only !== null && Array.from(only).length === 1 ? only : null;
  return { terms, singleChar, highlights: [...new Set(highlights)] };
}

/** A match in a text: [start, end) in UTF-16 code units of the original text. */
export type Range = [number, number];

/**
 * Where the highlight words occur in `text`, compared in normalised form. Normalisation can
 * change lengths (ｶﾞ → ガ), so each original character is mapped to its normalised span.
 */
export function matchRanges(text: string, highlights: readonly string[]): Range[] {
  if (highlights.length === 0 || text === '') return [];
  let norm = '';
  const startOf: number[] = []; // normalised offset → start of its original character
  const endOf: number[] = []; // normalised offset → end of its original character
  let o = 0;
  for (const ch of text) {
    const n = normalise(ch);
    for (let k = 0; k < n.length; k++) {
      startOf.push(o);
      endOf.push(o + ch.length);
    }
    norm += n;
    o += ch.length;
  }
  const endAt = (ni: number) => endOf[ni - 1] ?? text.length;
  const ranges: Range[] = [];
  for (const h of highlights) {
    if (!h) continue;
    let from = 0;
    for (;;) {
      const at = norm.indexOf(h, from);
      if (at < 0) break;
      ranges.push([startOf[at]!, endAt(at + h.length)]);
      from = at + h.length;
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/**
 * A window of `text` around its first match (about `width` characters), with the match ranges
 * relative to the window. No markup: the console highlights.
 */
export function snippet(text: string, highlights: readonly string[], width = 160): { text: string; ranges: Range[] } {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const all = matchRanges(flat, highlights);
  if (flat.length <= width) return { text: flat, ranges: all };
  const first = all[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(width / 4));
  // never cut a surrogate pair
  if (start > 0 && /[\uDC00-\uDFFF]/.test(flat[start]!)) start--;
  let end = Math.min(flat.length, start + width);
  if (end < flat.length && /[\uDC00-\uDFFF]/.test(flat[end]!)) end++;
  const prefix = start > 0 ? '…' : '';
  const suffix = end < flat.length ? '…' : '';
  const ranges = all
    .filter(([s, e]) => e > start && s < end)
    .map(([s, e]): Range => [Math.max(s, start) - start + prefix.length, Math.min(e, end) - start + prefix.length]);
  return { text: prefix + flat.slice(start, end) + suffix, ranges };
}
