import { createRequire } from 'node:module';
import { Transform, type TransformCallback } from 'node:stream';
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';

/**
 * Charset decoding of inbound mail the way a careful Japanese mail client does it:
 * - Shift_JIS in every spelling is decoded as CP932 (Windows-31J), so the NEC and IBM extensions
 *   (①②③, Ⅰ, ㈱, 髙) and the carriers' emoji area decode instead of becoming stray bytes.
 * - ISO-2022-JP is decoded here rather than by the parser's default, which turns every character
 *   outside JIS X 0208 (carrier emoji, the user-defined rows) into "?": escapes are followed as
 *   ISO-2022-JP-MS / CP5022x define them (JIS X 0201 katakana, JIS X 0212, rows 0x75–0x7E as the
 *   user-defined area) and SoftBank's "webcode" emoji escapes (ESC $ G … SI) are read.
 * - Raw 8-bit header bytes (no RFC 2047) get their charset from the bytes: valid UTF-8 first,
 *   then encoding-japanese's detector (reliable between Shift_JIS and EUC-JP even on 2–4
 *   characters), checked against what a Japanese text may contain, with the charsets the message
 *   declares as a hint, and Windows-1252 when the bytes do not read as Japanese.
 * - Carrier emoji (docomo, au, SoftBank private-use code points, as UTF-8 or reached through the
 *   decoders above) become Unicode emoji, from the carrier columns of emoji-datasource (iamcal's
 *   emoji-data); a carrier code point that has no emoji becomes one 〓 (the geta mark Japanese
 *   phones show for an unknown emoji).
 */

export type Carrier = 'docomo' | 'au' | 'softbank';

const UTF8_COMPATIBLE = /^(?:(?:us-)?ascii|utf-?8|7bit|8bit|binary)$/i;
const SHIFT_JIS =
  /^(?:shift[-_]?jis|sjis|x-sjis|ms[-_]?kanji|cs-?shift-?jis|windows-31j|cp-?932|ms-?932|x-ms-cp932|sjis-(?:open|win))$/i;
const ISO_2022_JP = /^(?:iso-?2022-?jp(?:-\d|-ms)?|jis|cp5022[012]|csiso2022jp)$/i;
const EUC_JP = /^(?:euc-?jp(?:-ms)?|x-euc-jp|cseucpkdfmtjapanese|eucjp-?win|ujis)$/i;
/** Codecs that are not charsets a message is written in (UTF-7 smuggles markup past filters). */
const REFUSED = /^(?:(?:cs)?unicode11)?utf7(?:imap)?$|^base64$|^hex$/;

export function isJapaneseCharset(charset: string): boolean {
  const c = charset.trim();
  return SHIFT_JIS.test(c) || ISO_2022_JP.test(c) || EUC_JP.test(c);
}

/** Decodes bytes declared as `charset`; an unknown or refused charset is read as UTF-8. */
export function decodeBytes(bytes: Buffer, charset: string, carrier: Carrier | null = null): string {
  const c = charset.trim().replace(/^["']|["']$/g, '');
  if (c === '' || UTF8_COMPATIBLE.test(c)) return bytes.toString('utf8');
  if (SHIFT_JIS.test(c)) return decodeShiftJis(bytes, carrier);
  if (ISO_2022_JP.test(c)) return decodeIso2022Jp(bytes, carrier);
  if (EUC_JP.test(c)) return iconv.decode(bytes, 'euc-jp');
  const name = normaliseCharsetName(c);
  if (REFUSED.test(name.replace(/[^a-z0-9]/g, ''))) return bytes.toString('utf8');
  // The name as WHATWG resolves labels (what browsers and mailparser's libmime read: ISO-8859-1
  // is Windows-1252), decoded by iconv-lite (Node's TextDecoder reads windows-1252 as Latin-1).
  const resolved = whatwgEncoding(c.toLowerCase()) ?? whatwgEncoding(name) ?? name;
  try {
    if (iconv.encodingExists(resolved)) return iconv.decode(bytes, resolved);
    if (iconv.encodingExists(name)) return iconv.decode(bytes, name);
    return new TextDecoder(resolved).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function whatwgEncoding(label: string): string | null {
  try {
    const encoding = new TextDecoder(label).encoding;
    return encoding === 'replacement' ? null : encoding;
  } catch {
    return null;
  }
}

/** The usual misspellings of charset names (as libmime corrects them). */
function normaliseCharsetName(name: string): string {
  return name
    .toLowerCase()
    .replace(/^utf[-_]?(\d+)/, 'utf-$1')
    .replace(/^win(?:dows)?[-_]?(\d+)$/, 'windows-$1')
    .replace(/^(?:latin|iso[-_]?8859)[-_]?(\d+)$/, 'iso-8859-$1');
}

const ESC = 0x1b;
/** SoftBank webcode pages (ESC $ G x … SI) and the first private-use code point of each. */
const WEBCODE_PAGE: Record<string, number> = {
  G: 0xe000,
  E: 0xe100,
  F: 0xe200,
  O: 0xe300,
  P: 0xe400,
  Q: 0xe500,
};

/**
 * ISO-2022-JP (with the CP5022x and carrier extensions). JIS X 0208 pairs are turned into their
 * Shift_JIS bytes and decoded with CP932, so the NEC row 13 and the NEC-selected IBM rows decode
 * exactly as in Shift_JIS mail; rows 0x75–0x7E that CP932 does not define are the user-defined
 * area (U+E000 + 94 per row), where carriers put their emoji.
 */
export function decodeIso2022Jp(bytes: Buffer, carrier: Carrier | null = null): string {
  type Mode = 'ascii' | 'kana' | 'jis0208' | 'jis0212' | 'webcode';
  let mode = 'ascii' as Mode;
  let before = 'ascii' as Mode;
  let webcodeBase = 0;
  let out = '';
  // Bytes outside the two-byte sets (ASCII, line ends, 8-bit junk, katakana as Shift_JIS bytes)
  // are collected and decoded as Shift_JIS in one go.
  let single: number[] = [];
  const emit = (text: string): void => {
    if (single.length > 0) out += iconv.decode(Buffer.from(single), 'cp932');
    single = [];
    out += text;
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === ESC) {
      const seq = bytes.subarray(i + 1, i + 4).toString('latin1');
      const to = (next: Mode, length: number): void => {
        mode = next;
        i += length;
      };
      if (/^\([BJH]/.test(seq)) to('ascii', 2);
      else if (seq.startsWith('(I')) to('kana', 2);
      else if (/^\$[@B]/.test(seq)) to('jis0208', 2);
      else if (seq.startsWith('$(D')) to('jis0212', 3);
      else if (/^\$\([QOP]/.test(seq)) to('jis0208', 3);
      else if (seq.startsWith('&@'))
        i += 2; // JIS X 0208-1990 announcer; ESC $ B follows
      else if (seq[0] === '$' && seq[1] !== undefined && seq[1] in WEBCODE_PAGE) {
        if (mode !== 'webcode') before = mode;
        webcodeBase = WEBCODE_PAGE[seq[1]]!;
        to('webcode', 2);
      } else {
        // An escape this decoder does not know: one visible mark, the whole sequence skipped
        // (ISO 2022: intermediate bytes 0x20–0x2F, then one final byte).
        let j = i + 1;
        while (j < bytes.length && bytes[j]! >= 0x20 && bytes[j]! <= 0x2f) j++;
        if (j < bytes.length && bytes[j]! >= 0x30 && bytes[j]! <= 0x7e) j++;
        i = j - 1;
        emit('\uFFFD');
      }
      continue;
    }
    if (b === 0x0f || b === 0x0e) {
      // SI ends a webcode run; SO/SI are otherwise meaningless here.
      if (mode === 'webcode') mode = before;
      continue;
    }
    if (b === 0x0a || b === 0x0d) {
      // A line end resets to ASCII in practice (mailers forget the closing escape).
      if (mode !== 'ascii' && mode !== 'webcode') mode = 'ascii';
      single.push(b);
      continue;
    }
    if (mode === 'webcode') {
      if (b >= 0x21 && b <= 0x7e) emit(String.fromCharCode(webcodeBase + b - 0x20));
      else {
        mode = before;
        i--;
      }
      continue;
    }
    if (mode === 'kana') {
      single.push(b >= 0x21 && b <= 0x5f ? b + 0x80 : b);
      continue;
    }
    const b2 = bytes[i + 1];
    if (mode === 'ascii' || b < 0x21 || b > 0x7e || b2 === undefined || b2 < 0x21 || b2 > 0x7e) {
      // 8-bit bytes in "ISO-2022-JP" mail are nearly always Shift_JIS from a confused mailer.
      single.push(b);
      continue;
    }
    i++;
    if (mode === 'jis0212') emit(iconv.decode(Buffer.from([0x8f, b | 0x80, b2 | 0x80]), 'euc-jp'));
    else if (carrier === 'au' && b >= 0x75 && b <= 0x7c)
      emit(iconv.decode(auMailToWebSjis(Buffer.from(jisToSjis(b, b2))), 'cp932'));
    else if (carrier !== null && carrier !== 'au' && b >= 0x75 && b <= 0x7e)
      // docomo and SoftBank phones have no documented emoji layout in these rows (docomo's
      // Shift_JIS emoji, F89F–F9FC, lie beyond what rows 0x75–0x7E reach; SoftBank writes
      // webcode escapes): one 〓 rather than a guess that would be another carrier's picture.
      emit('〓');
    else emit(jisChar(b, b2));
  }
  emit('');
  return out;
}

const JIS_CHARS = new Map<number, string>();

/**
 * One JIS X 0208 character, through its Shift_JIS bytes and CP932 (cached: one decode per
 * distinct character). A pair CP932 does not define is one U+FFFD, except in rows 0x75–0x7E: the
 * user-defined area (U+E000 + 94 per row, as CP5022x maps it), where carriers put emoji.
 */
function jisChar(j1: number, j2: number): string {
  const key = (j1 << 8) | j2;
  let char = JIS_CHARS.get(key);
  if (char === undefined) {
    const decoded = iconv.decode(Buffer.from(jisToSjis(j1, j2)), 'cp932');
    const ok = [...decoded].length === 1 && decoded !== '\uFFFD';
    char = ok
      ? decoded
      : j1 >= 0x75
        ? String.fromCharCode(0xe000 + (j1 - 0x75) * 94 + (j2 - 0x21))
        : '\uFFFD';
    JIS_CHARS.set(key, char);
  }
  return char;
}

/**
 * au phones write their emoji in mail with Shift_JIS leads 0xEB–0xEE (JIS rows 0x75–0x7C in
 * ISO-2022-JP), where their web pages use 0xF6, 0xF7, 0xF3, 0xF4; au's own code points are the
 * CP932 reading of the web form (F659 → U+E481). Only used when the sender is an au address:
 * elsewhere 0xED/0xEE are NEC-selected IBM kanji.
 */
const AU_MAIL_LEAD: Record<number, number> = { 0xeb: 0xf6, 0xec: 0xf7, 0xed: 0xf3, 0xee: 0xf4 };

function auMailToWebSjis(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length - 1; i++) {
    const b = out[i]!;
    const isLead = (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc);
    if (!isLead) continue;
    const t = out[i + 1]!;
    if (AU_MAIL_LEAD[b] !== undefined && t >= 0x40 && t <= 0xfc && t !== 0x7f) out[i] = AU_MAIL_LEAD[b]!;
    i++;
  }
  return out;
}

/**
 * SoftBank's Shift_JIS emoji: lead 0xF9, 0xF7 or 0xFB; trail 0x41–0x9B (0x7F skipped) for the
 * first page of a lead, 0xA1–0xFA for the second; 90 code points per page, starting at U+xx01
 * (F941 → U+E001, F98B → U+E04A sun, F99B → U+E05A, F741 → U+E101, F747 → U+E107).
 */
const SOFTBANK_SJIS_PAGE: Record<number, [number, number]> = {
  0xf9: [0xe001, 0xe301],
  0xf7: [0xe101, 0xe201],
  0xfb: [0xe401, 0xe501],
};

/** A SoftBank Shift_JIS emoji pair → its private-use code point, or null. */
function softbankSjisEmoji(lead: number, trail: number): number | null {
  const page = SOFTBANK_SJIS_PAGE[lead];
  if (!page) return null;
  if (trail >= 0x41 && trail <= 0x9b && trail !== 0x7f)
    return page[0] + trail - 0x41 - (trail > 0x7f ? 1 : 0);
  if (trail >= 0xa1 && trail <= 0xfa) return page[1] + trail - 0xa1;
  return null;
}

/**
 * Shift_JIS read pair by pair: `pick` may replace a two-byte character; everything else is
 * decoded as CP932. The user-defined area F040–F9FC is always U+E000 + 188 per lead (as
 * Windows maps it): iconv-lite's CP932 table stops at F940 and would turn docomo's emoji
 * F941–F9FC into two U+FFFD each.
 */
function decodeSjisWith(bytes: Buffer, pick: (lead: number, trail: number) => string | null): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const isLead = (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc);
    if (!isLead || i + 1 >= bytes.length) continue;
    const t = bytes[i + 1]!;
    const userDefined = b >= 0xf0 && b <= 0xf9 && t >= 0x40 && t <= 0xfc && t !== 0x7f;
    const char =
      pick(b, t) ??
      (userDefined ? String.fromCharCode(0xe000 + (b - 0xf0) * 188 + t - 0x40 - (t > 0x7f ? 1 : 0)) : null);
    if (char !== null) {
      out += iconv.decode(bytes.subarray(from, i), 'cp932') + char;
      from = i + 2;
    }
    i++;
  }
  return out + iconv.decode(bytes.subarray(from), 'cp932');
}

/**
 * Shift_JIS as CP932; for au senders, their mail emoji area first moved to where CP932 reads it.
 * For SoftBank senders, SoftBank's own emoji layout, and any other user-defined pair is one 〓
 * (where CP932 puts it, another carrier has a different picture).
 */
function decodeShiftJis(bytes: Buffer, carrier: Carrier | null): string {
  if (carrier === 'softbank')
    return decodeSjisWith(bytes, (lead, trail) => {
      const emoji = softbankSjisEmoji(lead, trail);
      if (emoji !== null) return String.fromCharCode(emoji);
      return lead >= 0xf0 && lead <= 0xf9 && trail >= 0x40 && trail <= 0xfc && trail !== 0x7f ? '〓' : null;
    });
  return decodeSjisWith(carrier === 'au' ? auMailToWebSjis(bytes) : bytes, () => null);
}

function jisToSjis(j1: number, j2: number): [number, number] {
  const s1 = ((j1 + 1) >> 1) + (j1 <= 0x5e ? 0x70 : 0xb0);
  const s2 = j2 + (j1 & 1 ? (j2 < 0x60 ? 0x1f : 0x20) : 0x7e);
  return [s1, s2];
}

/**
 * A node-iconv-shaped stream for mailparser's `Iconv` option: bodies are decoded with
 * `decodeBytes` (the whole part at once; the raw message is in memory already).
 */
export class MailCharsetDecoder extends Transform {
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly charset: string,
    private readonly carrier: Carrier | null = null,
  ) {
    super();
  }

  /** The decoder class for mail from `carrier` (mailparser constructs it with the charset only). */
  static forCarrier(carrier: Carrier | null): typeof MailCharsetDecoder {
    if (carrier === null) return MailCharsetDecoder;
    return class extends MailCharsetDecoder {
      constructor(charset: string) {
        super(charset, carrier);
      }
    };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }

  override _flush(done: TransformCallback): void {
    try {
      this.push(Buffer.from(decodeBytes(Buffer.concat(this.chunks), this.charset, this.carrier), 'utf8'));
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Raw 8-bit header values

// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const C0_C1 = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;
/** What a Japanese text decoded from JIS X 0208 / CP932 / EUC-JP may contain besides ASCII. */
const JAPANESE_CHAR =
  /[\u3000-\u30ff\u31f0-\u31ff\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2010-\u2312\u2460-\u24ff\u2500-\u257f\u25a0-\u266f\u0391-\u03c9\u0401-\u0451\u00a7\u00a8\u00b0\u00b1\u00b4\u00b6\u00d7\u00f7\ue000-\ue757\uea80-\ueb88]/u;
const FULL_WIDTH_JAPANESE =
  /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff5e\u3000-\u303f\u2460-\u24ff\u3200-\u33ff]/u;
const HALF_WIDTH_KANA = /[\uff61-\uff9f]/u;
const LATIN1_LETTER = /[\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e]/u;
const ASCII_LETTER = /[A-Za-z]/;

/**
 * Decodes a raw (not RFC 2047) header value. `hints` are the charsets the message declares
 * (body first); `carrier` allows carrier emoji code points in the guess.
 */
export function decodeRawHeaderBytes(
  bytes: Buffer,
  hints: string[] = [],
  carrier: Carrier | null = null,
): string {
  if (!bytes.some((b) => b >= 0x80 || b === ESC)) return bytes.toString('latin1');
  if (bytes.includes(ESC)) return decodeIso2022Jp(bytes, carrier);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // not UTF-8
  }
  const japaneseHint = hints.find((h) => SHIFT_JIS.test(h) || EUC_JP.test(h));
  const detected = Encoding.detect(bytes, ['SJIS', 'EUCJP']);
  const order: string[] = [];
  if (japaneseHint) order.push(SHIFT_JIS.test(japaneseHint) ? 'cp932' : 'euc-jp');
  if (detected === 'SJIS') order.push('cp932');
  if (detected === 'EUCJP') order.push('euc-jp');
  order.push('cp932', 'euc-jp');
  const western = iconv.decode(bytes, 'windows-1252');
  const westernScore = C0_C1.test(western) ? -1 : latinScore(western);
  const hintBonus = (charset: string): number =>
    japaneseHint && (SHIFT_JIS.test(japaneseHint) ? 'cp932' : 'euc-jp') === charset ? 1 : 0;
  let best: { text: string; score: number } | null = null;
  for (const charset of new Set(order)) {
    const text = charset === 'cp932' ? decodeShiftJis(bytes, carrier) : iconv.decode(bytes, charset);
    const score = japaneseScore(text, carrier);
    if (score === null) continue;
    const total = score + hintBonus(charset);
    if (best === null || total > best.score) best = { text, score: total };
  }
  if (best !== null && best.score > 0 && best.score >= westernScore) return best.text;
  const declaredWestern = hints.find(
    (h) => !isJapaneseCharset(h) && !UTF8_COMPATIBLE.test(h) && iconv.encodingExists(normaliseCharsetName(h)),
  );
  return declaredWestern ? iconv.decode(bytes, normaliseCharsetName(declaredWestern)) : western;
}

/** How Japanese a decoded text looks; null when it cannot be Japanese text at all. */
function japaneseScore(text: string, carrier: Carrier | null): number | null {
  if (text.includes('\uFFFD') || C0_C1.test(text)) return null;
  const chars = [...text];
  let score = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch.charCodeAt(0) < 0x80) continue;
    if (!JAPANESE_CHAR.test(ch)) return null;
    const between = ASCII_LETTER.test(chars[i - 1] ?? '') && ASCII_LETTER.test(chars[i + 1] ?? '');
    if (between) score -= 1;
    else if (HALF_WIDTH_KANA.test(ch))
      score += HALF_WIDTH_KANA.test(chars[i - 1] ?? '') || HALF_WIDTH_KANA.test(chars[i + 1] ?? '') ? 0.3 : 0;
    else if (FULL_WIDTH_JAPANESE.test(ch)) score += 1;
    // A carrier's emoji from a phone of that carrier is as telling as kana.
    else if (carrier !== null && /[\ue000-\ue757\uea80-\ueb88]/.test(ch)) score += 2;
    else score += 0.25;
  }
  return score;
}

/** Latin letters next to ASCII letters: what Western text decoded as Windows-1252 looks like. */
function latinScore(text: string): number {
  const chars = [...text];
  let score = 0;
  for (let i = 0; i < chars.length; i++) {
    if (!LATIN1_LETTER.test(chars[i]!)) continue;
    if (ASCII_LETTER.test(chars[i - 1] ?? '') || ASCII_LETTER.test(chars[i + 1] ?? '')) score += 1;
  }
  return score;
}

/**
 * Decodes a header value from its raw bytes: RFC 2047 encoded words with `decodeBytes` (adjacent
 * words of one charset joined before decoding, so a character split across words survives;
 * whitespace between encoded words dropped), everything else with `decodeRawHeaderBytes`.
 */
export function decodeHeaderValue(raw: Buffer, hints: string[] = [], carrier: Carrier | null = null): string {
  const text = raw.toString('latin1');
  const word = /=\?([^?\s*]+)(?:\*[^?]*)?\?([bqBQ])\?([^?]*)\?=/g;
  const pieces: Array<{ kind: 'word'; charset: string; bytes: Buffer } | { kind: 'raw'; bytes: Buffer }> = [];
  let last = 0;
  for (const m of text.matchAll(word)) {
    const start = m.index;
    const between = text.slice(last, start);
    const previous = pieces[pieces.length - 1];
    if (!(previous?.kind === 'word' && /^[ \t\r\n]*$/.test(between)) && between !== '') {
      pieces.push({ kind: 'raw', bytes: Buffer.from(between, 'latin1') });
    }
    const charset = m[1] ?? '';
    const bytes = decodeWordBytes(m[2] ?? 'B', m[3] ?? '');
    const prev = pieces[pieces.length - 1];
    if (prev?.kind === 'word' && prev.charset.toLowerCase() === charset.toLowerCase()) {
      prev.bytes = Buffer.concat([prev.bytes, bytes]);
    } else pieces.push({ kind: 'word', charset, bytes });
    last = start + m[0].length;
  }
  if (last < text.length) pieces.push({ kind: 'raw', bytes: Buffer.from(text.slice(last), 'latin1') });
  return pieces
    .map((p) =>
      p.kind === 'word'
        ? decodeBytes(p.bytes, p.charset, carrier)
        : decodeRawHeaderBytes(p.bytes, hints, carrier),
    )
    .join('');
}

function decodeWordBytes(encoding: string, data: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(data.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const ch = data[i]!;
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9a-fA-F]{2}$/.test(data.slice(i + 1, i + 3))) {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

// ---------------------------------------------------------------------------------------------
// Carrier emoji

interface EmojiRow {
  unified: string;
  docomo: string | null;
  au: string | null;
  softbank: string | null;
}

const CARRIERS: Carrier[] = ['docomo', 'au', 'softbank'];
let tables: Record<Carrier, Map<number, string>> | null = null;

/**
 * code point → emoji per carrier, from emoji-datasource. Where the data maps one carrier code
 * point to several emoji (the carrier drew one picture for several Unicode emoji), the emoji the
 * carrier has a picture of its own for wins: the row no other carrier maps, else the row whose
 * other carriers' code points are unique to it, else the first row.
 */
function carrierTables(): Record<Carrier, Map<number, string>> {
  if (tables) return tables;
  const rows = createRequire(import.meta.url)('emoji-datasource/emoji.json') as EmojiRow[];
  const uses: Record<Carrier, Map<string, number>> = {
    docomo: new Map(),
    au: new Map(),
    softbank: new Map(),
  };
  for (const row of rows)
    for (const c of CARRIERS) if (row[c]) uses[c].set(row[c]!, (uses[c].get(row[c]!) ?? 0) + 1);
  const built: Record<Carrier, Map<number, string>> = {
    docomo: new Map(),
    au: new Map(),
    softbank: new Map(),
  };
  const best: Record<Carrier, Map<number, number>> = {
    docomo: new Map(),
    au: new Map(),
    softbank: new Map(),
  };
  for (const row of rows) {
    for (const c of CARRIERS) {
      const code = row[c];
      if (!code) continue;
      const others = CARRIERS.filter((o) => o !== c);
      const score = others.every((o) => !row[o])
        ? 10
        : others.filter((o) => row[o] && uses[o].get(row[o]!) === 1).length;
      const cp = parseInt(code, 16);
      if ((best[c].get(cp) ?? -1) >= score) continue;
      best[c].set(cp, score);
      built[c].set(cp, String.fromCodePoint(...row.unified.split('-').map((h) => parseInt(h, 16))));
    }
  }
  tables = built;
  return built;
}

const inRange = (cp: number, ranges: Array<[number, number]>): boolean =>
  ranges.some(([a, b]) => cp >= a && cp <= b);
const DOCOMO: Array<[number, number]> = [[0xe63e, 0xe757]];
const AU: Array<[number, number]> = [
  [0xe468, 0xe5df],
  [0xea80, 0xeb88],
];
const SOFTBANK: Array<[number, number]> = [
  [0xe001, 0xe05a],
  [0xe101, 0xe15a],
  [0xe201, 0xe253],
  [0xe301, 0xe34d],
  [0xe401, 0xe44c],
  [0xe501, 0xe53e],
];
/** The CP932 user-defined area (Shift_JIS F040–F9FC) and au's second emoji block. */
const CARRIER_AREA: Array<[number, number]> = [
  [0xe000, 0xe757],
  [0xea80, 0xeb88],
];
/** au's Shift_JIS F340–F4FC decode (CP932) to U+E234–; au's own code points for them start at U+EA80. */
const AU_SJIS_SECOND = [0xe234, 0xe33c] as const;
const AU_SECOND_OFFSET = 0xea80 - 0xe234;

/** The carrier of a mobile mail address, from its domain. */
export function carrierOf(address: string | null | undefined): Carrier | null {
  const domain = (address ?? '').toLowerCase().split('@')[1] ?? '';
  if (/(^|\.)docomo\.ne\.jp$/.test(domain)) return 'docomo';
  if (/(^|\.)(ezweb\.ne\.jp|au\.com|uqmobile\.jp)$/.test(domain)) return 'au';
  if (
    /(^|\.)(softbank\.ne\.jp|i\.softbank\.jp|vodafone\.ne\.jp|disney\.ne\.jp|ymobile\.ne\.jp)$/.test(domain)
  )
    return 'softbank';
  return null;
}

/**
 * Carrier emoji in decoded text → Unicode emoji; a code point in the carriers' area without an
 * emoji → one 〓. The carrier (from the sender) settles the code points docomo, au and SoftBank
 * share; without one, docomo's block is docomo's and the shared au/SoftBank block is SoftBank's
 * (iPhones sent SoftBank code points in UTF-8 from any domain).
 */
export function mapCarrierEmoji(text: string, carrier: Carrier | null): string {
  if (!/[\ue000-\ue757\uea80-\ueb88]/.test(text)) return text;
  const t = carrierTables();
  return text.replace(/[\ue000-\ue757\uea80-\ueb88]/g, (ch) => {
    const cp = ch.charCodeAt(0);
    // With the sender's carrier known, only its own table is read: the same code point in
    // another carrier's table is a different picture (a docomo phone's ISO-2022-JP user rows,
    // for one, decode to U+E000–U+E3AB, where SoftBank has its emoji).
    const order: Carrier[] = carrier ? [carrier] : ['docomo', 'softbank', 'au'];
    for (const c of order) {
      const ranges = c === 'docomo' ? DOCOMO : c === 'au' ? AU : SOFTBANK;
      if (inRange(cp, ranges)) {
        const emoji = t[c].get(cp);
        if (emoji) return emoji;
      }
    }
    if (carrier === 'au' && cp >= AU_SJIS_SECOND[0] && cp <= AU_SJIS_SECOND[1]) {
      const emoji = t.au.get(cp + AU_SECOND_OFFSET);
      if (emoji) return emoji;
    }
    return inRange(cp, CARRIER_AREA) ? '〓' : ch;
  });
}
