import { describe, expect, it } from 'vitest';
import { createTestApp, closeTestApp, describeEachDb, TEST_PASSWORD } from '../../../test/helpers/app.js';
import { isAvailable } from '../../../test/helpers/databases.js';

describeEachDb('auth', (ctx) => {
  it('signs in with a session cookie and requires the CSRF token for changes', async () => {
    const { app, actors } = ctx();
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: actors.agent.email, password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/escalon_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0]!;
    const { csrfToken } = login.json();

    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
    expect(me.json().user.email).toBe(actors.agent.email);

    const noCsrf = await app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { cookie }, payload: { subject: 'x' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.message).toMatch(/CSRF/);

    const withCsrf = await app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { cookie, 'x-csrf-token': csrfToken }, payload: { subject: 'Printer on fire' } });
    expect(withCsrf.statusCode).toBe(201);

    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('gives the same answer for an unknown email and a wrong password, and audits both', async () => {
    const { request, actors, deps } = ctx();
    const a = await request('POST', '/api/v1/auth/login', null, { email: 'nobody@test.example', password: 'whatever-123' });
    const b = await request('POST', '/api/v1/auth/login', null, { email: actors.agent.email, password: 'wrong-password' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.error.message).toBe(b.body.error.message);
    const audit = await deps.audit.list({ limit: 50, action: 'auth.login_failed' });
    expect(audit.items.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses missing, malformed and unknown tokens with 401', async () => {
    const { app } = ctx();
    for (const authorization of [undefined, 'Bearer', 'Bearer esc_nope', 'Basic abc']) {
      const r = await app.inject({ method: 'GET', url: '/api/v1/tickets', headers: authorization ? { authorization } : {} });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('unauthenticated');
    }
  });

  it('creates a token shown once, lists it without the secret, and revokes it', async () => {
    const { request, actors } = ctx();
    const created = await request('POST', '/api/v1/tokens', actors.specialist, { name: 'script' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^esc_/);
    const auth = { ...actors.specialist, auth: { authorization: `Bearer ${created.body.token}` } };
    expect((await request('GET', '/api/v1/tickets', auth)).status).toBe(200);
    const list = await request('GET', '/api/v1/tokens', actors.specialist);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect(list.body.items.some((t: { id: string }) => t.id === created.body.id)).toBe(true);
    // Another non-admin cannot revoke it.
    expect((await request('DELETE', `/api/v1/tokens/${created.body.id}`, actors.agent)).status).toBe(403);
    expect((await request('DELETE', `/api/v1/tokens/${created.body.id}`, actors.specialist)).status).toBe(204);
    expect((await request('GET', '/api/v1/tickets', auth)).status).toBe(401);
  });

  it('only admins create tokens for other users', async () => {
    const { request, actors } = ctx();
    expect((await request('POST', '/api/v1/tokens', actors.agent, { name: 'x', userId: actors.admin.id })).status).toBe(403);
    expect((await request('POST', '/api/v1/tokens', actors.admin, { name: 'x', userId: actors.agent.id })).status).toBe(201);
    const audit = await request('GET', '/api/v1/audit?action=token.created', actors.admin);
    expect(audit.body.items.length).toBeGreaterThan(0);
  });
});

describe('login rate limit', () => {
  it.runIf(isAvailable('sqlite'))('answers 429 after too many attempts from one address', async () => {
    const ctx = await createTestApp('sqlite', { env: { ESCALON_LOGIN_RATE_LIMIT: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await ctx.request('POST', '/api/v1/auth/login', null, { email: 'x@test.example', password: 'wrong-password' })).status);
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses[4]).toBe(429);
      const r = await ctx.request('POST', '/api/v1/auth/login', null, { email: 'x@test.example', password: 'wrong-password' });
      expect(r.body.error.code).toBe('rate_limited');
    } finally {
      await closeTestApp(ctx);
    }
  });
});
