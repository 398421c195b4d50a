import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

/** Issue 15 §2: saved views — personal vs shared, bad input, counts that respect a restricted team. */
describeEachDb('saved views', (get) => {
  let legalId = '';
  let shared = '';
  let personal = '';

  it('sets up a restricted team with two urgent tickets and an open team with one', async () => {
    const c = get();
    const { actors } = c;
    const legal = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Legal', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] });
    expect(legal.status, JSON.stringify(legal.body)).toBe(201);
    legalId = legal.body.id;
    const open = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Front' });
    for (const teamId of [legalId, legalId, open.body.id]) {
      const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Urgent thing', requesterEmail: 'v@example.com', teamId, priority: 'urgent', tags: ['VIP'] });
      expect(t.status, JSON.stringify(t.body)).toBe(201);
    }
    await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Low thing', requesterEmail: 'v@example.com', priority: 'low' });
  });

  it('refuses bad views with 4xx', async () => {
    const c = get();
    const { actors } = c;
    const post = (body: unknown, actor = actors.agent) => c.request('POST', '/api/v1/views', actor, body);
    expect((await post({})).status).toBe(400);
    expect((await post({ name: '  ' })).status).toBe(400);
    expect((await post({ name: 'x', filters: { priority: ['sky-high'] } })).status).toBe(400);
    expect((await post({ name: 'x', filters: { nonsense: 1 } })).status).toBe(400);
    expect((await post({ name: 'x', sort: 'sideways' })).status).toBe(400);
    expect((await post({ name: 'x', columns: ['subject', 'subject'] })).status).toBe(400);
    expect((await post({ name: 'x', columns: ['secret'] })).status).toBe(400);
    expect((await post({ name: 'x', scope: 'shared' })).status).toBe(403);
    expect((await c.request('PATCH', '/api/v1/views/01900000-0000-7000-8000-000000000001', actors.agent, { name: 'y' })).status).toBe(404);
  });

  it('personal and shared: agents see shared + own; shared ones are saved by supervisors and audited', async () => {
    const c = get();
    const { actors, otherAgent } = c;
    const s = await c.request('POST', '/api/v1/views', actors.supervisor, { name: 'Urgent VIP', filters: { priority: ['urgent'], tag: ['vip'], status: ['new', 'open'] }, sort: '-updated', columns: ['number', 'subject', 'priority'], scope: 'shared' });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect(s.body).toMatchObject({ name: 'Urgent VIP', filters: { priority: ['urgent'], tag: ['vip'] }, sort: '-updated', columns: ['number', 'subject', 'priority'], scope: 'shared', ownerId: null });
    shared = s.body.id;
    const p = await c.request('POST', '/api/v1/views', actors.agent, { name: 'My low', filters: { priority: ['low'] } });
    expect(p.body).toMatchObject({ scope: 'personal', ownerId: actors.agent.id, sort: null, columns: [] });
    personal = p.body.id;
    const names = async (a: typeof otherAgent) => ((await c.request('GET', '/api/v1/views', a)).body.items as { name: string }[]).map((v) => v.name);
    expect(await names(actors.agent)).toEqual(['Urgent VIP', 'My low']);
    expect(await names(otherAgent)).toEqual(['Urgent VIP']);
    expect((await c.request('GET', `/api/v1/views/${personal}`, otherAgent)).status).toBe(404);
    expect((await c.request('DELETE', `/api/v1/views/${personal}`, otherAgent)).status).toBe(404);
    expect((await c.request('PATCH', `/api/v1/views/${shared}`, actors.agent, { name: 'mine' })).status).toBe(403);
    expect((await c.request('DELETE', `/api/v1/views/${shared}`, actors.agent)).status).toBe(403);
    expect((await c.request('PATCH', `/api/v1/views/${personal}`, actors.agent, {})).status).toBe(400);
    const renamed = await c.request('PATCH', `/api/v1/views/${personal}`, actors.agent, { name: 'Low ones', columns: ['subject'] });
    expect(renamed.body).toMatchObject({ name: 'Low ones', columns: ['subject'], filters: { priority: ['low'] } });
    expect((await c.request('PATCH', `/api/v1/views/${shared}`, actors.supervisor, { sort: 'created' })).status).toBe(200);
    const audit = await c.deps.database.db.selectFrom('audit_log').select('action').where('target_type', '=', 'view').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['view.created', 'view.updated']);
  });

  it('counts per view what the caller sees: the restricted team counts for its member only', async () => {
    const c = get();
    const { actors, otherAgent } = c;
    const counts = async (a: typeof otherAgent) => Object.fromEntries(((await c.request('GET', '/api/v1/views/counts', a)).body.items as { id: string; count: number; more: boolean }[]).map((x) => [x.id, [x.count, x.more]]));
    expect(await counts(actors.agent)).toEqual({ [shared]: [3, false], [personal]: [1, false] });
    expect(await counts(otherAgent)).toEqual({ [shared]: [1, false] });
    // The list with the same filters agrees with the count.
    const list = await c.request('GET', '/api/v1/tickets?priority=urgent&tag=vip&status=new&status=open', otherAgent);
    expect(list.body.items).toHaveLength(1);
    // "me" and "mine" mean the caller.
    const mine = await c.request('POST', '/api/v1/views', otherAgent, { name: 'Legal', filters: { team: [legalId] } });
    expect((await counts(otherAgent))[mine.body.id]).toEqual([0, false]);
  });

  it('deletes: personal by its owner, shared by supervisors (audited)', async () => {
    const c = get();
    const { actors } = c;
    expect((await c.request('DELETE', `/api/v1/views/${personal}`, actors.agent)).status).toBe(204);
    expect((await c.request('DELETE', `/api/v1/views/${shared}`, actors.supervisor)).status).toBe(204);
    expect((await c.request('GET', '/api/v1/views', actors.agent)).body.items).toEqual([]);
    const last = await c.deps.database.db.selectFrom('audit_log').select('action').where('target_type', '=', 'view').orderBy('id', 'desc').executeTakeFirst();
    expect(last?.action).toBe('view.deleted');
  });
});
