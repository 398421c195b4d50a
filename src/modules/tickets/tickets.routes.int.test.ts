import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

describeEachDb('tickets API', (ctx) => {
  it('creates a ticket with a human number, a requester found by email and the first message', async () => {
    const { request, actors } = ctx();
    const r = await request('POST', '/api/v1/tickets', actors.agent, {
      subject: '請求書の金額が違います',
      description: '11月分が二重に請求されています。',
      requesterEmail: 'kobayashi@kaede.example',
      requesterName: '小林 誠',
      priority: 'high',
      category: 'billing-dispute',
      tags: ['請求', 'VIP', 'vip'],
      channel: 'email',
      temperature: 'upset',
    });
    expect(r.status).toBe(201);
    expect(r.body.number).toBeGreaterThan(1000);
    expect(r.body.status).toBe('new');
    expect(r.body.tags).toEqual(['請求', 'vip']);
    expect(r.body.requesterId).toBeTruthy();
    const timeline = await request('GET', `/api/v1/tickets/${r.body.id}/timeline`, actors.agent);
    const kinds = timeline.body.items.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['ticket.created', 'message.added']);
    const msg = timeline.body.items[1];
    expect(msg.author).toMatchObject({ type: 'customer', name: '小林 誠' });
    expect(msg.body).toBe('11月分が二重に請求されています。');
    const again = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'second', requesterEmail: 'KOBAYASHI@kaede.example' });
    expect(again.body.requesterId).toBe(r.body.requesterId);
    expect(again.body.number).toBe(r.body.number + 1);
  });

  it('records every field change on the timeline and guards against lost updates', async () => {
    const { request, actors } = ctx();
    const t = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Login fails' })).body;
    const u = await request('PATCH', `/api/v1/tickets/${t.id}`, actors.agent, { priority: 'urgent', assigneeId: actors.agent.id, temperature: 'angry', expectedVersion: t.version });
    expect(u.status).toBe(200);
    expect(u.body).toMatchObject({ priority: 'urgent', assigneeId: actors.agent.id, temperature: 'angry', version: t.version + 1 });
    const stale = await request('PATCH', `/api/v1/tickets/${t.id}`, actors.agent, { priority: 'low', expectedVersion: t.version });
    expect(stale.status).toBe(409);
    const events = (await request('GET', `/api/v1/tickets/${t.id}/timeline`, actors.agent)).body.items;
    const changes = events.filter((e: { kind: string }) => e.kind === 'field.changed' || e.kind === 'ticket.assigned').map((e: { data: { field: string } }) => e.data.field);
    expect(changes.sort()).toEqual(['assigneeId', 'priority', 'temperature']);
    const solved = await request('PATCH', `/api/v1/tickets/${t.id}`, actors.agent, { status: 'solved' });
    expect(solved.body.solvedAt).not.toBeNull();
    const closed = await request('PATCH', `/api/v1/tickets/${t.id}`, actors.agent, { status: 'closed' });
    expect(closed.body.closedAt).not.toBeNull();
    const after = await request('PATCH', `/api/v1/tickets/${t.id}`, actors.agent, { priority: 'low' });
    expect(after.status).toBe(409);
  });

  it('refuses references to things that do not exist, naming the field', async () => {
    const { request, actors } = ctx();
    const ghost = '01a2079d-64a3-72d6-8665-1ccf40357136';
    const r = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'x', teamId: ghost, assigneeId: ghost });
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems.map((p: { field: string }) => p.field).sort()).toEqual(['assigneeId', 'teamId']);
    // The failed request wrote nothing: no ticket, and the next ticket takes the next number.
    const all = (await request('GET', '/api/v1/tickets?limit=200', actors.agent)).body.items;
    expect(all.filter((t: { subject: string }) => t.subject === 'x')).toHaveLength(0);
    const next = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'after failure' });
    expect(next.body.number).toBe(Math.max(1000, ...all.map((t: { number: number }) => t.number)) + 1);
  });

  it('adds public replies and internal notes; a reply opens a new ticket', async () => {
    const { request, actors } = ctx();
    const t = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Where is my order?' })).body;
    const note = await request('POST', `/api/v1/tickets/${t.id}/messages`, actors.agent, { body: 'Checked the warehouse system.', visibility: 'internal' });
    expect(note.status).toBe(201);
    expect(note.body.visibility).toBe('internal');
    expect((await request('GET', `/api/v1/tickets/${t.id}`, actors.agent)).body.status).toBe('new');
    const reply = await request('POST', `/api/v1/tickets/${t.id}/messages`, actors.agent, { body: 'It ships tomorrow.', visibility: 'public' });
    expect(reply.body.author).toMatchObject({ type: 'user', id: actors.agent.id, name: 'agent' });
    expect((await request('GET', `/api/v1/tickets/${t.id}`, actors.agent)).body.status).toBe('open');
    const publicOnly = await request('GET', `/api/v1/tickets/${t.id}/timeline?visibility=public`, actors.agent);
    expect(publicOnly.body.items.map((e: { body: string }) => e.body)).toEqual(['It ships tomorrow.']);
    expect((await request('POST', `/api/v1/tickets/${t.id}/messages`, actors.agent, { body: 'x', visibility: 'secret' })).status).toBe(400);
    expect((await request('POST', `/api/v1/tickets/${t.id}/messages`, actors.agent, { body: '', visibility: 'public' })).status).toBe(400);
  });

  it('filters queues by status, priority, team, assignee, requester, tag, category and text', async () => {
    const { request, actors } = ctx();
    const team = (await request('POST', '/api/v1/teams', actors.admin, { name: 'Queue team', members: [{ userId: actors.specialist.id, role: 'member' }] })).body;
    const mk = async (body: Record<string, unknown>) => (await request('POST', '/api/v1/tickets', actors.agent, body)).body;
    const a = await mk({ subject: 'Alpha refund', priority: 'urgent', teamId: team.id, tags: ['q-filter'], category: 'q-cat', description: '返金をお願いします' });
    const b = await mk({ subject: 'Beta question', priority: 'low', assigneeId: actors.specialist.id, tags: ['q-filter'] });
    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((x) => x.id);
    expect(ids(await request('GET', '/api/v1/tickets?tag=q-filter&priority=urgent', actors.agent))).toEqual([a.id]);
    expect(ids(await request('GET', '/api/v1/tickets?tag=q-filter&priority=urgent&priority=low', actors.agent)).sort()).toEqual([a.id, b.id].sort());
    expect(ids(await request('GET', '/api/v1/tickets?tag=q-filter&team=mine', actors.specialist))).toEqual([a.id]);
    expect(ids(await request('GET', '/api/v1/tickets?tag=q-filter&assignee=me', actors.specialist))).toEqual([b.id]);
    expect(ids(await request('GET', '/api/v1/tickets?tag=q-filter&assignee=none', actors.agent))).toEqual([a.id]);
    expect(ids(await request('GET', '/api/v1/tickets?category=q-cat', actors.agent))).toEqual([a.id]);
    expect(ids(await request('GET', `/api/v1/tickets?text=${encodeURIComponent('返金')}`, actors.agent))).toEqual([a.id]);
    expect(ids(await request('GET', '/api/v1/tickets?text=ALPHA', actors.agent))).toEqual([a.id]);
    expect(ids(await request('GET', `/api/v1/tickets?text=%23${b.number}`, actors.agent))).toEqual([b.id]);
    expect(ids(await request('GET', '/api/v1/tickets?tag=q-filter&status=open', actors.agent))).toEqual([b.id]);
    expect((await request('GET', '/api/v1/tickets?status=broken', actors.agent)).status).toBe(400);
    expect((await request('GET', '/api/v1/tickets?bogus=1', actors.agent)).status).toBe(400);
  });

  it('paginates with cursors without skipping or repeating', async () => {
    const { request, actors } = ctx();
    for (let i = 0; i < 7; i++) await request('POST', '/api/v1/tickets', actors.agent, { subject: `page ${i}`, tags: ['paging'] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await request('GET', `/api/v1/tickets?tag=paging&limit=3${cursor ? `&cursor=${cursor}` : ''}`, actors.agent);
      seen.push(...r.body.items.map((x) => x.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort().reverse()).toEqual(seen);
    const upd: string[] = [];
    cursor = null;
    do {
      const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await request('GET', `/api/v1/tickets?tag=paging&limit=2&sort=updated${cursor ? `&cursor=${cursor}` : ''}`, actors.agent);
      upd.push(...r.body.items.map((x) => x.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(new Set(upd).size).toBe(7);
  });

  it('stores attachments under the data dir with a size limit', { timeout: 60_000 }, async () => {
    const { app, actors, request, deps } = ctx();
    const t = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'with file' })).body;
    const content = Buffer.from('%PDF-1.4 fake but bytes');
    const up = await app.inject({ method: 'POST', url: `/api/v1/tickets/${t.id}/attachments?filename=${encodeURIComponent('../../見積書.pdf')}`, headers: { ...actors.agent.auth, 'content-type': 'application/pdf' }, payload: content });
    expect(up.statusCode).toBe(201);
    expect(up.json().filename).toBe('見積書.pdf');
    const down = await app.inject({ method: 'GET', url: `/api/v1/attachments/${up.json().id}`, headers: actors.agent.auth });
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(content)).toBe(true);
    expect(down.headers['content-disposition']).toContain("filename*=UTF-8''");
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    const list = await request('GET', `/api/v1/tickets/${t.id}/attachments`, actors.agent);
    expect(list.body.items).toHaveLength(1);
    expect(readFileSync(`${deps.config.dataDir}/attachments/${up.json().id.slice(0, 8)}/${up.json().id}`).equals(content)).toBe(true);
    const big = await app.inject({ method: 'POST', url: `/api/v1/tickets/${t.id}/attachments?filename=big.bin`, headers: { ...actors.agent.auth, 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(deps.attachments.maxBytes + 1) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
  });
});
