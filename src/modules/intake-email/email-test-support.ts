import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import type { IntakeEmailService } from './intake-email.service.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';
import { RawSmtpClient } from './smtp-test-client.js';

/**
 * Registers beforeAll/afterAll for an integration suite: the intake's SMTP receiver on a free
 * loopback port and a raw client connected to it (closed afterwards).
 */
export function useSmtpIntake(intake: () => IntakeEmailService): { client(): RawSmtpClient } {
  let receiver: SmtpReceiver | undefined;
  let client: RawSmtpClient | undefined;
  beforeAll(async () => {
    receiver = await startSmtpReceiver(intake(), createLogger('silent'), { host: '127.0.0.1', port: 0, maxBytes: 2 * 1024 * 1024, addresses: [] });
    client = await RawSmtpClient.open(receiver.port);
  });
  afterAll(async () => {
    await client?.close();
    await receiver?.close();
  });
  return { client: () => client! };
}

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
