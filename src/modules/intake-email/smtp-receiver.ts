import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../lib/logger.js';
import type { IntakeEmailService } from './intake-email.service.js';

export interface SmtpReceiverOptions {
  host: string;
  port: number;
  maxBytes: number;
  /** Lower-cased recipient addresses accepted; empty = any. */
  addresses: string[];
  /** Name in the greeting. */
  name?: string;
}

export interface SmtpReceiver {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The built-in SMTP receiver (smtp-server). It accepts mail without authentication or TLS:
 * run it on loopback or a private network behind the organisation's MX (which does spam and
 * TLS), or restrict it with ESCALON_SMTP_IN_ADDRESSES. Per message:
 * - RCPT TO outside the configured addresses → 550;
 * - SIZE above the limit in MAIL FROM, or more data than the limit → 552, and the chunks past
 *   the limit are discarded as they arrive (nothing is buffered or stored);
 * - otherwise the raw bytes are kept (fsynced) and processed before 250 is answered, so a 250
 *   means the mail is safe; 451 (try again later) when it could not be kept.
 */
export async function startSmtpReceiver(intake: IntakeEmailService, logger: Logger, o: SmtpReceiverOptions): Promise<SmtpReceiver> {
  const accepted = new Set(o.addresses.map((a) => a.toLowerCase()));
  const server = new SMTPServer({
    name: o.name ?? 'escalon',
    banner: 'Escalon inbound mail',
    size: o.maxBytes,
    rejectOversized: true,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    maxClients: 100,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      if (accepted.size > 0 && !accepted.has(address.address.toLowerCase())) {
        return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (stream.sizeExceeded || size + chunk.length > o.maxBytes) return; // discard: nothing past the limit is kept
        chunks.push(chunk);
        size += chunk.length;
      });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          return callback(smtpError(552, `5.3.4 The message is larger than the limit of ${o.maxBytes} bytes`));
        }
        const raw = Buffer.concat(chunks, size);
        chunks.length = 0;
        intake
          .receive(raw, 'smtp', {
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            remoteAddress: session.remoteAddress,
          })
          .then(
            (r) => callback(null, `2.0.0 ${r.duplicate ? 'already received' : 'kept'} as ${r.inboundId}`),
            (err: unknown) => {
              logger.error({ err }, 'an inbound message could not be kept');
              callback(smtpError(451, '4.3.0 Temporary failure keeping the message; try again later'));
            },
          );
      });
    },
  });
  server.on('error', (err) => logger.warn({ err }, 'SMTP receiver connection error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ host: o.host, port }, 'SMTP receiver listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}
