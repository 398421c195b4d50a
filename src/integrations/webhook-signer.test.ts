import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './webhook-signer.js';

const NOW = Date.UTC(2026, 0, 5, 0, 0, 0);
const body = '{"id":"d1","event":"sla.breached"}';

describe('webhook signatures', () => {
  it('signs `${timestamp}.${rawBody}` with HMAC-SHA256 (the documented recipe)', () => {
    const headers = signWebhook('s3cret', body, NOW + 999);
    const ts = String(NOW / 1000);
    expect(headers['X-Escalon-Timestamp']).toBe(ts);
    expect(headers['X-Escalon-Signature']).toBe(
      `v1=${createHmac('sha256', 's3cret').update(`${ts}.${body}`).digest('hex')}`,
    );
  });

  it('verifies with lower-case Node headers and with a fetch Headers object', () => {
    const signed = signWebhook('s3cret', body, NOW);
    const lower = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyWebhook('s3cret', lower, body, NOW)).toBe(true);
    expect(verifyWebhook('s3cret', new Headers(signed), Buffer.from(body), NOW)).toBe(true);
  });

  it('rejects a changed body, a wrong secret, and missing or malformed headers', () => {
    const signed = signWebhook('s3cret', body, NOW);
    expect(verifyWebhook('s3cret', signed, body.replace('breached', 'warning'), NOW)).toBe(false);
    expect(verifyWebhook('other', signed, body, NOW)).toBe(false);
    expect(verifyWebhook('s3cret', {}, body, NOW)).toBe(false);
    expect(verifyWebhook('s3cret', { ...signed, 'X-Escalon-Signature': 'v1=zz' }, body, NOW)).toBe(false);
    expect(verifyWebhook('s3cret', { ...signed, 'X-Escalon-Timestamp': '1e9' }, body, NOW)).toBe(false);
  });

  it('accepts within the tolerance and refuses stale or far-future timestamps', () => {
    const signed = signWebhook('s3cret', body, NOW);
    expect(verifyWebhook('s3cret', signed, body, NOW + 300_000)).toBe(true);
    expect(verifyWebhook('s3cret', signed, body, NOW + 301_000)).toBe(false);
    expect(verifyWebhook('s3cret', signed, body, NOW - 301_000)).toBe(false);
    expect(verifyWebhook('s3cret', signed, body, NOW + 60_000, 30)).toBe(false);
  });

  it('accepts any of several secrets or signatures during a rotation', () => {
    const oldSig = signWebhook('old', body, NOW);
    const newSig = signWebhook('new', body, NOW);
    expect(verifyWebhook(['new', 'old'], oldSig, body, NOW)).toBe(true);
    const both = {
      ...newSig,
      'X-Escalon-Signature': `${newSig['X-Escalon-Signature']}, ${oldSig['X-Escalon-Signature']}`,
    };
    expect(verifyWebhook('old', both, body, NOW)).toBe(true);
    expect(verifyWebhook(['third'], both, body, NOW)).toBe(false);
  });
});
