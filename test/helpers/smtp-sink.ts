/** A real SMTP server on loopback that keeps every mail it accepts (tests and benches). */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SunkMail {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  acceptedAt: number;
}

export interface SmtpSink {
  port: number;
  url: string;
  mails: SunkMail[];
  /** Resolves when `n` mails have been accepted in total. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  parse(m: SunkMail): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // A local sink: no reverse DNS of 127.0.0.1 per connection.
    disableReverseLookup: true,
    size: 20 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', rcptTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks), acceptedAt: performance.now() });
        for (const w of waiters.splice(0)) if (mails.length >= w.n) w.resolve();
        else waiters.push(w);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    waitFor(n, timeoutMs = 10_000) {
      if (mails.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`smtp sink: ${mails.length} of ${n} mails after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    parse: (m) => simpleParser(m.raw),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
