import { describe, expect, it } from 'vitest';
import { BOM, csvField, toCsv } from './reports.csv.js';

describe('CSV (RFC 4180, UTF-8 with BOM)', () => {
  it('quotes commas, quotes and line breaks, keeps Japanese', () => {
    expect(csvField('請求, 返金')).toBe('"請求, 返金"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('障害')).toBe('障害');
    expect(csvField(null)).toBe('');
    expect(csvField(-3.5)).toBe('-3.5');
  });

  it('defuses formulas in text cells', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1')).toBe("'-1");
  });

  it('starts with a BOM unless asked not to, CRLF line ends', () => {
    const out = toCsv(['日付', '件数'], [['2026-01-05', 3]]);
    expect(out.startsWith(BOM)).toBe(true);
    expect(out).toBe(`${BOM}日付,件数\r\n2026-01-05,3\r\n`);
    expect(toCsv(['a'], [], { bom: false })).toBe('a\r\n');
    expect(Buffer.from(out, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
