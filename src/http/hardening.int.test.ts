import { expect, it } from 'vitest';
import { describeEachDb } from '../../test/helpers/app.js';
import { signWebhook } from '../integrations/webhook-signer.js';
import { buildEml, withHeaders } from '../modules/intake-email/email-test-support.js';

const json = { 'content-type': 'application/json' };

describeEachDb('edge hardening: security headers', (ctx) => {
  it('sends a strict CSP, frame-ancestors none, nosniff and Referrer-Policy on the API, and no HSTS over http', async () => {
    const { request, actors } = ctx();
    for (const [url, actor] of [['/api/v1/tickets', actors.agent], ['/api/v1/auth/me', null], ['/healthz', null], ['/no-such-page', null]] as const) {
      const r = await request('GET', url, actor);
      const csp = String(r.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).not.toContain('unsafe-inline');
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("object-src 'none'");
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
      expect(r.headers['referrer-policy'], url).toBe('no-referrer');
      expect(r.headers['x-frame-options'], url).toBe('DENY');
      expect(r.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('keeps the pages’ own policies: the playbook allows only its style by hash, the contact form stays embeddable', async () => {
    const { request, actors } = ctx();
    const book = await request('GET', '/api/v1/playbook', actors.agent);
    expect(book.status).toBe(200);
    expect(book.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; .*frame-ancestors 'none'$/);
    const contact = await request('GET', '/contact', null);
    expect(contact.status).toBe(200);
    expect(contact.headers['content-security-policy']).toMatch(/script-src 'sha256-/);
    expect(contact.headers['content-security-policy']).not.toContain('frame-ancestors');
    expect(contact.headers['x-frame-options']).toBeUndefined();
    expect(contact.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a client X-Request-Id only when it is short and safe, else a new id', async () => {
    const { app } = ctx();
    const idOf = async (id: string) => {
      const r = await app.inject({ method: 'GET', url: '/api/v1/tickets', headers: { 'x-request-id': id } });
      expect(r.statusCode).toBe(401);
      return JSON.parse(r.body).error.requestId as string;
    };
    expect(await idOf('edge-7f3a.01:b_2')).toBe('edge-7f3a.01:b_2');
    for (const bad of ['x'.repeat(129), 'a b', 'abc\u202e', '<script>', 'line"break', '']) {
      const got = await idOf(bad);
      expect(got).not.toBe(bad);
      expect(got).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describeEachDb(
  'edge hardening: HSTS behind an https public URL',
  (ctx) => {
    it('sends Strict-Transport-Security and upgrade-insecure-requests', async () => {
      const r = await ctx().request('GET', '/healthz', null);
      expect(r.headers['strict-transport-security']).toMatch(/^max-age=31536000; includeSubDomains$/);
      expect(r.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    });
  },
  { env: { ESCALON_PUBLIC_URL: 'https://escalon.example.com' } },
);

describeEachDb('edge hardening: NUL characters', (ctx) => {
  it('answers 400 naming the field for NUL in a body, a query parameter, a path parameter, the contact form and login', async () => {
    const { app, request, actors } = ctx();
    const cases: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; body?: unknown; field: string }[] = [
      { method: 'POST', url: '/api/v1/tickets', headers: actors.agent.auth, body: { subject: 'Printer\u0000down' }, field: 'body.subject' },
      { method: 'POST', url: '/api/v1/tickets', headers: actors.agent.auth, body: { subject: 'ok', tags: ['a', 'b\u0000'] }, field: 'body.tags.1' },
      { method: 'GET', url: '/api/v1/tickets?q=abc%00def', headers: actors.agent.auth, field: 'query.q' },
      { method: 'GET', url: '/api/v1/customers?q=%00', headers: actors.agent.auth, field: 'query.q' },
      { method: 'GET', url: '/api/v1/tickets/abc%00', headers: actors.agent.auth, field: 'params.id' },
      { method: 'POST', url: '/api/v1/auth/login', body: { email: 'admin@test.example\u0000', password: 'x' }, field: 'body.email' },
      { method: 'POST', url: '/api/v1/public/contact', body: { name: 'N', email: 'n@example.jp', subject: 's', message: 'hello\u0000', locale: 'ja', website: '' }, field: 'body.message' },
    ];
    for (const c of cases) {
      const r = await app.inject({ method: c.method, url: c.url, headers: { ...c.headers, ...(c.body ? json : {}) }, payload: c.body === undefined ? undefined : JSON.stringify(c.body), remoteAddress: '10.9.9.9' });
      expect(r.statusCode, `${c.url} ${r.body}`).toBe(400);
      const err = JSON.parse(r.body).error;
      expect(err.code).toBe('validation_failed');
      expect(err.details.problems[0].field, c.url).toBe(c.field);
      expect(err.message).toContain('NUL');
    }
    // Nothing was stored.
    const list = await request('GET', '/api/v1/tickets', actors.agent);
    expect(list.body.items.some((t: { subject: string }) => t.subject.startsWith('Printer'))).toBe(false);
  });
});

describeEachDb('edge hardening: attachment names', (ctx) => {
  it('strips bidi control characters from uploaded attachment names', async () => {
    const { app, actors, request } = ctx();
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Bidi' });
    const name = 'invoice\u202Efdp.txt\u2066\u2069\u200E\u200F\u061C\u202A\u202B\u202C\u202D\u2067\u2068';
    const up = await app.inject({ method: 'POST', url: `/api/v1/tickets/${ticket.body.id}/attachments?filename=${encodeURIComponent(name)}`, headers: { ...actors.agent.auth, 'content-type': 'text/plain' }, payload: Buffer.from('hello') });
    expect(up.statusCode, up.body).toBe(201);
    expect(JSON.parse(up.body).filename).toBe('invoicefdp.txt');
    expect(JSON.parse(up.body).filename).toHaveLength('invoicefdp.txt'.length);
  });

});

const METRICS_TOKEN = 'metrics-token-0123456789';

describeEachDb(
  'edge hardening: /metrics behind a token',
  (ctx) => {
    it('answers 401 without the Bearer token and the metrics with it', async () => {
      const { app } = ctx();
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}x`]) {
        const r = await app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
        expect(r.statusCode, authorization).toBe(401);
        expect(r.body).not.toContain('escalon_');
      }
      const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('escalon_http_request_duration_seconds');
    });
  },
  { env: { ESCALON_METRICS_TOKEN: METRICS_TOKEN } },
);

describeEachDb(
  'edge hardening: /metrics in production without a token or listener',
  (ctx) => {
    it('is not served on the public address', async () => {
      const r = await ctx().app.inject({ method: 'GET', url: '/metrics' });
      expect(r.statusCode).toBe(404);
      expect(r.body).not.toContain('escalon_');
    });
  },
  { env: { NODE_ENV: 'production', ESCALON_SECRET_KEY: 'k'.repeat(40) } },
);

describeEachDb('intake keeps messages that carry NUL or bidi controls', (ctx) => {
  it('mail: strips NUL from subject and body and bidi controls from attachment names, and opens the ticket', async () => {
    const { deps } = ctx();
    const boundary = 'b0undary';
    const raw = buildEml(
      withHeaders([['Subject', 'Printer\u0000 broken'], ['Message-ID', '<nul-bidi@example.jp>'], ['Content-Type', `multipart/mixed; boundary="${boundary}"`]]),
      [`--${boundary}`, 'Content-Type: text/plain; charset=utf-8', '', 'It\u0000 prints nothing.', `--${boundary}`,
        `Content-Type: application/octet-stream; name="=?UTF-8?B?${Buffer.from('invoice\u202Efdp.exe').toString('base64')}?="`,
        'Content-Transfer-Encoding: base64', `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent('invoice\u202Efdp.exe')}`, '', Buffer.from('MZ').toString('base64'), `--${boundary}--`, ''].join('\r\n'),
    );
    const r = await deps.intakeEmail.receive(raw, 'smtp');
    expect(r.status, r.reason ?? '').toBe('processed');
    const db = deps.database.db;
    const ticket = await db.selectFrom('tickets').selectAll().where('id', '=', r.ticketId!).executeTakeFirstOrThrow();
    expect(ticket.subject).toBe('Printer broken');
    const files = await db.selectFrom('attachments').select('filename').where('ticket_id', '=', r.ticketId!).execute();
    expect(files.map((f) => f.filename)).toEqual(['invoicefdp.exe']);
  });

  it('messaging webhook: strips NUL from the text instead of losing the message', async () => {
    const t = ctx();
    const created = await t.request('POST', '/api/v1/messaging-integrations', t.actors.admin, { name: 'LINE nul' });
    const payload = JSON.stringify({ conversationId: 'conv-nul', from: { id: 'U\u0000 1', name: 'Sato\u0000' }, text: 'Broken\u0000 again', sentAt: '2026-01-05T00:00:00Z' });
    const r = await t.app.inject({ method: 'POST', url: `/api/v1/integrations/messaging/${created.body.id}`, headers: { ...json, ...signWebhook(created.body.secret, payload, t.clock.now()) }, payload });
    expect(r.statusCode, r.body).toBe(200);
    const ticket = await t.deps.database.db.selectFrom('tickets').selectAll().where('id', '=', r.json().ticketId).executeTakeFirstOrThrow();
    expect(ticket.subject).not.toContain('\u0000');
    expect(ticket.subject).toContain('Broken again');
  });
});
