import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { conflict } from '../../lib/errors.js';

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

  it('changes 120 tickets in several chunks, restricted ones of its member included, each with its own version and events', async () => {
    const { request, actors, deps } = ctx();
    const legal = (await request('POST', '/api/v1/teams', actors.admin, { name: 'Bulk legal 2', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] })).body;
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push((await deps.tickets.create(null, { subject: `many ${i}`, tags: i % 3 ? ['a'] : [], ...(i % 4 === 0 && { teamId: legal.id }) })).id);
    // One ticket moved on before: it starts from a higher version.
    expect((await request('PATCH', `/api/v1/tickets/${ids[70]}`, actors.agent, { temperature: 'upset' })).status).toBe(200);
    const r = await request('POST', '/api/v1/tickets/bulk', actors.agent, { ids, changes: { priority: 'urgent', addTags: ['b'] } });
    expect(r.body).toMatchObject({ updated: 120, failed: 0 });
    expect(r.body.results.map((x: { id: string }) => x.id)).toEqual(ids);
    const rows = await deps.database.db.selectFrom('tickets').select(['id', 'priority', 'tags', 'version']).where('id', 'in', ids).execute();
    const byId = new Map(rows.map((x) => [x.id, x]));
    ids.forEach((id, i) => {
      const row = byId.get(id)!;
      expect(row.priority).toBe('urgent');
      expect(JSON.parse(row.tags)).toEqual(i % 3 ? ['a', 'b'] : ['b']);
      expect(row.version).toBe(i === 70 ? 3 : 2);
      expect(r.body.results[i].version).toBe(row.version);
    });
    const tags = await deps.database.db.selectFrom('ticket_tags').select(['ticket_id', 'tag']).where('ticket_id', 'in', ids).execute();
    expect(tags.length).toBe(120 + 80);
    const events = (await deps.database.db.selectFrom('ticket_events').select(['ticket_id', 'data']).where('ticket_id', 'in', ids).where('kind', '=', 'field.changed').execute()).filter((e) => JSON.parse(e.data).bulkId);
    expect(events.length).toBe(240);
    for (const id of ids) expect(events.filter((e) => e.ticket_id === id).map((e) => JSON.parse(e.data).field).sort()).toEqual(['priority', 'tags']);
  });

  it('a ticket another module refuses fails alone: its chunk is redone ticket by ticket', async () => {
    const { request, actors, deps } = ctx();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await deps.tickets.create(null, { subject: i === 2 ? 'refuse me' : `fine ${i}` })).id);
    deps.tickets.addHooks({
      afterUpdate: async (_tx, _before, after) => {
        if (after.subject === 'refuse me' && after.priority === 'low') throw conflict('refused by a test hook');
      },
    });
    const r = await request('POST', '/api/v1/tickets/bulk', actors.agent, { ids, changes: { priority: 'low' } });
    expect(r.body).toMatchObject({ updated: 4, failed: 1 });
    expect(r.body.results[2]).toMatchObject({ id: ids[2], ok: false, error: { code: 'conflict', message: 'refused by a test hook' } });
    const rows = await deps.database.db.selectFrom('tickets').select(['id', 'priority']).where('id', 'in', ids).execute();
    expect(Object.fromEntries(rows.map((x) => [x.id, x.priority]))).toEqual(Object.fromEntries(ids.map((id, i) => [id, i === 2 ? 'normal' : 'low'])));
    // The refused ticket's change left nothing on its timeline; the others have theirs once.
    const events = await deps.database.db.selectFrom('ticket_events').select('ticket_id').where('ticket_id', 'in', ids).where('kind', '=', 'field.changed').execute();
    expect(events.map((e) => e.ticket_id).sort()).toEqual(ids.filter((_, i) => i !== 2).sort());
  });
});
