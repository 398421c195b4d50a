import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

const MISSING = '01900000-0000-7000-8000-00000000abcd';

/** Issue 15 §2: POST /api/v1/tickets/bulk changes a selection, each ticket on its own timeline, failures per ticket. */
describeEachDb('bulk ticket actions', (ctx) => {
  it('assigns, re-prioritises and tags 20 tickets in one request, each change on its own timeline', async () => {
    const { request, actors } = ctx();
    const team = (await request('POST', '/api/v1/teams', actors.admin, { name: 'Bulk team', members: [{ userId: actors.agent.id, role: 'member' }] })).body;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await request('POST', '/api/v1/tickets', actors.agent, { subject: `bulk ${i}`, tags: i % 2 ? ['old', 'keep'] : ['keep'] })).body.id);
    const r = await request('POST', '/api/v1/tickets/bulk', actors.agent, { ids, changes: { assigneeId: actors.agent.id, teamId: team.id, priority: 'high', status: 'pending', addTags: ['Refund'], removeTags: ['old'] } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ updated: 20, unchanged: 0, failed: 0 });
    expect(r.body.results.map((x: { id: string }) => x.id)).toEqual(ids);
    for (const id of ids) {
      const t = (await request('GET', `/api/v1/tickets/${id}`, actors.agent)).body;
      expect(t).toMatchObject({ assigneeId: actors.agent.id, teamId: team.id, priority: 'high', status: 'pending', tags: ['keep', 'refund'] });
    }
    const events = (await request('GET', `/api/v1/tickets/${ids[1]}/timeline`, actors.agent)).body.items.filter((e: { kind: string }) => e.kind === 'field.changed' || e.kind === 'ticket.assigned');
    expect(events.map((e: { data: { field: string } }) => e.data.field).sort()).toEqual(['assigneeId', 'priority', 'status', 'tags', 'teamId']);
    // One bulk action: the same bulkId on every event it wrote, on every ticket.
    const bulkIds = new Set(events.map((e: { data: { bulkId: string } }) => e.data.bulkId));
    expect(bulkIds.size).toBe(1);
    const other = (await request('GET', `/api/v1/tickets/${ids[0]}/timeline`, actors.agent)).body.items.find((e: { kind: string }) => e.kind === 'field.changed');
    expect(bulkIds.has(other.data.bulkId)).toBe(true);
    // The same request again changes nothing and says so.
    const again = await request('POST', '/api/v1/tickets/bulk', actors.agent, { ids, changes: { priority: 'high' } });
    expect(again.body).toMatchObject({ updated: 0, unchanged: 20, failed: 0 });
  });

  it('reports each ticket that cannot change, and changes the others', async () => {
    const { request, actors, otherAgent } = ctx();
    const legal = (await request('POST', '/api/v1/teams', actors.admin, { name: 'Bulk legal', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] })).body;
    const open = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'fine' })).body;
    const closed = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'closed' })).body;
    expect((await request('PATCH', `/api/v1/tickets/${closed.id}`, actors.agent, { status: 'closed' })).status).toBe(200);
    const hidden = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'secret', teamId: legal.id })).body;
    const r = await request('POST', '/api/v1/tickets/bulk', otherAgent, { ids: [open.id, closed.id, hidden.id, MISSING], changes: { status: 'solved' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ updated: 1, failed: 3 });
    const [ok, isClosed, isHidden, isMissing] = r.body.results;
    expect(ok).toMatchObject({ id: open.id, ok: true, changed: 1 });
    expect(isClosed).toMatchObject({ id: closed.id, ok: false, error: { code: 'conflict' } });
    // Not visible reads exactly like not there.
    expect(isHidden.error.code).toBe('not_found');
    expect(JSON.stringify(isHidden).split(hidden.id).join('<id>')).toBe(JSON.stringify(isMissing).split(MISSING).join('<id>'));
    expect(JSON.stringify(r.body)).not.toContain('secret');
    expect((await request('GET', `/api/v1/tickets/${hidden.id}`, actors.agent)).body.status).toBe('new');
    expect((await request('GET', `/api/v1/tickets/${open.id}`, actors.agent)).body.status).toBe('solved');
  });

  it('refuses a bad request as a whole with 400', async () => {
    const { request, actors } = ctx();
    const t = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'x' })).body;
    const tooMany = Array.from({ length: 501 }, (_, i) => `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`);
    for (const body of [
      { ids: tooMany, changes: { priority: 'low' } },
      { ids: [], changes: { priority: 'low' } },
      { ids: [t.id], changes: {} },
      { ids: [t.id], changes: { priority: 'whenever' } },
      { ids: [t.id], changes: { subject: 'not in bulk' } },
      { ids: ['not-a-uuid'], changes: { priority: 'low' } },
      { ids: [t.id, t.id], changes: { priority: 'low' } },
      { ids: [t.id], changes: { assigneeId: MISSING } },
    ]) {
      const r = await request('POST', '/api/v1/tickets/bulk', actors.agent, body);
      expect(r.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(r.body.error.message).toBeTruthy();
    }
    expect((await request('POST', '/api/v1/tickets/bulk', null, { ids: [t.id], changes: { priority: 'low' } })).status).toBe(401);
    expect((await request('GET', `/api/v1/tickets/${t.id}`, actors.agent)).body.priority).toBe('normal');
  });
});
