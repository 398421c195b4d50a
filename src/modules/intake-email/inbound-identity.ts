import { createHash, type Hash } from 'node:crypto';
import { normaliseMessageId, parseHeaderFields } from './email-headers.js';

/**
 * Identity of a mail before it is parsed: its Message-ID (or a synthetic one from the raw hash,
 * as the parser makes it) and a fingerprint of what the sender wrote (From, Subject, body). A
 * mail delivered twice (a retried SMTP transaction, the same mail by SMTP and IMAP with other
 * Received headers) has the same key; a different mail reusing a Message-ID does not, so it is
 * never swallowed as a duplicate.
 */
export interface InboundIdentity {
  messageId: string;
  dedupeKey: string;
  rawSha256: string;
  size: number;
}

/** The header section is looked for in the first 512 KiB; a mail with none there has an empty body. */
const HEAD_WINDOW = 512 * 1024;

/** Bytes JavaScript's String.prototype.trim removes from a latin1 string. */
const isSpace = (b: number): boolean => (b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0xa0;

/**
 * Computes the identity while the raw message streams by, in constant memory (the first
 * 512 KiB are held to find the header section). Feeding a whole message at once gives exactly
 * what `inboundIdentity` gives.
 */
export class InboundIdentityHasher {
  private readonly raw = createHash('sha256');
  private size = 0;
  private head: Buffer[] = [];
  private headSize = 0;
  private messageId: string | null = null;
  /** sha256(`From\nSubject\n` + normalised body), fed as the body streams; null until the head is read. */
  private fingerprint: Hash | null = null;
  /** No header end within the window: the body counts as empty (as it always has). */
  private bodyIgnored = false;
  /** Body normalisation (CRLF → LF, then trim): a CR waiting for its LF, leading spaces seen, trailing spaces held. */
  private pendingCr = false;
  private started = false;
  private held: Buffer[] = [];

  update(chunk: Buffer): this {
    this.raw.update(chunk);
    this.size += chunk.length;
    if (this.fingerprint) {
      this.feedBody(chunk);
      return this;
    }
    this.head.push(chunk);
    this.headSize += chunk.length;
    if (this.headSize >= HEAD_WINDOW) this.settleHead();
    return this;
  }

  digest(): InboundIdentity {
    if (!this.fingerprint) this.settleHead();
    // A last lone CR and any held trailing spaces are trimmed away.
    const rawSha256 = this.raw.digest('hex');
    const messageId = this.messageId ?? `sha256-${rawSha256}@synthetic.escalon.invalid`;
    const fingerprint = this.fingerprint!.digest('hex');
    return { messageId, dedupeKey: `${messageId}#${fingerprint.slice(0, 32)}`, rawSha256, size: this.size };
  }

  /** Reads the header section from what has arrived (at most the window), then streams the rest as body. */
  private settleHead(): void {
    const all = Buffer.concat(this.head);
    this.head = [];
    const text = all.subarray(0, HEAD_WINDOW).toString('latin1');
    const end = text.search(/\r?\n\r?\n/);
    const fields = parseHeaderFields(end === -1 ? text : text.slice(0, end));
    const first = (name: string) => fields.find((f) => f.name === name)?.value ?? '';
    this.messageId = normaliseMessageId(first('message-id'));
    this.fingerprint = createHash('sha256').update(`${first('from')}\n${first('subject')}\n`, 'latin1');
    if (end === -1) this.bodyIgnored = true;
    else this.feedBody(all.subarray(end));
  }

  private feedBody(chunk: Buffer): void {
    if (this.bodyIgnored || chunk.length === 0) return;
    // CRLF → LF with whole-segment copies (a CR at the end of a chunk waits for the next one).
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let n = 0;
    let i = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (chunk[0] !== 0x0a) out[n++] = 0x0d;
    }
    while (i < chunk.length) {
      const cr = chunk.indexOf(0x0d, i);
      const end = cr === -1 ? chunk.length : cr;
      n += chunk.copy(out, n, i, end);
      if (cr === -1) break;
      if (cr + 1 === chunk.length) {
        this.pendingCr = true;
        break;
      }
      if (chunk[cr + 1] !== 0x0a) out[n++] = 0x0d; // a lone CR stays
      i = cr + 1;
    }
    let segment = out.subarray(0, n);
    // Trim: leading spaces dropped, trailing ones held back until something else follows.
    if (!this.started) {
      let k = 0;
      while (k < segment.length && isSpace(segment[k]!)) k++;
      segment = segment.subarray(k);
      if (segment.length === 0) return;
      this.started = true;
    }
    let last = segment.length - 1;
    while (last >= 0 && isSpace(segment[last]!)) last--;
    if (last < 0) {
      this.held.push(Buffer.from(segment));
      return;
    }
    for (const h of this.held) this.fingerprint!.update(h);
    this.held = [];
    this.fingerprint!.update(segment.subarray(0, last + 1));
    if (last + 1 < segment.length) this.held.push(Buffer.from(segment.subarray(last + 1)));
  }
}

/** The identity of a whole raw message (IMAP, reprocessing, tests): the same as streaming it. */
export function inboundIdentity(raw: Buffer): InboundIdentity {
  return new InboundIdentityHasher().update(raw).digest();
}
