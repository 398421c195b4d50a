import { AppError } from '../../lib/errors.js';

/** One mailbox of an address header. `name` is '' when the header gave none. */
export interface EmailMailbox {
  address: string;
  name: string;
}

/** Why an attachment's bytes were dropped (its metadata is kept so an agent sees it existed). */
export type AttachmentRejection = 'attachment_too_large';

export interface ParsedAttachment {
  /** Decoded file name (RFC 2231 / RFC 2047), or null when the part named none. */
  filename: string | null;
  contentType: string;
  /** Decoded size in bytes, also when the content was dropped. */
  size: number;
  /** Content-ID without angle brackets; what `cid:` references in `html` point at. */
  contentId: string | null;
  /** Shown in the body (an inline image referenced by `cid:`) rather than listed as a file. */
  inline: boolean;
  /** Decoded bytes; empty when `rejected` is set. */
  content: Buffer;
  /** SHA-256 (hex) of the decoded bytes, computed before any rejection. */
  sha256: string;
  rejected: AttachmentRejection | null;
}

export interface ParseLimits {
  /** An attachment larger than this (decoded) keeps its metadata but loses its bytes. */
  maxAttachmentBytes: number;
  /** A raw message larger than this is refused (so decoded attachments never add up to more). */
  maxTotalBytes: number;
}

export interface ParsedEmail {
  /** Message-ID without angle brackets; synthetic (`sha256-…@escalon.invalid`) when missing. */
  messageId: string;
  messageIdSynthetic: boolean;
  inReplyTo: string | null;
  /** References header, oldest first as in the header, without angle brackets. */
  references: string[];
  /** Decoded subject ('' when missing). */
  subject: string;
  /**
   * The sender: the first From with a usable address, else Sender, else Reply-To (full-width
   * addresses NFKC-normalised). null when there is none, or when From is a null sender.
   */
  from: EmailMailbox | null;
  /**
   * A From with an empty address (`From: MAILER-DAEMON <>`): its display name ('null' when it
   * has none), so automated mail is recognised instead of being read as "no sender"; else null.
   */
  nullSender: string | null;
  replyTo: EmailMailbox[];
  /** Lower-cased addresses of To / Cc (groups flattened, duplicates removed). */
  to: string[];
  cc: string[];
  /** The Date header; null when missing or unparseable (never "now": the caller owns the clock). */
  date: Date | null;
  /** Plain body: the text/plain part, or text derived from the HTML when there is none. */
  text: string;
  /** HTML sanitised for display (see email-sanitize.ts), or null when the mail had no HTML. */
  html: string | null;
  /** `text` with the quoted reply history folded away. */
  visibleText: string;
  /** What was folded out of `text` ('' when nothing was). */
  quotedText: string;
  attachments: ParsedAttachment[];
  /**
   * Every header of the top-level part, lower-cased name → unfolded values in order. Values are
   * raw (not RFC 2047 decoded) except that folding is removed; classification reads these.
   */
  headers: Record<string, string[]>;
  /** Top-level Content-Type, lower-cased value with lower-cased parameter names. */
  contentType: { value: string; params: Record<string, string> };
  /** Return-Path address; '' for the null path `<>`, null when the header is absent. */
  returnPath: string | null;
  /** Size of the raw message in bytes and its SHA-256 (hex), for dedupe and storage. */
  rawSize: number;
  rawSha256: string;
}

export type EmailParseFailure =
  /** No bytes at all (or only whitespace). */
  | 'empty'
  /** The raw message is larger than `maxTotalBytes`. */
  | 'too_large'
  /** Bytes that do not start with a header section: not an email. */
  | 'no_headers'
  /** The parser's own limits (header block size, number of MIME parts) were exceeded. */
  | 'limits_exceeded'
  /** The parser failed in some other way. */
  | 'malformed';

/**
 * A mail that could not be parsed. The intake keeps the raw bytes and lists these for admins
 * (a mail is never dropped), so `reason` is stable and machine-readable.
 */
export class EmailParseError extends AppError {
  constructor(
    readonly reason: EmailParseFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(reason === 'too_large' ? 'payload_too_large' : 'bad_request', message, { reason }, options);
    this.name = 'EmailParseError';
  }
}

export type AutoReplyReason =
  | 'auto_submitted'
  | 'x_autoreply'
  | 'x_autorespond'
  | 'precedence'
  | 'out_of_office_subject'
  | 'null_return_path'
  | 'read_receipt'
  | 'delivery_report'
  | 'feedback_report'
  /** A mail system's own address (mailer-daemon, postmaster, post_master…) wrote it. */
  | 'automated_sender'
  /** A mailing-list manager's notice (fml "not member", "Loop Alert", Mailman…). */
  | 'list_notice'
  /** A machine's notification (cloud alarms, no-reply notices). */
  | 'notification';

export type BounceReason = 'delivery_status_report' | 'mailer_daemon';

/** One recipient a delivery report says failed. */
export interface BounceFailure {
  /** Lower-cased address; '' when the report did not say. */
  recipient: string;
  /** RFC 3463 status such as '5.1.1', or null. */
  status: string | null;
  /** The remote server's words (`smtp; 550 5.1.1 User unknown`), or null. */
  diagnostic: string | null;
  /** DSN Action (failed, expired), or null for a report without fields. */
  action: string | null;
}

export type InboundClassification =
  | {
      kind: 'message';
      /** A human mail, but we must not send it an automatic acknowledgement (list, suppress header). */
      suppressAutoResponse: boolean;
    }
  | { kind: 'auto_reply'; reason: AutoReplyReason; detail?: string }
  | {
      kind: 'bounce';
      reason: BounceReason;
      /** Message-ID (without <>) of our mail that bounced, when the report says. */
      originalMessageId?: string;
      /**
       * Every Message-ID the bounce quotes, most specific first (Original-Message-ID, the quoted
       * message's own Message-ID, Message-ID lines of the body, then other quoted ids), so the
       * intake can find ours among them.
       */
      candidateMessageIds?: string[];
      /** The failed recipient address (lower-cased). */
      recipient?: string;
      /** RFC 3463 status such as '5.1.1'. */
      status?: string;
      diagnostic?: string;
      /** Every failed recipient the report names (the first is also `recipient`/`status`/`diagnostic`). */
      failures?: BounceFailure[];
    };
