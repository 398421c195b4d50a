/**
 * CSV of a report or a ticket list (RFC 4180): CRLF line ends, fields with a comma, quote or
 * line break quoted and quotes doubled. UTF-8 with a byte-order mark by default, so Excel in
 * Japanese opens the file as UTF-8 (without it, Excel reads Shift_JIS and garbles 日本語).
 * Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a
 * leading apostrophe (OWASP "CSV injection"); numbers are written as they are.
 */
export const BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const text = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[], opts: { bom?: boolean } = {}): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
  return (opts.bom === false ? '' : BOM) + lines.join('\r\n') + '\r\n';
}
