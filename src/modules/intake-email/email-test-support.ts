/** Builds raw messages for the module's tests (CRLF line ends, headers in the given order). */
export function buildEml(headers: Array<[string, string]>, body: string | Buffer = 'Hello.'): Buffer {
  const head = headers.map(([name, value]) => `${name}: ${value}`).join('\r\n');
  const bodyBytes = typeof body === 'string' ? Buffer.from(body.replace(/\r?\n/g, '\r\n'), 'utf8') : body;
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), bodyBytes]);
}

export const BASE_HEADERS: Array<[string, string]> = [
  ['From', 'Taro Yamada <Taro@Example.JP>'],
  ['To', 'support@escalon.test'],
  ['Subject', 'Printer is broken'],
  ['Date', 'Mon, 05 Jan 2026 10:00:00 +0900'],
  ['Message-ID', '<abc123@example.jp>'],
  ['MIME-Version', '1.0'],
];

export const LIMITS = { maxAttachmentBytes: 1024 * 1024, maxTotalBytes: 10 * 1024 * 1024 };

/** Headers with some replaced or added (case-insensitive on the name). */
export function withHeaders(overrides: Array<[string, string | null]>): Array<[string, string]> {
  const out = BASE_HEADERS.filter(
    ([name]) => !overrides.some(([o]) => o.toLowerCase() === name.toLowerCase()),
  );
  for (const [name, value] of overrides) if (value !== null) out.push([name, value]);
  return out;
}
