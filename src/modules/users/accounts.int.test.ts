/** Issue 14 §3: passwords, sessions, token expiry, live streams and who sets availability. */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { expect, it } from 'vitest';
import { describeEachDb, TEST_PASSWORD, type Actor, type TestContext } from '../../../test/helpers/app.js';

async function signIn(
  ctx: TestContext,
  email: string,
  password = TEST_PASSWORD,
): Promise<{ cookie: string; csrf: string }> {
  const r = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  expect(r.statusCode).toBe(200);
  return { cookie: String(r.headers['set-cookie']).split(';')[0]!, csrf: r.json().csrfToken as string };
}

const sessionOk = async (ctx: TestContext, cookie: string) =>
  (await ctx.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } })).statusCode ===
  200;

async function newUser(ctx: TestContext, name: string, role = 'agent'): Promise<Actor> {
  const email = `${name}@test.example`;
  const u = await ctx.request('POST', '/api/v1/users', ctx.actors.admin, {
    email,
    name,
    role,
    locale: 'en',
    password: TEST_PASSWORD,
  });
  expect(u.status).toBe(201);
  const { token } = await ctx.deps.auth.createToken(null, u.body.id, 'test');
  return {
    id: u.body.id,
    email,
    role: role as Actor['role'],
    token,
    auth: { authorization: `Bearer ${token}` },
  };
}

/** Opens the live stream over real HTTP; `closed` resolves when the server ends it. */
async function openStream(
  address: string,
  headers: Record<string, string>,
): Promise<{ res: IncomingMessage; closed: Promise<void>; text: () => string }> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const r = httpRequest(
      new URL('/api/v1/events/stream', address),
      { headers: { accept: 'text/event-stream', ...headers } },
      resolve,
    );
    r.on('error', reject);
    r.end();
  });
  expect(res.statusCode).toBe(200);
  const chunks: string[] = [];
  res.setEncoding('utf8');
  res.on('data', (c: string) => chunks.push(c));
  const closed = new Promise<void>((resolve) => res.on('end', () => resolve()));
  return { res, closed, text: () => chunks.join('') };
}

const within = <T>(p: Promise<T>, ms = 3000): Promise<T | 'timeout'> =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

describeEachDb('accounts and sessions', (ctx) => {
  let address = '';
  const listen = async () => (address ||= await ctx().app.listen({ port: 0, host: '127.0.0.1' }));

  it('changing one’s own password needs the current one and ends every other session; tokens on request', async () => {
    const c = ctx();
    const me = await newUser(c, 'pwself');
    const here = await signIn(c, me.email);
    const elsewhere = await signIn(c, me.email);
    const patch = (body: object) =>
      c.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${me.id}`,
        headers: { cookie: here.cookie, 'x-csrf-token': here.csrf },
        payload: body,
      });

    const missing = await patch({ password: 'a-fresh-passphrase-1' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.problems[0]).toMatchObject({
      field: 'currentPassword',
      code: 'current_password_required',
    });
    const wrong = await patch({ password: 'a-fresh-passphrase-1', currentPassword: 'not-my-password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('current_password_incorrect');
    expect(await sessionOk(c, elsewhere.cookie)).toBe(true);

    expect(
      (await patch({ password: 'a-fresh-passphrase-1', currentPassword: TEST_PASSWORD })).statusCode,
    ).toBe(200);
    expect(await sessionOk(c, here.cookie)).toBe(true);
    expect(await sessionOk(c, elsewhere.cookie)).toBe(false);
    // Tokens stay unless asked.
    expect((await c.request('GET', '/api/v1/tickets', me)).status).toBe(200);
    expect(
      (
        await patch({
          password: 'another-passphrase-2',
          currentPassword: 'a-fresh-passphrase-1',
          revokeTokens: true,
        })
      ).statusCode,
    ).toBe(200);
    expect((await c.request('GET', '/api/v1/tickets', me)).status).toBe(401);
    const audit = await c.deps.audit.list({ limit: 5, action: 'user.password_changed' });
    expect(audit.items[0]!.data).toMatchObject({ by: 'self', tokensRevoked: 1 });
  });

  it('an administrator’s reset ends all of the user’s sessions and can revoke their tokens', async () => {
    const c = ctx();
    const u = await newUser(c, 'pwreset');
    const s = await signIn(c, u.email);
    const r = await c.request('PATCH', `/api/v1/users/${u.id}`, c.actors.admin, {
      password: 'reset-by-admin-2026',
      revokeTokens: true,
    });
    expect(r.status).toBe(200);
    expect(await sessionOk(c, s.cookie)).toBe(false);
    expect((await c.request('GET', '/api/v1/tickets', u)).status).toBe(401);
    expect(
      (
        await c.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: u.email, password: 'reset-by-admin-2026' },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('refuses short passwords, ones containing the email, and common ones, saying why (create, reset, self change)', async () => {
    const c = ctx();
    const codes = (r: { body: any }) =>
      (r.body.error.details.problems as { field: string; code: string }[])
        .filter((p) => p.field === 'password')
        .map((p) => p.code);
    const create = (password: string) =>
      c.request('POST', '/api/v1/users', c.actors.admin, {
        email: 'kenji.mori@test.example',
        name: 'K',
        role: 'agent',
        password,
      });
    expect(codes(await create('short-pw-11'))).toEqual(['password_too_short']);
    expect(codes(await create('Kenji.Mori-secure'))).toEqual(['password_contains_email']);
    expect(codes(await create('qwerty123456'))).toEqual(['password_common']);
    const u = await create('kenji-has-a-good-one');
    expect(u.status).toBe(201);
    expect(
      codes(
        await c.request('PATCH', `/api/v1/users/${u.body.id}`, c.actors.admin, { password: 'Password1234' }),
      ),
    ).toEqual(['password_common']);
    const me = c.actors.supervisor;
    expect(
      codes(
        await c.request('PATCH', `/api/v1/users/${me.id}`, me, {
          password: 'supervisor-2026',
          currentPassword: TEST_PASSWORD,
        }),
      ),
    ).toEqual(['password_contains_email']);
  });

  it('tokens may expire (401 token_expired) and record their last use at most once a minute', async () => {
    const c = ctx();
    const past = await c.request('POST', '/api/v1/tokens', c.actors.agent, {
      name: 'old',
      expiresAt: new Date(c.clock.now() - 1000).toISOString(),
    });
    expect(past.status).toBe(400);
    const expiresAt = new Date(c.clock.now() + 3600_000).toISOString();
    const t = await c.request('POST', '/api/v1/tokens', c.actors.agent, { name: 'ci', expiresAt });
    expect(t.status).toBe(201);
    expect(t.body.expiresAt).toBe(expiresAt);
    const as = { ...c.actors.agent, auth: { authorization: `Bearer ${t.body.token}` } };
    const view = async () =>
      (await c.request('GET', '/api/v1/tokens', c.actors.agent)).body.items.find(
        (x: { id: string }) => x.id === t.body.id,
      );
    expect((await view()).lastUsedAt).toBeNull();
    expect((await c.request('GET', '/api/v1/tickets', as)).status).toBe(200);
    const first = (await view()).lastUsedAt;
    expect(first).toBe(new Date(c.clock.now()).toISOString());
    c.clock.advance(30_000);
    await c.request('GET', '/api/v1/tickets', as);
    expect((await view()).lastUsedAt).toBe(first); // no write within the minute
    c.clock.advance(31_000);
    await c.request('GET', '/api/v1/tickets', as);
    expect((await view()).lastUsedAt).toBe(new Date(c.clock.now()).toISOString());
    expect((await view()).expiresAt).toBe(expiresAt);

    c.clock.advance(3600_000);
    const expired = await c.request('GET', '/api/v1/tickets', as);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('token_expired');
    expect((await view()).expired).toBe(true);
  });

  it('closes the live stream when its session ends (logout, password change) or the user is deactivated', async () => {
    const c = ctx();
    const base = await listen();
    const u = await newUser(c, 'streamer');
    const a = await signIn(c, u.email);
    const streamA = await openStream(base, { cookie: a.cookie });
    const b = await signIn(c, u.email);
    const streamB = await openStream(base, { cookie: b.cookie });
    const other = await openStream(base, { authorization: c.actors.agent.auth.authorization });

    expect(
      (
        await c.app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
        })
      ).statusCode,
    ).toBe(204);
    expect(await within(streamA.closed)).toBeUndefined();
    expect(streamA.text()).not.toContain('session.ended');

    const pw = await c.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${u.id}`,
      headers: { authorization: u.auth.authorization },
      payload: { password: 'streams-end-here-1', currentPassword: TEST_PASSWORD },
    });
    expect(pw.statusCode).toBe(200);
    expect(await within(streamB.closed)).toBeUndefined();

    const tokenStream = await openStream(base, { authorization: u.auth.authorization });
    expect((await c.request('DELETE', `/api/v1/users/${u.id}`, c.actors.admin)).status).toBe(200);
    expect(await within(tokenStream.closed)).toBeUndefined();
    // Someone else's stream stays open.
    expect(other.res.destroyed || other.res.readableEnded).toBe(false);
    other.res.destroy();
  });

  it('availability and delegate: the person, their team’s managers and administrators only; audited and notified', async () => {
    const c = ctx();
    const manager = await newUser(c, 'teammanager', 'manager');
    const supervisor = await newUser(c, 'teamsupervisor', 'supervisor');
    const member = await newUser(c, 'teammember', 'specialist');
    const outsider = await newUser(c, 'outsidemanager', 'manager');
    const team = await c.request('POST', '/api/v1/teams', c.actors.admin, {
      name: 'Accounts team',
      members: [
        { userId: manager.id, role: 'manager' },
        { userId: supervisor.id, role: 'supervisor' },
        { userId: member.id, role: 'member' },
      ],
    });
    expect(team.status).toBe(201);
    const put = (actor: Actor, id: string, body: object) =>
      c.request('PUT', `/api/v1/users/${id}/availability`, actor, body);

    // The supervisor cannot make herself the manager's delegate (and so receive and acknowledge
    // the manager's escalations), nor change a member's availability.
    const grab = await put(supervisor, manager.id, { status: 'away', delegateUserId: supervisor.id });
    expect(grab.status).toBe(403);
    expect((await put(supervisor, member.id, { status: 'off' })).status).toBe(403);
    expect((await put(outsider, member.id, { status: 'off' })).status).toBe(403);
    expect(
      (await c.request('GET', `/api/v1/users/${manager.id}`, c.actors.admin)).body.delegateUserId,
    ).toBeNull();
    const ticket = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: 'For the manager' });
    const esc = await c.request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, c.actors.agent, {
      target: { type: 'user', userId: manager.id },
      kind: 'hierarchical',
      brief: { ask: 'approve' },
    });
    expect(esc.status).toBe(201);
    expect(esc.body.receivers[0].people.map((p: { id: string }) => p.id)).toEqual([manager.id]);
    // Nor can a member of the team make themselves anyone's delegate.
    expect((await put(member, manager.id, { delegateUserId: member.id })).status).toBe(403);

    // The team's manager may, and the member is told who changed what.
    const set = await put(manager, member.id, { status: 'away', delegateUserId: manager.id });
    expect(set.status).toBe(200);
    expect(set.body.delegateUserId).toBe(manager.id);
    const audit = await c.deps.audit.list({ limit: 5, action: 'user.availability_changed' });
    expect(audit.items[0]).toMatchObject({ actorId: manager.id, targetId: member.id });
    expect(audit.items[0]!.data).toMatchObject({
      before: { availability: 'available', delegateUserId: null },
      after: { availability: 'away', delegateUserId: manager.id },
    });
    await c.deps.jobs.drain();
    const inbox = await c.request('GET', '/api/v1/notifications', member);
    const n = inbox.body.items.find((i: { event: string }) => i.event === 'user.availability_changed');
    expect(n.title).toContain('teammanager');
    expect(n.body).toContain('Delegate: none → teammanager');
    expect((await put(c.actors.admin, member.id, { status: 'available', delegateUserId: null })).status).toBe(
      200,
    );
    // One's own change is audited but not notified.
    expect((await put(member, member.id, { status: 'busy' })).status).toBe(200);
    await c.deps.jobs.drain();
    const after = await c.request('GET', '/api/v1/notifications', member);
    expect(
      after.body.items.filter((i: { event: string }) => i.event === 'user.availability_changed'),
    ).toHaveLength(2);
  });
});
