import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { excerpt, failure, type DeliveryResult } from './delivery.js';

export type MailerConfig =
  | { driver: 'log' }
  | {
      driver: 'smtp';
      host: string;
      port: number;
      /** true: TLS from the first byte (465); false: STARTTLS when the server offers it. */
      secure: boolean;
      user?: string;
      password?: string;
      from: string;
      /** Connection, greeting and socket timeouts; defaults 10 s, 10 s, 30 s. */
      timeoutsMs?: { connection?: number; greeting?: number; socket?: number };
      /** Accept self-signed certificates (a lab relay); never for production. */
      allowInvalidCertificates?: boolean;
    };

export interface OutgoingMail {
  /** Overrides the configured From (replies to customers come from the support address). */
  from?: string;
  to: string | string[];
  cc?: string[];
  /** Files sent with the mail (a reply's attachments). */
  attachments?: { filename: string; contentType: string; path: string }[];
  subject: string;
  text: string;
  html?: string;
  /** `<local@domain>`; stable per notification so a retried send keeps the same id. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  replyTo?: string;
  /** Extra headers; values containing line breaks are rejected by nodemailer's encoding. */
  headers?: Record<string, string>;
  /**
   * Notifications are machine-generated (RFC 3834 `Auto-Submitted: auto-generated`), which
   * stops vacation responders from answering them. Set false for a person's reply to a customer.
   */
  autoSubmitted?: boolean;
}

/** The subset of a pino logger the log driver needs. */
export interface MailLogger {
  info(obj: object, msg: string): void;
}

export interface Mailer {
  readonly driver: 'log' | 'smtp';
  send(mail: OutgoingMail): Promise<DeliveryResult>;
  /** Checks that the relay accepts a connection (and the login); for `escalon doctor`-style checks. */
  verify(): Promise<DeliveryResult>;
  close(): void;
}

const FALLBACK_FROM = 'escalon@localhost';

/**
 * Outgoing mail. The `log` driver (no ESCALON_SMTP_URL) writes each message to the logger and
 * reports success, so a fresh install works without a relay. Never throws for a send failure:
 * SMTP 5xx replies are permanent (not retried), 4xx replies and connection problems are
 * temporary (retried).
 */
export const createMailer = (config: MailerConfig, logger?: MailLogger): Mailer => {
  if (config.driver === 'log') {
    return {
      driver: 'log',
      async send(mail) {
        logger?.info(
          {
            mail: {
              to: mail.to,
              cc: mail.cc,
              subject: mail.subject,
              messageId: mail.messageId,
              inReplyTo: mail.inReplyTo,
              references: mail.references,
              text: mail.text,
            },
          },
          'mail not sent (log driver): set ESCALON_SMTP_URL to deliver it',
        );
        return { ok: true, response: `logged ${mail.messageId}` };
      },
      async verify() {
        return { ok: true, response: 'log driver' };
      },
      close() {},
    };
  }

  // Pooled: a connection is kept and reused (up to 8 at once, as many as the worker sends in
  // parallel); opening one per mail costs ~100 ms of handshake and caps a burst at ~40 mails/s.
  const transportOptions: SMTPTransport.Options & { pool: true; maxConnections: number } = {
    pool: true,
    maxConnections: 8,
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
    connectionTimeout: config.timeoutsMs?.connection ?? 10_000,
    greetingTimeout: config.timeoutsMs?.greeting ?? 10_000,
    socketTimeout: config.timeoutsMs?.socket ?? 30_000,
    tls: config.allowInvalidCertificates ? { rejectUnauthorized: false } : undefined,
  };
  const transport = nodemailer.createTransport(transportOptions);

  return {
    driver: 'smtp',
    async send(mail) {
      const headers: Record<string, string> = { ...mail.headers };
      if (mail.autoSubmitted !== false) {
        headers['Auto-Submitted'] = 'auto-generated';
        // Exchange/Outlook honour this instead of RFC 3834.
        headers['X-Auto-Response-Suppress'] = 'All';
      }
      try {
        const info = await transport.sendMail({
          from: mail.from ?? config.from,
          to: mail.to,
          cc: mail.cc,
          attachments: mail.attachments,
          replyTo: mail.replyTo,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          inReplyTo: mail.inReplyTo,
          references: mail.references,
          headers,
        });
        const rejected = info.rejected.map(String);
        return {
          ok: true,
          response: `${excerpt(info.response)}${rejected.length > 0 ? ` (rejected: ${rejected.join(', ')})` : ''}`,
        };
      } catch (err) {
        return resultOfSmtpError(err);
      }
    },
    async verify() {
      try {
        await transport.verify();
        return { ok: true, response: `connected to ${config.host}:${config.port}` };
      } catch (err) {
        return resultOfSmtpError(err);
      }
    },
    close() {
      transport.close();
    },
  };
};

/** Maps a nodemailer error to a DeliveryResult: 5xx permanent, everything else temporary. */
export const resultOfSmtpError = (err: unknown): DeliveryResult => {
  const e = (err ?? {}) as { responseCode?: unknown; response?: unknown; code?: unknown; message?: unknown };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const text = excerpt(
    [
      typeof e.code === 'string' ? e.code : undefined,
      typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(err),
    ]
      .filter(Boolean)
      .join(' '),
  );
  if (responseCode !== undefined) return failure(responseCode < 500, text);
  // A message nodemailer could not even compose will not compose better next time.
  if (e.code === 'EMESSAGE' || e.code === 'EENVELOPE') return failure(false, text);
  return failure(true, text);
};

/** The domain part of a From address (`Escalon <help@example.com>` → `example.com`). */
export const mailDomainOf = (from: string): string => {
  const match = /@([^>\s]+)>?\s*$/.exec(from.trim());
  return match?.[1] ?? FALLBACK_FROM.split('@')[1]!;
};

/**
 * Message ids that thread every mail about one ticket together: each notification replies to
 * the ticket's root id, so mail clients group them and a reply carries the ticket id back in
 * In-Reply-To / References (see `ticketIdOfMessageId`).
 */
export const ticketThreadIds = (
  ticketId: string,
  mailId: string,
  domain: string,
): { messageId: string; inReplyTo: string; references: string[] } => {
  const root = `<ticket.${ticketId}@${domain}>`;
  return { messageId: `<ticket.${ticketId}.${mailId}@${domain}>`, inReplyTo: root, references: [root] };
};

/** The ticket id inside an id made by `ticketThreadIds`, or undefined for foreign ids. */
export const ticketIdOfMessageId = (messageId: string): string | undefined =>
  /^<?ticket\.([0-9A-Za-z-]+)(?:\.[^@]+)?@[^>]+>?$/.exec(messageId.trim())?.[1];
