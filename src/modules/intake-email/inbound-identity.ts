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
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let n = 0;
    let lastNonSpace = -1;
    const put = (b: number) => {
      if (!this.started && isSpace(b)) return;
      this.started = true;
      out[n++] = b;
      if (!isSpace(b)) lastNonSpace = n - 1;
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.pendingCr) {
        this.pendingCr = false;
        if (b === 0x0a) {
          put(0x0a);
          continue;
        }
        put(0x0d);
      }
      if (b === 0x0d) this.pendingCr = true;
      else put(b);
    }
    if (lastNonSpace >= 0) {
      for (const h of this.held) this.fingerprint!.update(h);
      this.held = [];
      this.fingerprint!.update(out.subarray(0, lastNonSpace + 1));
      if (n > lastNonSpace + 1) this.held.push(Buffer.from(out.subarray(lastNonSpace + 1, n)));
    } else if (n > 0) {
      this.held.push(Buffer.from(out.subarray(0, n)));
    }
  }
}

/** The identity of a whole raw message (IMAP, reprocessing, tests): the same as streaming it. */
export function inboundIdentity(raw: Buffer): InboundIdentity {
  return new InboundIdentityHasher().update(raw).digest();
}
