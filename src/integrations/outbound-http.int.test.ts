import { afterEach, describe, expect, it } from 'vitest';
import { parseOutboundAllow } from '../lib/outbound-address.js';
import { reply, startReceiver, loopbackOutbound, type LoopbackReceiver } from './loopback-test-support.js';
import { OutboundHttp } from './outbound-http.js';
import { postWebhook, type WebhookEnvelope } from './webhook.js';

const NOW = Date.UTC(2026, 0, 5, 0, 0, 0);
const envelope: WebhookEnvelope = { id: 'dlv_1', event: 'escalation.requested', occurredAt: new Date(NOW).toISOString(), data: {} };
const receivers: LoopbackReceiver[] = [];
afterEach(async () => Promise.all(receivers.splice(0).map((r) => r.close())));
const ok = async () => {
  const r = await startReceiver((_req, res) => reply(res, 204, ''));
  receivers.push(r);
  return r;
};

describe('outbound HTTP guard (real loopback receiver)', () => {
  it('refuses loopback by default, as a permanent failure with the reason, without connecting', async () => {
    const r = await ok();
    const result = await postWebhook(r.url, envelope, 's', NOW);
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.response).toMatch(/^refused: 127\.0\.0\.1, a loopback address, is not allowed/);
    expect(r.requests).toHaveLength(0);
  });

  it('checks the address a name resolves to when connecting: localhost is refused', async () => {
    const r = await ok();
    const result = await postWebhook(r.url.replace('127.0.0.1', 'localhost'), envelope, 's', NOW);
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.response).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    expect(r.requests).toHaveLength(0);
  });

  it('refuses IPv4-mapped IPv6, metadata and private literals', async () => {
    const r = await ok();
    const port = new URL(r.url).port;
    for (const url of [`http://[::ffff:127.0.0.1]:${port}/`, 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://10.0.0.1/', 'http://0.0.0.0/']) {
      const result = await postWebhook(url, envelope, 's', NOW);
      expect(result, url).toMatchObject({ ok: false, retryable: false });
      expect(result.response, url).toMatch(/^refused: /);
    }
    expect(r.requests).toHaveLength(0);
  });

  it('lets through what ESCALON_OUTBOUND_ALLOW permits, by CIDR or by host name', async () => {
    const r = await ok();
    expect(await postWebhook(r.url, envelope, 's', NOW, { outbound: loopbackOutbound })).toMatchObject({ ok: true });
    const byName = new OutboundHttp(parseOutboundAllow(['localhost']).policy);
    try {
      expect(await postWebhook(r.url.replace('127.0.0.1', 'localhost'), envelope, 's', NOW, { outbound: byName })).toMatchObject({ ok: true });
      // The name is allowed, not the address: the literal stays refused.
      expect(await postWebhook(r.url, envelope, 's', NOW, { outbound: byName })).toMatchObject({ ok: false, retryable: false });
    } finally {
      await byName.close();
    }
    expect(r.requests).toHaveLength(2);
  });

  it('does not follow a redirect to a private or metadata address', async () => {
    const r = await startReceiver((_req, res) => reply(res, 302, 'moved', { location: 'http://169.254.169.254/latest/meta-data/' }));
    receivers.push(r);
    const result = await postWebhook(r.url, envelope, 's', NOW, { outbound: loopbackOutbound });
    expect(result).toEqual({ ok: false, retryable: false, response: 'HTTP 302 redirect to http://169.254.169.254/latest/meta-data/ not followed' });
    expect(r.requests).toHaveLength(1);
  });

  it('keeps the status and headers of an answer, not its body', async () => {
    const r = await startReceiver((_req, res) => reply(res, 500, 'internal admin page: db password=hunter2', { 'x-request-id': 'abc' }));
    receivers.push(r);
    const result = await postWebhook(r.url, envelope, 's', NOW, { outbound: loopbackOutbound });
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.response).toBe('HTTP 500 (content-type: text/plain; x-request-id: abc)');
  });
});
