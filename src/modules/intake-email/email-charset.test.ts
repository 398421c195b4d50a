import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  carrierOf,
  decodeBytes,
  decodeHeaderValue,
  decodeIso2022Jp,
  decodeRawHeaderBytes,
  mapCarrierEmoji,
} from './email-charset.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const jis = (s: string): Buffer => Buffer.from(Encoding.convert(Encoding.stringToCode(s), 'JIS', 'UNICODE'));
/** C1 controls or U+FFFD: what a wrong guess leaves behind. */
const GARBLED = /[\u0080-\u009f\uFFFD]/;

describe('decodeRawHeaderBytes: raw 8-bit Japanese header values', () => {
  const subjects = [
    '見積依頼',
    '①②③',
    'お問い合わせ',
    '至急：請求書の件',
    '㈱山田製作所',
    'Re: 見積',
    '髙橋様',
    '東京都',
  ];

  it.each(subjects)('reads %s as CP932 and as EUC-JP, without a declared charset', (text) => {
    expect(decodeRawHeaderBytes(iconv.encode(text, 'cp932'))).toBe(text);
    if (text !== '髙橋様' && text !== '①②③' && text !== '㈱山田製作所') {
      // (NEC/IBM extensions exist in CP932 only)
      expect(decodeRawHeaderBytes(iconv.encode(text, 'euc-jp'))).toBe(text);
    }
  });

  it('reads raw ISO-2022-JP and UTF-8', () => {
    expect(decodeRawHeaderBytes(jis('見積依頼の件'))).toBe('見積依頼の件');
    expect(decodeRawHeaderBytes(Buffer.from('見積依頼 ✓', 'utf8'))).toBe('見積依頼 ✓');
  });

  it('keeps Western text Western (Windows-1252), also where the bytes would pass as Shift_JIS', () => {
    for (const text of [
      'Grüße aus Köln',
      'Crème brûlée',
      'Ça va?',
      'naïve façade',
      'Señor García',
      'Müller',
    ]) {
      expect(decodeRawHeaderBytes(iconv.encode(text, 'windows-1252'))).toBe(text);
    }
  });

  it('follows the declared charset as a hint when the bytes fit it', () => {
    // 0xB1 0xB2 0xB3: halfwidth ｱｲｳ in Shift_JIS, one kanji and a lead byte in EUC-JP
    expect(decodeRawHeaderBytes(hex('b1b2b3'), ['shift_jis'])).toBe('ｱｲｳ');
    expect(decodeRawHeaderBytes(iconv.encode('見積', 'euc-jp'), ['euc-jp'])).toBe('見積');
  });

  it('never leaves C1 controls from a Shift_JIS subject (the old ①②③ → \\u0087@\\u0087A\\u0087B)', () => {
    const out = decodeRawHeaderBytes(hex('8740 8741 8742'));
    expect(out).toBe('①②③');
    expect(out).not.toMatch(GARBLED);
  });
});

describe('decodeHeaderValue', () => {
  it('joins adjacent encoded words of one charset before decoding (a character split across words)', () => {
    const bytes = Buffer.from('日本語', 'utf8');
    const value = `=?UTF-8?B?${bytes.subarray(0, 4).toString('base64')}?= =?UTF-8?B?${bytes.subarray(4).toString('base64')}?=`;
    expect(decodeHeaderValue(Buffer.from(value))).toBe('日本語');
  });

  it('reads a B word that folding split with whitespace', () => {
    const b64 = Buffer.from('日本語', 'utf8').toString('base64');
    expect(decodeHeaderValue(Buffer.from(`=?UTF-8?B?${b64.slice(0, 4)} ${b64.slice(4)}?=`))).toBe('日本語');
  });

  it('mixes encoded words, ASCII and raw bytes', () => {
    const value = Buffer.concat([
      Buffer.from('Re: =?ISO-2022-JP?B?', 'latin1'),
      Buffer.from(jis('見積').toString('base64')),
      Buffer.from('?= [#12] ', 'latin1'),
      iconv.encode('依頼', 'cp932'),
    ]);
    expect(decodeHeaderValue(value)).toBe('Re: 見積 [#12] 依頼');
  });

  it('decodes Q words and Shift_JIS words as CP932', () => {
    const q = [...iconv.encode('①件', 'cp932')].map((b) => `=${b.toString(16).toUpperCase()}`).join('');
    expect(decodeHeaderValue(Buffer.from(`=?Shift_JIS?Q?${q}_x?=`))).toBe('①件 x');
  });
});

describe('decodeIso2022Jp and decodeBytes', () => {
  it('decodes JIS X 0201 katakana, JIS X 0208 and the NEC row', () => {
    expect(decodeIso2022Jp(hex('1b2849 3131 1b2842'))).toBe('ｱｱ');
    expect(decodeIso2022Jp(Buffer.concat([jis('日本語'), Buffer.from(' ok')]))).toBe('日本語 ok');
    expect(decodeIso2022Jp(hex('1b2442 2d21 2d22 1b2842'))).toBe('①②');
  });

  it('turns an unknown escape into one visible mark and continues', () => {
    expect(decodeIso2022Jp(hex('41 1b2440 3021 1b2842 1b287a 42'))).toBe('A亜\uFFFDB');
    expect(decodeIso2022Jp(hex('1b2442 2921 1b2842'))).toBe('\uFFFD');
  });

  it('decodes Shift_JIS in any spelling as CP932', () => {
    for (const name of ['Shift_JIS', 'sjis', 'x-sjis', 'windows-31j', 'CP932', 'MS_Kanji']) {
      expect(decodeBytes(iconv.encode('①髙', 'cp932'), name)).toBe('①髙');
    }
  });

  it('reads ISO-8859-1 as Windows-1252 (as browsers and libmime do) and unknown charsets as UTF-8', () => {
    expect(decodeBytes(hex('41 93 94 e9'), 'ISO-8859-1')).toBe('A“”é');
    expect(decodeBytes(Buffer.from('ü', 'utf8'), 'x-unknown-charset')).toBe('ü');
    expect(decodeBytes(Buffer.from('+ADw-script+AD4-'), 'utf-7')).toBe('+ADw-script+AD4-');
  });
});

describe('carrier emoji', () => {
  it('names the carrier from the mail domain', () => {
    expect(carrierOf('a@docomo.ne.jp')).toBe('docomo');
    expect(carrierOf('a@ezweb.ne.jp')).toBe('au');
    expect(carrierOf('a@i.softbank.jp')).toBe('softbank');
    expect(carrierOf('a@example.jp')).toBeNull();
    expect(carrierOf(null)).toBeNull();
  });

  it('maps docomo, au and SoftBank code points to Unicode emoji', () => {
    expect(mapCarrierEmoji('晴れ\uE63E', 'docomo')).toBe('晴れ☀️');
    expect(mapCarrierEmoji('\uE488', 'au')).toBe('☀️');
    expect(mapCarrierEmoji('\uE04A', 'softbank')).toBe('☀️');
    expect(mapCarrierEmoji('\uE6F0', null)).toMatch(/^\p{Extended_Pictographic}\uFE0F?$/u);
  });

  it('settles code points au and SoftBank share by the carrier', () => {
    const shared = '\uE513';
    expect(mapCarrierEmoji(shared, 'au')).not.toBe(mapCarrierEmoji(shared, 'softbank'));
    expect(mapCarrierEmoji(shared, 'au')).not.toMatch(/[\uE000-\uF8FF〓]/);
  });

  it('decodes carrier emoji reached through Shift_JIS and SoftBank webcode', () => {
    expect(mapCarrierEmoji(decodeBytes(hex('93dc 82e8 f89f'), 'Shift_JIS'), 'docomo')).toBe('曇り☀️');
    expect(mapCarrierEmoji(decodeBytes(hex('f660'), 'Shift_JIS'), 'au')).toBe('☀️');
    expect(mapCarrierEmoji(decodeIso2022Jp(hex('1b2447 6a 0f 41')), null)).toBe('☀️A');
  });

  it("reads au's mail emoji area (Shift_JIS EB–EE, ISO-2022-JP rows 0x75–0x7C) for au senders only", () => {
    expect(mapCarrierEmoji(decodeBytes(hex('eb59 ee4f'), 'Shift_JIS', 'au'), 'au')).toBe('⚠️🍩');
    expect(mapCarrierEmoji(decodeIso2022Jp(hex('1b2442 753a 7b30 1b2842'), 'au'), 'au')).toBe('⚠️🍩');
    expect(mapCarrierEmoji(decodeRawHeaderBytes(hex('eb59'), [], 'au'), 'au')).toBe('⚠️');
    // From anyone else 0xEE4F is an NEC-selected IBM kanji.
    expect(decodeBytes(hex('ee4f'), 'Shift_JIS')).toBe('瑢');
  });

  it("maps SoftBank's Shift_JIS emoji (leads F9, F7, FB) for SoftBank senders", () => {
    const sb = (h: string): string =>
      mapCarrierEmoji(decodeBytes(hex(h), 'Shift_JIS', 'softbank'), 'softbank');
    // F98B sun (U+E04A), F962 heart (U+E022), F941 boy (U+E001), F747 scream (U+E107),
    // F74B pig (U+E10B), FB55 smile (U+E415), FBAB Japanese flag (U+E50B).
    expect(sb('90b0 82ea f98b')).toBe('晴れ☀️');
    expect(sb('f962 f941')).toBe('❤️👦');
    expect(sb('f747 f74b')).toBe('😱🐷');
    expect(sb('fb55 fbab')).toBe('😄🇯🇵');
    // Read as CP932, F98B is U+E6E6, docomo's keycap 5: a SoftBank sender never gets that.
    expect(mapCarrierEmoji(decodeBytes(hex('f98b'), 'Shift_JIS', 'docomo'), 'docomo')).toBe('5️⃣');
    // A user-defined pair SoftBank has no emoji at: one 〓, and the text around it intact.
    expect(sb('82a0 f040 82a2')).toBe('あ〓い');
    // Raw Shift_JIS subjects from a SoftBank phone read the same way.
    expect(mapCarrierEmoji(decodeRawHeaderBytes(hex('f98b'), [], 'softbank'), 'softbank')).toBe('☀️');
  });

  it("decodes docomo's Shift_JIS emoji in F941–F9FC (past where iconv-lite's CP932 table ends)", () => {
    const dc = (h: string): string => mapCarrierEmoji(decodeBytes(hex(h), 'Shift_JIS', 'docomo'), 'docomo');
    // F941 waxing gibbous moon (U+E69D), F987 keycap 1 (U+E6E2).
    expect(dc('f941 f987')).toBe('🌔1️⃣');
    expect(dc('f9fc')).toMatch(/^\p{Extended_Pictographic}$/u);
    expect(dc('f9fc')).not.toMatch(/[\uFFFD〓]/);
  });

  it("shows 〓 for docomo and SoftBank ISO-2022-JP user rows, never another carrier's emoji", () => {
    // Rows 0x75–0x7E would decode to U+E000–, where SoftBank has its emoji (U+E001 boy).
    expect(mapCarrierEmoji(decodeIso2022Jp(hex('1b2442 4032 7522 1b2842'), 'docomo'), 'docomo')).toBe('晴〓');
    expect(mapCarrierEmoji(decodeIso2022Jp(hex('1b2442 7522 7e7e 1b2842'), 'softbank'), 'softbank')).toBe(
      '〓〓',
    );
    // A docomo sender's text with a SoftBank code point is not read with SoftBank's table.
    expect(mapCarrierEmoji('\uE001', 'docomo')).toBe('〓');
  });

  it('shows one 〓 per carrier-area character without an emoji, never stray bytes', () => {
    expect(mapCarrierEmoji(decodeBytes(hex('f040 f0fc'), 'Shift_JIS'), null)).toBe('〓〓');
    const iso = mapCarrierEmoji(decodeIso2022Jp(hex('1b2442 4032 7521 1b2842')), null);
    expect(iso).toBe('晴〓');
    expect(iso).not.toMatch(/[?\uFFFD\u0080-\u009f]/);
    // Private-use characters outside the carriers' area (a font's logo) are left alone.
    expect(mapCarrierEmoji('\uF8FF', null)).toBe('\uF8FF');
  });
});
