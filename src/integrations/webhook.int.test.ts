import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook, type WebhookEnvelope } from './webhook.js';
import { verifyWebhook } from './webhook-signer.js';
import { closedPort, reply, startReceiver, type LoopbackReceiver, loopbackOutbound } from './loopback-test-support.js';

const out = { outbound: loopbackOutbound };

const SECRET = 'whsec_test_0123456789';
const NOW = Date.UTC(2026, 0, 5, 0, 0, 0);
const receivers: LoopbackReceiver[] = [];
afterEach(async () => Promise.all(receivers.splice(0).map((r) => r.close())));

const envelope: WebhookEnvelope = {
  id: 'dlv_0192f3a4',
  event: 'escalation.requested',
  occurredAt: new Date(NOW).toISOString(),
  data: { ticket: { number: 1042, subject: 'ログインできない' } },
};

/** A consumer that verifies the signature the way the README tells integrators to. */
const consumer = async (secret: string, consumerNowMs: number): Promise<LoopbackReceiver> => {
  const r = await startReceiver((req, res) => {
    if (!verifyWebhook(secret, req.headers, req.rawBody, consumerNowMs))
      return reply(res, 401, 'bad signature');
    reply(res, 204, '');
  });
  receivers.push(r);
  return r;
};

describe('postWebhook against a real consumer on loopback', () => {
  it('sends signed JSON with event and delivery headers that the consumer verifies', async () => {
    const r = await consumer(SECRET, NOW + 2_000);
    const result = await postWebhook(`${r.url}/hooks/escalon`, envelope, SECRET, NOW, out);
    expect(result).toEqual({ ok: true, response: 'HTTP 204 (content-type: text/plain)' });
    const req = r.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hooks/escalon');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req.headers['x-escalon-event']).toBe('escalation.requested');
    expect(req.headers['x-escalon-delivery']).toBe('dlv_0192f3a4');
    expect(req.headers['x-escalon-timestamp']).toBe(String(NOW / 1000));
    expect(req.headers['x-escalon-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(JSON.parse(req.rawBody)).toEqual(envelope);
  });

  it('is refused by a consumer holding another secret: 401 is permanent', async () => {
    const r = await consumer('another-secret', NOW);
    const result = await postWebhook(r.url, envelope, SECRET, NOW, out);
    expect(result).toEqual({ ok: false, retryable: false, response: 'HTTP 401 (content-type: text/plain)' });
  });

  it('is refused by a consumer whose clock is more than 5 minutes later (replay window)', async () => {
    const r = await consumer(SECRET, NOW + 301_000);
    expect(await postWebhook(r.url, envelope, SECRET, NOW, out)).toMatchObject({ ok: false, retryable: false });
  });

  it('honours Retry-After on 429 (seconds and HTTP-date forms)', async () => {
    let n = 0;
    const r = await startReceiver((_req, res) => {
      n += 1;
      reply(res, 429, 'slow down', { 'retry-after': n === 1 ? '120' : new Date(NOW + 30_000).toUTCString() });
    });
    receivers.push(r);
    expect(await postWebhook(r.url, envelope, SECRET, NOW, out)).toEqual({
      ok: false,
      retryable: true,
      response: 'HTTP 429 (content-type: text/plain; retry-after: 120)',
      retryAfterMs: 120_000,
    });
    expect(await postWebhook(r.url, envelope, SECRET, NOW, out)).toMatchObject({
      retryable: true,
      retryAfterMs: 30_000,
    });
  });

  it('treats 5xx and 408 as retryable, other 4xx and redirects as permanent', async () => {
    const statuses = [500, 503, 408, 400, 404, 410, 302];
    const r = await startReceiver((req, res) => {
      const status = Number(req.path.slice(1));
      reply(res, status, `status ${status}`, status === 302 ? { location: 'http://elsewhere.example/' } : {});
    });
    receivers.push(r);
    const results = await Promise.all(
      statuses.map((s) => postWebhook(`${r.url}/${s}`, envelope, SECRET, NOW, out)),
    );
    expect(results.map((x) => (x.ok ? 'ok' : x.retryable))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(results[6]!.response).toContain('redirect to http://elsewhere.example/ not followed');
  });

  it('returns a retryable failure, not a throw, for a closed port', async () => {
    const port = await closedPort();
    const result = await postWebhook(`http://127.0.0.1:${port}/`, envelope, SECRET, NOW, out);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.response).toMatch(/ECONNREFUSED/);
  });

  it('times out a consumer that never answers, as a retryable failure', async () => {
    const r = await startReceiver(() => undefined);
    receivers.push(r);
    const result = await postWebhook(r.url, envelope, SECRET, NOW, { timeoutMs: 200, ...out });
    expect(result).toEqual({ ok: false, retryable: true, response: 'timed out after 200 ms' });
  });
});
