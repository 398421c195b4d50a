import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

/** Issue 15 §2: "new call" opens a ticket for the caller with the call on it, or logs the call on a ticket. */
describeEachDb('phone calls', (ctx) => {
  it('opens a phone ticket for a new caller with the call logged on its timeline', async () => {
    const { request, actors } = ctx();
    const r = await request('POST', '/api/v1/calls', actors.agent, {
      direction: 'inbound',
      durationSeconds: 245,
      caller: '佐藤 花子 (090-1234-5678)',
      summary: 'ログインできないとのお電話。パスワード再設定を案内。',
      ticket: { subject: 'ログインできない', priority: 'high', assigneeId: actors.agent.id, customer: { name: '佐藤 花子', phone: '090-1234-5678' } },
    });
    expect(r.status).toBe(201);
    expect(r.body.ticket).toMatchObject({ subject: 'ログインできない', channel: 'phone', priority: 'high', status: 'open', assigneeId: actors.agent.id });
    expect(r.body.call).toMatchObject({ kind: 'call.logged', direction: 'inbound', durationSeconds: 245, caller: '佐藤 花子 (090-1234-5678)', ticketId: r.body.ticket.id });
    const customer = await request('GET', `/api/v1/customers/${r.body.ticket.requesterId}`, actors.agent);
    expect(customer.body).toMatchObject({ name: '佐藤 花子', phone: '090-1234-5678', email: null });
    const timeline = (await request('GET', `/api/v1/tickets/${r.body.ticket.id}/timeline`, actors.agent)).body.items;
    expect(timeline.map((e: { kind: string }) => e.kind)).toEqual(['ticket.created', 'call.logged']);
    expect(timeline[1]).toMatchObject({ visibility: 'internal', body: 'ログインできないとのお電話。パスワード再設定を案内。', data: { direction: 'inbound', durationSeconds: 245, caller: '佐藤 花子 (090-1234-5678)' }, author: { type: 'user', id: actors.agent.id } });
  });

  it('finds a known caller by email or takes a chosen customer, and logs further calls on the ticket', async () => {
    const { request, actors } = ctx();
    const first = await request('POST', '/api/v1/calls', actors.agent, { direction: 'inbound', durationSeconds: 60, summary: 'first', ticket: { subject: 'A', customer: { name: 'Ken', email: 'KEN@example.com', phone: '03-1111-2222' } } });
    expect(first.status).toBe(201);
    const again = await request('POST', '/api/v1/calls', actors.agent, { direction: 'inbound', durationSeconds: 60, summary: 'second', ticket: { subject: 'B', customer: { name: 'Ken', email: 'ken@example.com' } } });
    expect(again.body.ticket.requesterId).toBe(first.body.ticket.requesterId);
    const chosen = await request('POST', '/api/v1/calls', actors.agent, { direction: 'outbound', durationSeconds: 30, summary: 'called back', ticket: { subject: 'C', requesterId: first.body.ticket.requesterId } });
    expect(chosen.body.ticket).toMatchObject({ requesterId: first.body.ticket.requesterId, status: 'new' });
    const more = await request('POST', `/api/v1/tickets/${chosen.body.ticket.id}/calls`, actors.agent, { direction: 'inbound', durationSeconds: 90, summary: 'follow-up', caller: 'Ken' });
    expect(more.status).toBe(201);
    expect(more.body).toMatchObject({ caller: 'Ken', summary: 'follow-up' });
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const { request, actors } = ctx();
    const before = (await request('GET', '/api/v1/tickets?limit=200&status=new&status=open', actors.admin)).body.items.length;
    const bad = [
      { direction: 'inbound', durationSeconds: 1, summary: '   ', ticket: { subject: 'x' } },
      { direction: 'inbound', durationSeconds: -1, summary: 'x', ticket: { subject: 'x' } },
      { direction: 'inbound', durationSeconds: 1, summary: 'x', caller: 'a\nb', ticket: { subject: 'x' } },
      { direction: 'inbound', durationSeconds: 1, summary: 'x' },
      { direction: 'inbound', durationSeconds: 1, summary: 'x', ticket: { subject: 'x', requesterId: '01900000-0000-7000-8000-000000000009' } },
      { direction: 'inbound', durationSeconds: 1, summary: 'x', ticket: { subject: 'x', customer: { name: 'n', email: 'not-an-address' } } },
      { direction: 'inbound', durationSeconds: 1, summary: 'x', ticket: { subject: 'x', requesterId: actors.agent.id, customer: { name: 'n' } } },
    ];
    for (const body of bad) {
      const r = await request('POST', '/api/v1/calls', actors.agent, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toBeTruthy();
    }
    expect((await request('POST', '/api/v1/calls', null, bad[0])).status).toBe(401);
    expect((await request('GET', '/api/v1/tickets?limit=200&status=new&status=open', actors.admin)).body.items.length).toBe(before);
  });
});
