import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

describeEachDb('teams and customers API', (ctx) => {
  it('creates teams with members; only admins manage them', async () => {
    const { request, actors } = ctx();
    const body = { name: '請求 / Billing', contactEmail: 'billing@test.example', contactPhone: '03-0000-0000', members: [{ userId: actors.specialist.id, role: 'member' }, { userId: actors.manager.id, role: 'manager' }] };
    expect((await request('POST', '/api/v1/teams', actors.manager, body)).status).toBe(403);
    const t = await request('POST', '/api/v1/teams', actors.admin, body);
    expect(t.status).toBe(201);
    expect(t.body.members).toHaveLength(2);
    expect((await request('POST', '/api/v1/teams', actors.admin, body)).status).toBe(409);
    const bad = await request('POST', '/api/v1/teams', actors.admin, { name: 'Ghosts', members: [{ userId: '01a2079d-64a3-72d6-8665-1ccf40357136', role: 'member' }] });
    expect(bad.status).toBe(400);
    const mine = await request('GET', '/api/v1/teams?member=me', actors.specialist);
    expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(t.body.id);
    const patched = await request('PATCH', `/api/v1/teams/${t.body.id}`, actors.admin, { members: [] });
    expect(patched.body.members).toEqual([]);
  });

  it('refuses to delete a team that still has tickets', async () => {
    const { request, actors } = ctx();
    const t = await request('POST', '/api/v1/teams', actors.admin, { name: 'Temporary' });
    await request('POST', '/api/v1/tickets', actors.agent, { subject: 'x', teamId: t.body.id });
    expect((await request('DELETE', `/api/v1/teams/${t.body.id}`, actors.admin)).status).toBe(409);
    const empty = await request('POST', '/api/v1/teams', actors.admin, { name: 'Empty' });
    expect((await request('DELETE', `/api/v1/teams/${empty.body.id}`, actors.admin)).status).toBe(204);
    expect((await request('GET', `/api/v1/teams/${empty.body.id}`, actors.admin)).status).toBe(404);
  });

  it('manages customers and organisations with tiers', async () => {
    const { request, actors } = ctx();
    const org = await request('POST', '/api/v1/organizations', actors.agent, { name: '株式会社テスト', tier: 'gold' });
    expect(org.status).toBe(201);
    const c = await request('POST', '/api/v1/customers', actors.agent, { name: '顧客 花子', email: 'Hanako@Customer.example', organizationId: org.body.id });
    expect(c.status).toBe(201);
    expect(c.body.email).toBe('hanako@customer.example');
    expect(c.body.tier).toBe('standard');
    expect(c.body.effectiveTier).toBe('gold');
    expect((await request('POST', '/api/v1/customers', actors.agent, { name: 'dup', email: 'hanako@customer.example' })).status).toBe(409);
    expect((await request('POST', '/api/v1/customers', actors.agent, { name: 'x', organizationId: '01a2079d-64a3-72d6-8665-1ccf40357136' })).status).toBe(400);
    const found = await request('GET', '/api/v1/customers?q=hanako', actors.agent);
    expect(found.body.items.map((x: { id: string }) => x.id)).toEqual([c.body.id]);
    // Deleting: agents may not; a customer with tickets cannot be deleted.
    expect((await request('DELETE', `/api/v1/customers/${c.body.id}`, actors.agent)).status).toBe(403);
    await request('POST', '/api/v1/tickets', actors.agent, { subject: 'q', requesterId: c.body.id });
    expect((await request('DELETE', `/api/v1/customers/${c.body.id}`, actors.manager)).status).toBe(409);
    expect((await request('DELETE', `/api/v1/organizations/${org.body.id}`, actors.manager)).status).toBe(409);
  });
});
