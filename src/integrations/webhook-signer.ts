import { createHmac, timingSafeEqual } from 'node:crypto';
import { headerValue, type HeaderBag } from './delivery.js';

/**
 * Signatures on Escalon's outgoing webhooks (and on the signed inbound chat webhook).
 *
 *   X-Escalon-Timestamp: <unix seconds>
 *   X-Escalon-Signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 *
 * The timestamp is inside the signed text, so a captured request cannot be replayed later
 * than the tolerance (5 minutes). Several `v1=` values separated by commas may be sent while
 * a secret is being rotated; a receiver accepts the request when any of them matches.
 *
 * How a receiver verifies (use the raw body bytes, before any JSON parsing):
 *
 * Shell (openssl), with the body saved to body.json:
 *
 *   TS=1767571200                      # value of X-Escalon-Timestamp
 *   { printf '%s.' "$TS"; cat body.json; } \
 *     | openssl dgst -sha256 -hmac "$ESCALON_WEBHOOK_SECRET" -hex | sed 's/^.* //'
 *   # compare with X-Escalon-Signature without its "v1=" prefix, and check that
 *   # $(date +%s) - TS is at most 300
 *
 * Node:
 *
 *   import { createHmac, timingSafeEqual } from 'node:crypto';
 *   function verify(secret, headers, rawBody) {
 *     const ts = headers['x-escalon-timestamp'];
 *     if (!/^\d+$/.test(ts ?? '') || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
 *     const expected = createHmac('sha256', secret).update(`${ts}.${rawBody}`).digest();
 *     return (headers['x-escalon-signature'] ?? '').split(',').some((part) => {
 *       const [scheme, hex] = part.trim().split('=');
 *       const given = Buffer.from(hex ?? '', 'hex');
 *       return scheme === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
 *     });
 *   }
 *
 * Deliveries are retried, so deduplicate on X-Escalon-Delivery.
 */

export const TIMESTAMP_HEADER = 'X-Escalon-Timestamp';
export const SIGNATURE_HEADER = 'X-Escalon-Signature';
export const DEFAULT_TOLERANCE_SEC = 300;

const hmac = (secret: string, timestamp: string, rawBody: string | Buffer): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();

/** Headers to add to a request whose body is exactly `rawBody`. */
export const signWebhook = (
  secret: string,
  rawBody: string | Buffer,
  nowMs: number,
): { [TIMESTAMP_HEADER]: string; [SIGNATURE_HEADER]: string } => {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: `v1=${hmac(secret, timestamp, rawBody).toString('hex')}`,
  };
};

/**
 * True when the signature matches one of `secrets` (several during a rotation) and the
 * timestamp is within `toleranceSec` of now, in either direction (clock skew).
 */
export const verifyWebhook = (
  secret: string | readonly string[],
  headers: HeaderBag,
  rawBody: string | Buffer,
  nowMs: number,
  toleranceSec = DEFAULT_TOLERANCE_SEC,
): boolean => {
  const timestamp = headerValue(headers, TIMESTAMP_HEADER);
  const signature = headerValue(headers, SIGNATURE_HEADER);
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSec) return false;
  const given = signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1=') && /^[0-9a-f]{64}$/i.test(part.slice(3)))
    .map((part) => Buffer.from(part.slice(3), 'hex'));
  const secrets = typeof secret === 'string' ? [secret] : secret;
  // Compare every pair without short-circuiting so timing does not reveal which one matched.
  let matched = false;
  for (const s of secrets) {
    const expected = hmac(s, timestamp, rawBody);
    for (const g of given) if (timingSafeEqual(g, expected)) matched = true;
  }
  return matched;
};
