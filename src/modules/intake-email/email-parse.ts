import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { simpleParser, type Attachment, type ParsedMail, type SimpleParserOptions } from 'mailparser';
import { htmlToText, type HtmlToTextOptions } from 'html-to-text';
import addressparser from 'nodemailer/lib/addressparser';
import {
  MailCharsetDecoder,
  carrierOf,
  decodeHeaderValue,
  mapCarrierEmoji,
  type Carrier,
} from './email-charset.js';
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
 * - maxHtmlLengthToParse: html-to-text is slow on huge HTML; above this mailparser leaves the
 *   text empty and `bodyText` converts a bounded prefix itself.
 * - Iconv: bodies are decoded by email-charset.ts (CP932 for Shift_JIS, ISO-2022-JP with the
 *   carriers' emoji rows), the same decoder the raw headers use.
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
  Iconv: MailCharsetDecoder as unknown as SimpleParserOptions['Iconv'],
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
  if (isBlank(raw)) {
    throw new EmailParseError('empty', 'The message is empty.');
  }
  if (raw.length > opts.maxTotalBytes) {
    throw new EmailParseError(
      'too_large',
      `The message is ${raw.length} bytes; the limit is ${opts.maxTotalBytes}.`,
    );
  }
  const source = normaliseLineEnds(stripMboxFromLine(stripBom(raw)));
  const firstLine = source.subarray(0, 1000).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  if (!HEADER_FIELD_START.test(firstLine)) {
    throw new EmailParseError('no_headers', 'The data does not start with a mail header.');
  }

  // The raw headers are read first: the sender's carrier decides how the bodies' emoji area is read.
  const rawHead = rawHeaderBlock(source);
  const hints = declaredCharsets(source);
  const sender = extractSender(rawHead, hints);
  const head: RawHead = { rawHead, hints, sender, carrier: carrierOf(sender.from?.address) };
  let mail: ParsedMail;
  try {
    mail = await simpleParser(Readable.from(inChunks(source), { objectMode: false }), {
      ...PARSER_OPTIONS,
      Iconv: MailCharsetDecoder.forCarrier(head.carrier) as unknown as SimpleParserOptions['Iconv'],
    });
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
    return buildParsedEmail(raw, head, mail, opts);
  } catch (cause) {
    if (cause instanceof EmailParseError) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new EmailParseError('malformed', `The message could not be read: ${message}`, { cause });
  }
}

/** The message in 64 KiB pieces: the parser then works through it with bounded buffers instead of splitting one 25 MB chunk at once. */
function* inChunks(source: Buffer): Generator<Buffer> {
  for (let i = 0; i < source.length; i += 65_536) yield source.subarray(i, i + 65_536);
}

/** Whether the bytes are only white space (a byte scan: a 25 MB message is not copied into a string to find out). */
function isBlank(raw: Buffer): boolean {
  for (const b of raw) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0b && b !== 0x0c && b !== 0xa0) return false;
  return true;
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

interface RawHead {
  rawHead: HeaderFieldList;
  hints: string[];
  sender: ReturnType<typeof extractSender>;
  carrier: Carrier | null;
}

function buildParsedEmail(
  raw: Buffer,
  { rawHead, hints, sender, carrier }: RawHead,
  mail: ParsedMail,
  opts: ParseLimits,
): ParsedEmail {
  const rawSha256 = createHash('sha256').update(raw).digest('hex');
  const headers = toHeaderMap(mail.headerLines.flatMap(({ line }) => parseHeaderFields(withoutNul(line))));
  const first = (name: string): string | undefined => headers[name]?.[0];

  const realMessageId = normaliseMessageId(first('message-id'));
  const text = withoutNul(mapCarrierEmoji(bodyText(mail), carrier));
  const rawHtml = typeof mail.html === 'string' ? withoutNul(mapCarrierEmoji(mail.html, carrier)) : null;
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
    subject: decodeSubject(rawHead, hints, mail.subject ?? '', carrier),
    from: sender.from && { ...sender.from, name: mapCarrierEmoji(sender.from.name, carrier) },
    nullSender: sender.nullSender,
    replyTo: sender.replyTo,
    to: recipients(rawHead, hints, 'to'),
    cc: recipients(rawHead, hints, 'cc'),
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

/** The raw top-level header fields (values as latin1 strings of the raw bytes). */
function rawHeaderBlock(source: Buffer): HeaderFieldList {
  const head = source.subarray(0, 256 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  return parseHeaderFields(end === -1 ? head : head.slice(0, end));
}

type HeaderFieldList = ReturnType<typeof parseHeaderFields>;

/** Charsets the message declares anywhere (body parts first: they describe the text the sender's mailer wrote). */
function declaredCharsets(source: Buffer): string[] {
  const text = source.subarray(0, 256 * 1024).toString('latin1');
  const found = [...text.matchAll(/charset\s*=\s*"?([\w.:-]+)/gi)].map((m) => (m[1] ?? '').toLowerCase());
  return [...new Set(found.reverse())];
}

const decodeRawValue = (value: string, hints: string[], carrier: Carrier | null = null): string =>
  withoutNul(decodeHeaderValue(Buffer.from(value, 'latin1'), hints, carrier))
    .replace(/\s*\r?\n\s*/g, ' ')
    .trim();

/**
 * The subject, decoded from the raw header so that raw 8-bit bytes (Shift_JIS, EUC-JP,
 * ISO-2022-JP without RFC 2047) and encoded words in Japanese charsets go through the same
 * decoder as the bodies; mailparser's value when the header cannot be found.
 */
function decodeSubject(
  rawHead: HeaderFieldList,
  hints: string[],
  parsed: string,
  carrier: Carrier | null,
): string {
  const field = rawHead.find((f) => f.name === 'subject');
  let subject = parsed;
  if (field) {
    try {
      subject = decodeRawValue(field.value, hints, carrier);
    } catch {
      subject = parsed;
    }
  }
  return mapCarrierEmoji(
    withoutNul(subject)
      .replace(/\s*\r?\n\s*/g, ' ')
      .trim(),
    carrier,
  );
}

function stripMboxFromLine(raw: Buffer): Buffer {
  const head = raw.subarray(0, 1000).toString('latin1');
  const match = MBOX_FROM_LINE.exec(head);
  return match ? raw.subarray(match[0].length) : raw;
}

/** A UTF-8 byte order mark (and any blank lines before the headers) written by some exporters. */
function stripBom(raw: Buffer): Buffer {
  let start = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
  while (start < raw.length && (raw[start] === 0x0d || raw[start] === 0x0a) && start < 16) start++;
  return start === 0 ? raw : raw.subarray(start);
}

/**
 * Classic Mac mail ends lines with CR alone; the parser only knows LF and CRLF. When the header
 * section uses bare CRs, every bare CR becomes CRLF (bytes of the content are not changed).
 */
function normaliseLineEnds(raw: Buffer): Buffer {
  const head = raw.subarray(0, 4096).toString('latin1');
  const firstCr = head.indexOf('\r');
  if (firstCr === -1 || head[firstCr + 1] === '\n') return raw;
  const firstLf = head.indexOf('\n');
  if (firstLf !== -1 && firstLf < firstCr) return raw;
  return Buffer.from(raw.toString('latin1').replace(/\r(?!\n)/g, '\r\n'), 'latin1');
}

/**
 * html-to-text options for a help desk: no hard wrapping (the console wraps), headings and table
 * headers keep their case, link targets follow the link text, images (placeholders for inline
 * parts or blocked remote images) are left out of the text.
 */
const HTML_TO_TEXT: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxInputLength: 2 * 1024 * 1024, maxDepth: 200, ellipsis: '…' },
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['<', '>'] } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

/** Plain text of HTML (paragraphs, line breaks, lists, links, entities decoded). */
export function htmlToPlainText(html: string): string {
  try {
    return htmlToText(html, HTML_TO_TEXT);
  } catch {
    // html-to-text refused the document (e.g. nested beyond maxDepth): read it flat.
    return htmlToText(
      html.replace(/<\/?(div|span|font|table|tbody|tr|td|center|blockquote)\b[^>]*>/gi, '\n'),
      HTML_TO_TEXT,
    );
  }
}

function bodyText(mail: ParsedMail): string {
  if (mail.text !== undefined && mail.text.trim() !== '') return normaliseNewlines(mail.text);
  // No text part (HTML-only inside multipart, or HTML the parser would not convert).
  if (typeof mail.html === 'string')
    return normaliseNewlines(htmlToPlainText(mail.html).replace(/\n{3,}/g, '\n\n'));
  return normaliseNewlines(mail.text ?? '');
}

const normaliseNewlines = (s: string): string => s.replace(/\r\n?/g, '\n').trim();

/** NUL has no meaning in mail text, and PostgreSQL text columns cannot hold it. */
const withoutNul = (s: string): string => s.replace(/\0/g, '');

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
      filename: a.filename === undefined ? null : withoutNul(a.filename),
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

/**
 * Who wrote the mail, as a careful client reads it:
 * - every From header is tried in order (a broken first one does not hide a valid second one),
 *   then Sender, then Reply-To, when no From carries a usable address;
 * - addresses are read with nodemailer's addressparser from the decoded value; when that finds
 *   none, again after NFKC (full-width `Ｔａｒｏ＠example.jp` → `Taro@example.jp`);
 * - a quoted local part (`"john doe"@example.com`) is kept quoted (it is a valid address);
 * - `From: MAILER-DAEMON <>` (a From with an empty address) is a null sender: `from` stays null,
 *   `nullSender` keeps its display name, and Sender / Reply-To are not used in its place.
 */
export function extractSender(
  rawHead: HeaderFieldList,
  hints: string[],
): { from: EmailMailbox | null; nullSender: string | null; replyTo: EmailMailbox[] } {
  const values = (name: string): string[] =>
    rawHead.filter((f) => f.name === name).map((f) => decodeRawValue(f.value, hints));
  const replyTo = values('reply-to').flatMap((v) => mailboxesOf(v));
  let nullSender: string | null = null;
  for (const value of values('from')) {
    const found = mailboxesOf(value)[0];
    if (found) return { from: found, nullSender: null, replyTo };
    const empty = /^\s*(?:"?([^"<]*)"?\s*)?<\s*>\s*$/.exec(value);
    if (empty && nullSender === null) nullSender = (empty[1] ?? '').trim() || 'null';
  }
  if (nullSender !== null) return { from: null, nullSender, replyTo };
  const fallback = [...values('sender'), ...values('reply-to')].flatMap((v) => mailboxesOf(v))[0] ?? null;
  return { from: fallback, nullSender: null, replyTo };
}

/** Usable mailboxes of one address header value (groups flattened). */
function mailboxesOf(value: string): EmailMailbox[] {
  const read = (v: string): EmailMailbox[] =>
    safeAddressParse(v).flatMap((a) => {
      const address = normaliseAddress(a.address);
      return address === null ? [] : [{ address, name: a.name.trim() }];
    });
  const direct = read(value);
  if (direct.length > 0) return direct;
  const nfkc = value.normalize('NFKC');
  return nfkc === value ? [] : read(nfkc);
}

function safeAddressParse(value: string): Array<{ name: string; address: string }> {
  try {
    return addressparser(value, { flatten: true });
  } catch {
    return [];
  }
}

/** A usable address (local@domain, the domain with a dot or a bracketed literal), lower-cased. */
function normaliseAddress(address: string | undefined): string | null {
  const a = (address ?? '').trim();
  const at = a.lastIndexOf('@');
  if (at <= 0 || at === a.length - 1) return null;
  const local = a.slice(0, at);
  const domain = a.slice(at + 1).normalize('NFKC');
  // eslint-disable-next-line no-control-regex -- control characters make an address unusable
  if (/[\x00-\x1f\x7f]/.test(a)) return null;
  if (!/^(?:"(?:[^"\\\r\n]|\\.)+"|[^\s@<>()",;:\\[\]]+)$/.test(local)) return null;
  if (!/^(?:[^\s@<>()",;:\\[\]]+|\[[^\]\s]+\])$/.test(domain)) return null;
  return `${local}@${domain}`.toLowerCase();
}

/** Lower-cased addresses of every To (or Cc) header, read like the sender, without duplicates. */
function recipients(rawHead: HeaderFieldList, hints: string[], name: 'to' | 'cc'): string[] {
  const values = rawHead.filter((f) => f.name === name).map((f) => decodeRawValue(f.value, hints));
  return [...new Set(values.flatMap((v) => mailboxesOf(v).map((m) => m.address)))];
}

/**
 * Subject and sender of a message read best-effort from its raw headers, for a record that could
 * not be parsed or processed (the admin list shows what it was). Never throws.
 */
export function peekSubjectAndSender(raw: Buffer): { subject: string | null; from: string | null } {
  try {
    const source = normaliseLineEnds(stripMboxFromLine(stripBom(raw)));
    const rawHead = rawHeaderBlock(source);
    const hints = declaredCharsets(source);
    const sender = extractSender(rawHead, hints);
    const field = rawHead.find((f) => f.name === 'subject');
    const carrier = carrierOf(sender.from?.address);
    const subject = field
      ? mapCarrierEmoji(decodeRawValue(field.value, hints, carrier), carrier).slice(0, 1000)
      : null;
    const from = sender.from?.address ?? (sender.nullSender !== null ? `${sender.nullSender} <>` : null);
    return { subject: subject || null, from };
  } catch {
    return { subject: null, from: null };
  }
}

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
