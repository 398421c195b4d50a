import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
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

/**
 * Offline DNS for the SPF/DKIM/DMARC tests: answers from `records` (`"name TYPE"` → answer,
 * as node:dns resolve() gives it), ENOTFOUND otherwise.
 */
export function fakeDns(records: Record<string, unknown>): (name: string, rrtype: string) => Promise<unknown> {
  return async (name, rrtype) => {
    const hit = records[`${name.toLowerCase()} ${rrtype}`];
    if (hit === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return hit;
  };
}

/** A DKIM key pair made with node:crypto, and the TXT record that publishes it. */
export function dkimKey(): { privateKey: string; txt: string[][] } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), txt: [[`v=DKIM1; k=rsa; p=${p}`]] };
}

/** The message with a real DKIM-Signature of `domain` (selector `sel`) prepended. */
export async function dkimSigned(raw: Buffer, domain: string, privateKey: string): Promise<Buffer> {
  // mailauth reads signatureData (its .d.ts names only the top-level fields).
  const options = { signingDomain: domain, selector: 'sel', privateKey, canonicalization: 'relaxed/relaxed', signatureData: [{ signingDomain: domain, selector: 'sel', privateKey, canonicalization: 'relaxed/relaxed' }] };
  const r = await dkimSign(raw, options);
  if (r.errors.length > 0) throw r.errors[0];
  return Buffer.concat([Buffer.from(r.signatures), raw]);
}
