import { createHash } from 'node:crypto';
import {
  simpleParser,
  type AddressObject,
  type Attachment,
  type ParsedMail,
  type SimpleParserOptions,
} from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { normaliseMessageId, parseHeaderFields, parseMessageIdList, toHeaderMap } from './email-headers.js';
import { foldQuotedText } from './email-quote.js';
import { decodeCid, sanitizeEmailHtml } from './email-sanitize.js';
import {
  EmailParseError,
  type EmailMailbox,
  type ParseLimits,
  type ParsedAttachment,
  type ParsedEmail,
} from './email.types.js';

/**
 * mailparser options, chosen for a help desk rather than a mail client:
 * - keepCidLinks / skipImageLinks: leave `cid:` references alone instead of inlining every image
 *   as a data: URL into the HTML; the sanitiser turns them into placeholders the app serves.
 * - skipTextToHtml: `html` only when the sender wrote HTML (plain mail is shown as text).
 * - keepDeliveryStatus: `message/delivery-status` parts stay parts, so bounces can be read.
 * - ignoreEmbedded: an attached or bounced `message/rfc822` stays one byte-exact attachment (its
 *   headers identify the mail that bounced; an agent can open a forwarded mail as it was).
 * - checksumAlgo sha256: attachment hashes for content-addressed storage.
 * - maxHtmlLengthToParse: html-to-text is slow on huge HTML; above this a tag-strip is used.
 */
const PARSER_OPTIONS: SimpleParserOptions = {
  keepCidLinks: true,
  skipImageLinks: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  keepDeliveryStatus: true,
  ignoreEmbedded: true,
  checksumAlgo: 'sha256',
  maxHtmlLengthToParse: 2 * 1024 * 1024,
};

const HEADER_FIELD_START = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;
// An mbox separator ("From jane@example.com Mon May  2 16:07:05 2005") left by exporters;
// "From  : x" (a From header with space before the colon) is not one.
const MBOX_FROM_LINE = /^From (?![ \t]*:)[^\n]*\n/;

/**
 * Parses a raw RFC 5322 message. Never rejects with anything but an `EmailParseError`, whose
 * `reason` the intake stores next to the raw bytes (the mail stays visible to admins).
 */
export async function parseInboundEmail(raw: Buffer, opts: ParseLimits): Promise<ParsedEmail> {
  if (raw.length === 0 || raw.toString('latin1').trim() === '') {
    throw new EmailParseError('empty', 'The message is empty.');
  }
  if (raw.length > opts.maxTotalBytes) {
    throw new EmailParseError(
      'too_large',
      `The message is ${raw.length} bytes; the limit is ${opts.maxTotalBytes}.`,
    );
  }
  const source = stripMboxFromLine(raw);
  const firstLine = source.subarray(0, 1000).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  if (!HEADER_FIELD_START.test(firstLine)) {
    throw new EmailParseError('no_headers', 'The data does not start with a mail header.');
  }

  let mail: ParsedMail;
  try {
    mail = await simpleParser(source, PARSER_OPTIONS);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const limits = /max(HeadSize|ChildNodes)|too many|header.*(size|large)/i.test(message);
    throw new EmailParseError(
      limits ? 'limits_exceeded' : 'malformed',
      `The message could not be parsed: ${message}`,
      {
        cause,
      },
    );
  }

  try {
    return buildParsedEmail(raw, mail, opts);
  } catch (cause) {
    if (cause instanceof EmailParseError) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new EmailParseError('malformed', `The message could not be read: ${message}`, { cause });
  }
}

/** The same as `parseInboundEmail`, as a value: for callers that store failures rather than throw. */
export async function tryParseInboundEmail(
  raw: Buffer,
  opts: ParseLimits,
): Promise<{ ok: true; email: ParsedEmail } | { ok: false; error: EmailParseError }> {
  try {
    return { ok: true, email: await parseInboundEmail(raw, opts) };
  } catch (error) {
    if (error instanceof EmailParseError) return { ok: false, error };
    return {
      ok: false,
      error: new EmailParseError('malformed', 'The message could not be parsed.', { cause: error }),
    };
  }
}

function buildParsedEmail(raw: Buffer, mail: ParsedMail, opts: ParseLimits): ParsedEmail {
  const rawSha256 = createHash('sha256').update(raw).digest('hex');
  const headers = toHeaderMap(mail.headerLines.flatMap(({ line }) => parseHeaderFields(line)));
  const first = (name: string): string | undefined => headers[name]?.[0];

  const realMessageId = normaliseMessageId(first('message-id'));
  const text = bodyText(mail);
  const rawHtml = typeof mail.html === 'string' ? mail.html : null;
  const referencedCids = rawHtml === null ? new Set<string>() : referencedContentIds(rawHtml);
  const attachments = limitAttachments(mail.attachments, referencedCids, opts);
  const servableCids = new Set(
    attachments.flatMap((a) => (a.contentId !== null && a.rejected === null ? [a.contentId] : [])),
  );
  const folded = foldQuotedText(text);
  const contentType = mail.headers.get('content-type');

  return {
    messageId: realMessageId ?? `sha256-${rawSha256}@synthetic.escalon.invalid`,
    messageIdSynthetic: realMessageId === null,
    inReplyTo: parseMessageIdList(first('in-reply-to'))[0] ?? null,
    references: parseMessageIdList(headers.references),
    subject: decodeSubject(mail.subject ?? '', raw)
      .replace(/\s*\r?\n\s*/g, ' ')
      .trim(),
    from: firstMailbox(mail.from),
    replyTo: mailboxes(mail.replyTo),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    date: parseDate(first('date')),
    text,
    html: rawHtml === null ? null : sanitizeEmailHtml(rawHtml, servableCids),
    visibleText: folded.visibleText,
    quotedText: folded.quotedText,
    attachments,
    headers,
    contentType: isStructured(contentType)
      ? { value: contentType.value.toLowerCase(), params: contentType.params }
      : { value: 'text/plain', params: {} },
    returnPath: parseReturnPath(first('return-path')),
    rawSize: raw.length,
    rawSha256,
  };
}

/**
 * Some mailers (old Japanese phones and MUAs among them) put raw 8-bit or ISO-2022-JP bytes in
 * the Subject instead of RFC 2047 words; the parser then shows U+FFFD or escape codes. In that
 * case the raw bytes are decoded again with the charsets the message declares, then the usual
 * Japanese and Western ones, keeping the first that decodes cleanly (no error, no private-use
 * characters).
 */
const ESC = String.fromCharCode(0x1b);

function decodeSubject(decoded: string, raw: Buffer): string {
  if (!decoded.includes('\uFFFD') && !decoded.includes(ESC)) return decoded;
  const rawHead = raw.subarray(0, 256 * 1024).toString('latin1');
  const headEnd = rawHead.search(/\r?\n\r?\n/);
  const rawSubject = parseHeaderFields(headEnd === -1 ? rawHead : rawHead.slice(0, headEnd)).find(
    (f) => f.name === 'subject',
  );
  if (!rawSubject || /=\?[^?]+\?[bq]\?/i.test(rawSubject.value)) return decoded;
  const bytes = Buffer.from(rawSubject.value, 'latin1');
  const declared = [...rawHead.matchAll(/charset\s*=\s*"?([\w.:-]+)/gi)].map((m) =>
    (m[1] ?? '').toLowerCase(),
  );
  // Guessed (undeclared) Japanese charsets must yield kana: Latin-1 bytes often decode cleanly
  // as EUC-JP kanji, but almost never as kana.
  const candidates: Array<[charset: string, guessed: boolean]> = [
    ...(bytes.includes(0x1b) ? [['iso-2022-jp', false] as [string, boolean]] : []),
    ...declared.map((c): [string, boolean] => [c, false]),
    ['utf-8', false],
    ['shift_jis', true],
    ['euc-jp', true],
    ['windows-1252', false],
  ];
  for (const [charset, guessed] of candidates) {
    try {
      const text = new TextDecoder(charset, { fatal: true }).decode(bytes);
      if (/[\uE000-\uF8FF]/.test(text) || text.includes(ESC)) continue;
      if (guessed && !/[\u3040-\u30ff]/.test(text)) continue;
      return text;
    } catch {
      // unknown charset label or bytes invalid in it: try the next one
    }
  }
  return decoded;
}

function stripMboxFromLine(raw: Buffer): Buffer {
  const head = raw.subarray(0, 1000).toString('latin1');
  const match = MBOX_FROM_LINE.exec(head);
  return match ? raw.subarray(match[0].length) : raw;
}

function bodyText(mail: ParsedMail): string {
  if (mail.text !== undefined && mail.text.trim() !== '') return normaliseNewlines(mail.text);
  if (typeof mail.html === 'string') {
    // html-to-text gave up (too long or too deep): fall back to stripping the tags.
    const stripped = sanitizeHtml(mail.html, { allowedTags: [], allowedAttributes: {} });
    return normaliseNewlines(stripped.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n'));
  }
  return normaliseNewlines(mail.text ?? '');
}

const normaliseNewlines = (s: string): string => s.replace(/\r\n?/g, '\n').trim();

function referencedContentIds(html: string): Set<string> {
  const cids = new Set<string>();
  for (const m of html.matchAll(/\bsrc\s*=\s*["']?(cid:[^"'\s>]+)/gi)) {
    const cid = decodeCid(m[1] ?? '');
    if (cid !== null) cids.add(cid);
  }
  return cids;
}

function limitAttachments(
  list: Attachment[],
  referencedCids: Set<string>,
  opts: ParseLimits,
): ParsedAttachment[] {
  // No running total is needed: the raw message is at most maxTotalBytes, and decoded parts are
  // never larger than their encoded form.
  return list.map((a) => {
    const contentId = a.cid ?? normaliseMessageId(a.contentId);
    const size = a.size ?? a.content.length;
    const rejected: ParsedAttachment['rejected'] =
      size > opts.maxAttachmentBytes ? 'attachment_too_large' : null;
    return {
      filename: a.filename ?? null,
      contentType: a.contentType.toLowerCase(),
      size,
      contentId,
      inline: contentId !== null && (a.related === true || referencedCids.has(contentId)),
      content: rejected === null ? a.content : Buffer.alloc(0),
      sha256: a.checksum || createHash('sha256').update(a.content).digest('hex'),
      rejected,
    };
  });
}

function flattenAddresses(header: AddressObject | AddressObject[] | undefined): EmailMailbox[] {
  if (!header) return [];
  const objects = Array.isArray(header) ? header : [header];
  const out: EmailMailbox[] = [];
  const visit = (entries: AddressObject['value']): void => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address && entry.address.includes('@')) {
        out.push({ address: entry.address.trim().toLowerCase(), name: (entry.name ?? '').trim() });
      }
    }
  };
  for (const object of objects) visit(object.value);
  return out;
}

const firstMailbox = (header: AddressObject | undefined): EmailMailbox | null =>
  flattenAddresses(header)[0] ?? null;
const mailboxes = (header: AddressObject | undefined): EmailMailbox[] => flattenAddresses(header);
const addresses = (header: AddressObject | AddressObject[] | undefined): string[] => [
  ...new Set(flattenAddresses(header).map((m) => m.address)),
];

function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(date.getTime()) ? null : date;
}

function parseReturnPath(value: string | undefined): string | null {
  if (value === undefined) return null;
  const inner = /<([^>]*)>/.exec(value)?.[1] ?? value;
  return inner.trim().toLowerCase();
}

function isStructured(value: unknown): value is { value: string; params: Record<string, string> } {
  return typeof value === 'object' && value !== null && 'value' in value && typeof value.value === 'string';
}
