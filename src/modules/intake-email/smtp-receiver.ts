import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';
import { systemClock, type Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { InboundIdentityHasher, type InboundIdentity } from './inbound-identity.js';
import type { IntakeEmailService } from './intake-email.service.js';

export interface SmtpReceiverOptions {
  host: string;
  port: number;
  maxBytes: number;
  /** Lower-cased recipient addresses accepted; empty = any. */
  addresses: string[];
  /** Name in the greeting. */
  name?: string;
  /** For the age of temporary files a crash left behind (default: the system clock). */
  clock?: Clock;
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
 * - otherwise the raw bytes stream to a temporary file in the data dir (hashed on the way, never
 *   held in memory), which is fsynced and moved into the store with its row committed, then
 *   processed before 250 is answered, so a 250 means the mail is safe; 451 (try again later)
 *   when it could not be kept.
 */
export async function startSmtpReceiver(
  intake: IntakeEmailService,
  logger: Logger,
  o: SmtpReceiverOptions,
): Promise<SmtpReceiver> {
  await mkdir(intake.temporaryDir(), { recursive: true });
  await removeStaleTemporaryFiles(intake.temporaryDir(), (o.clock ?? systemClock).now());
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
    onRcptTo(
      address: SMTPServerAddress,
      _session: SMTPServerSession,
      callback: (err?: Error | null) => void,
    ) {
      if (accepted.size > 0 && !accepted.has(address.address.toLowerCase())) {
        return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
      }
      callback();
    },
    onData(
      stream: SMTPServerDataStream,
      session: SMTPServerSession,
      callback: (err?: Error | null, message?: string) => void,
    ) {
      const envelope = {
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
        remoteAddress: session.remoteAddress,
        helo: session.hostNameAppearsAs || null,
      };
      receiveToFile(intake, stream, o.maxBytes).then(
        async (file) => {
          if (!file)
            return callback(
              smtpError(552, `5.3.4 The message is larger than the limit of ${o.maxBytes} bytes`),
            );
          try {
            const r = await intake.receiveFile(file.path, file.identity, 'smtp', envelope);
            callback(null, `2.0.0 ${r.duplicate ? 'already received' : 'kept'} as ${r.inboundId}`);
          } catch (err) {
            await rm(file.path, { force: true });
            logger.error({ err }, 'an inbound message could not be kept');
            callback(smtpError(451, '4.3.0 Temporary failure keeping the message; try again later'));
          }
        },
        (err: unknown) => {
          logger.error({ err }, 'an inbound message could not be written');
          callback(smtpError(451, '4.3.0 Temporary failure keeping the message; try again later'));
        },
      );
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

/**
 * Streams the DATA of one message to a temporary file beside the store, hashing it on the way
 * (SHA-256 and the dedupe identity), then fsyncs it. Past `maxBytes` nothing more is written and
 * the stream is drained (smtp-server answers only after the end), the file removed, and null
 * returned. Memory stays at a few chunks whatever the size of the mail.
 */
async function receiveToFile(
  intake: IntakeEmailService,
  stream: SMTPServerDataStream,
  maxBytes: number,
): Promise<{ path: string; identity: InboundIdentity } | null> {
  const path = join(intake.temporaryDir(), `${randomUUID()}.part`);
  const fh = await open(path, 'wx');
  const hasher = new InboundIdentityHasher();
  let size = 0;
  let over = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (over || stream.sizeExceeded || size + chunk.length > maxBytes) {
        over = true; // drain: nothing past the limit is kept
        continue;
      }
      size += chunk.length;
      hasher.update(chunk);
      let written = 0;
      while (written < chunk.length)
        written += (await fh.write(chunk, written, chunk.length - written)).bytesWritten;
    }
    if (over || stream.sizeExceeded) {
      await fh.close();
      await rm(path, { force: true });
      return null;
    }
    await fh.sync();
    await fh.close();
    return { path, identity: hasher.digest() };
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(path, { force: true });
    throw err;
  }
}

/** Temporary files a crashed receiver left behind (older than a day: surely not being written). */
async function removeStaleTemporaryFiles(dir: string, now: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.endsWith('.part')) continue;
    const full = join(dir, name);
    const st = await stat(full).catch(() => null);
    if (st && now - st.mtimeMs > 24 * 3600_000) await rm(full, { force: true });
  }
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}
