import { expect, it } from 'vitest';
import { describeEachDb, TEST_PASSWORD } from '../../../test/helpers/app.js';

describeEachDb('users API', (ctx) => {
  it('lets only admins create users, and validates every field', async () => {
    const { request, actors } = ctx();
    for (const role of ['agent', 'specialist', 'supervisor', 'manager'] as const) {
      expect((await request('POST', '/api/v1/users', actors[role], { email: 'n@test.example', name: 'N', role: 'agent' })).status).toBe(403);
    }
    const bad = await request('POST', '/api/v1/users', actors.admin, { email: 'not-an-email', name: 'N', role: 'agent', timeZone: 'Mars/Base', password: 'short' });
    expect(bad.status).toBe(400);
    const fields = bad.body.error.details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'timeZone', 'password']));

    const ok = await request('POST', '/api/v1/users', actors.admin, { email: 'New.Person@Test.example', name: '新人 太郎', role: 'agent', locale: 'ja', password: 'a-good-password' });
    expect(ok.status).toBe(201);
    expect(ok.body.email).toBe('new.person@test.example');
    const dup = await request('POST', '/api/v1/users', actors.admin, { email: 'new.person@test.example', name: 'Again', role: 'agent' });
    expect(dup.status).toBe(409);
  });

  it('rejects unknown fields and wrong types', async () => {
    const { request, actors } = ctx();
    const r = await request('POST', '/api/v1/users', actors.admin, { email: 'x@test.example', name: 'X', role: 'wizard', isRoot: true });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/isRoot/);
    expect(r.body.error.message).toMatch(/role/);
  });

  it('lets a user change their own settings but not their role', async () => {
    const { request, actors } = ctx();
    const me = actors.specialist;
    expect((await request('PATCH', `/api/v1/users/${me.id}`, me, { locale: 'ja', timeZone: 'Europe/London' })).body.timeZone).toBe('Europe/London');
    expect((await request('PATCH', `/api/v1/users/${me.id}`, me, { role: 'admin' })).status).toBe(403);
    expect((await request('PATCH', `/api/v1/users/${actors.agent.id}`, me, { name: 'Hacked' })).status).toBe(403);
    const pw = await request('PATCH', `/api/v1/users/${me.id}`, me, { password: 'a-new-password-1' });
    expect(pw.status).toBe(400);
    expect(pw.body.error.details.problems[0].field).toBe('currentPassword');
    expect((await request('PATCH', `/api/v1/users/${me.id}`, me, { password: 'a-new-password-1', currentPassword: TEST_PASSWORD })).status).toBe(200);
  });

  it('audits role changes and refuses to demote the last admin', async () => {
    const { request, actors, deps } = ctx();
    const u = await request('POST', '/api/v1/users', actors.admin, { email: 'promote@test.example', name: 'P', role: 'agent' });
    expect((await request('PATCH', `/api/v1/users/${u.body.id}`, actors.admin, { role: 'supervisor' })).body.role).toBe('supervisor');
    const audit = await deps.audit.list({ limit: 10, action: 'user.role_changed' });
    expect(audit.items[0]!.data).toEqual({ from: 'agent', to: 'supervisor' });
    const last = await request('PATCH', `/api/v1/users/${actors.admin.id}`, actors.admin, { role: 'agent' });
    expect(last.status).toBe(409);
  });

  it('deactivating a user stops their tokens', async () => {
    const { request, actors, deps } = ctx();
    const u = await request('POST', '/api/v1/users', actors.admin, { email: 'leaver@test.example', name: 'L', role: 'agent' });
    const { token } = await deps.auth.createToken(null, u.body.id, 't');
    const leaver = { ...actors.agent, auth: { authorization: `Bearer ${token}` } };
    expect((await request('GET', '/api/v1/tickets', leaver)).status).toBe(200);
    expect((await request('DELETE', `/api/v1/users/${u.body.id}`, actors.admin)).body.active).toBe(false);
    expect((await request('GET', '/api/v1/tickets', leaver)).status).toBe(401);
  });

  it('lists with cursor pagination and 404s unknown ids', async () => {
    const { request, actors } = ctx();
    const first = await request('GET', '/api/v1/users?limit=2', actors.agent);
    expect(first.body.items).toHaveLength(2);
    const second = await request('GET', `/api/v1/users?limit=2&cursor=${first.body.nextCursor}`, actors.agent);
    expect(second.body.items[0].id > first.body.items[1].id).toBe(true);
    expect((await request('GET', '/api/v1/users/01a2079d-64a3-72d6-8665-1ccf40357136', actors.agent)).status).toBe(404);
    expect((await request('GET', '/api/v1/users/not-a-uuid', actors.agent)).status).toBe(400);
    expect((await request('GET', '/api/v1/users?cursor=garbage', actors.agent)).status).toBe(400);
  });

  it('sets availability for oneself, not as a supervisor outside the rules', async () => {
    const { request, actors } = ctx();
    expect((await request('PUT', `/api/v1/users/${actors.agent.id}/availability`, actors.agent, { availability: 'away' })).body.availability).toBe('away');
    expect((await request('PUT', `/api/v1/users/${actors.agent.id}/availability`, actors.specialist, { availability: 'off' })).status).toBe(403);
    expect((await request('PUT', `/api/v1/users/${actors.agent.id}/availability`, actors.supervisor, { availability: 'available' })).status).toBe(403);
    expect((await request('PUT', `/api/v1/users/${actors.agent.id}/availability`, actors.admin, { availability: 'available' })).status).toBe(200);
  });
});
