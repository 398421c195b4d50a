import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

/** Issue 15 §2: POST /api/v1/tickets/{id}/merge. */
describeEachDb('merging tickets', (ctx) => {
  const db = () => ctx().deps.database.db;

  it("moves messages, notes, files and CCs onto the target, closes the source with a pointer and tells the requester once", async () => {
    const { request, actors, app } = ctx();
    const target = (await request('POST', '/api/v1/tickets', actors.agent, { subject: '請求書の金額が違う', description: '最初の問い合わせ', requesterEmail: 'merge@kaede.example', requesterName: '小林 誠' })).body;
    const source = (await request('POST', '/api/v1/tickets', actors.agent, { subject: '請求書について（再送）', description: '同じ件で再度連絡します', requesterEmail: 'merge@kaede.example', cc: ['boss@kaede.example'] })).body;
    await request('PATCH', `/api/v1/customers/${source.requesterId}`, actors.supervisor, { locale: 'ja' });
    expect((await request('POST', `/api/v1/tickets/${source.id}/messages`, actors.agent, { body: '重複の可能性あり', visibility: 'internal' })).status).toBe(201);
    const up = await app.inject({ method: 'POST', url: `/api/v1/tickets/${source.id}/attachments?filename=invoice.txt`, headers: { ...actors.agent.auth, 'content-type': 'text/plain' }, payload: Buffer.from('invoice') });
    expect(up.statusCode).toBe(201);

    const r = await request('POST', `/api/v1/tickets/${source.id}/merge`, actors.agent, { into: target.id });
    expect(r.status).toBe(200);
    expect(r.body.movedMessages).toBe(2);
    expect(r.body.source).toMatchObject({ status: 'closed', mergedIntoId: target.id });
    expect(r.body.target).toMatchObject({ status: 'new', mergedIntoId: null, cc: ['boss@kaede.example'] });

    const tl = (await request('GET', `/api/v1/tickets/${target.id}/timeline`, actors.agent)).body.items;
    const merged = tl.filter((e: { data: { merged?: unknown } }) => e.data.merged);
    expect(merged.map((e: { body: string; visibility: string }) => [e.body, e.visibility])).toEqual([
      ['同じ件で再度連絡します', 'public'],
      ['重複の可能性あり', 'internal'],
    ]);
    expect(merged[0].data.merged).toMatchObject({ fromTicketId: source.id, fromNumber: source.number });
    expect(merged[0].author.type).toBe('customer');
    expect(tl.find((e: { kind: string }) => e.kind === 'ticket.merged_in').data).toMatchObject({ fromNumber: source.number, messages: 2 });
    const sourceTl = (await request('GET', `/api/v1/tickets/${source.id}/timeline`, actors.agent)).body.items;
    expect(sourceTl.find((e: { kind: string }) => e.kind === 'ticket.merged').data).toMatchObject({ intoTicketId: target.id, intoNumber: target.number });
    // The source's history stays (append-only); the file now belongs to the target.
    expect(sourceTl.filter((e: { kind: string }) => e.kind === 'message.added')).toHaveLength(2);
    expect((await request('GET', `/api/v1/tickets/${target.id}/attachments`, actors.agent)).body.items.map((a: { filename: string }) => a.filename)).toEqual(['invoice.txt']);

    // Both numbers lead to the target.
    const old = await request('GET', `/api/v1/tickets/by-number/${source.number}`, actors.agent);
    expect(old.body).toMatchObject({ ticket: { id: target.id }, via: [source.number] });
    expect((await request('GET', `/api/v1/tickets/by-number/${target.number}`, actors.agent)).body).toMatchObject({ ticket: { id: target.id }, via: [] });
    expect((await request('GET', '/api/v1/tickets/by-number/999999', actors.agent)).status).toBe(404);

    // One mail, in the requester's language, threaded on the target.
    const mails = (await db().selectFrom('jobs').selectAll().where('kind', '=', 'email.send').execute()).map((j) => JSON.parse(j.payload as string));
    const notice = mails.filter((m) => m.to === 'merge@kaede.example' && String(m.subject).includes(`#${source.number}`));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ ticketId: target.id, subject: `[#${target.number}] お問い合わせ #${source.number} は #${target.number} で対応いたします` });

    // The customer replies to an old mail of the source: the reply continues the target.
    const raw = Buffer.from(['From: 小林 誠 <merge@kaede.example>', 'To: support@escalon.example', `Subject: Re: [#${source.number}] 請求書について`, `Message-ID: <reply-${source.id}@kaede.example>`, `In-Reply-To: <ticket.${source.id}.ack@escalon.example>`, 'Date: Mon, 05 Jan 2026 09:00:00 +0900', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'まとめていただきありがとうございます。', ''].join('\r\n'));
    await ctx().deps.intakeEmail.receive(raw, 'smtp');
    const landed = await db().selectFrom('ticket_events').select(['ticket_id', 'kind']).where('body', 'like', '%まとめていただき%').execute();
    expect(landed.map((e) => e.ticket_id)).toContain(target.id);
    expect(landed.map((e) => e.ticket_id)).not.toContain(source.id);

    // Merging again is refused: the source is closed.
    const again = await request('POST', `/api/v1/tickets/${source.id}/merge`, actors.agent, { into: target.id });
    expect(again.status).toBe(409);
    expect(again.body.error.details.reason).toBe('source_closed');
  });

  it('refuses across customers without confirmation (409 different_customer), merges with it', async () => {
    const { request, actors } = ctx();
    const a = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'A', description: 'from Anna', requesterEmail: 'anna@north.example', requesterName: 'Anna' })).body;
    const b = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'B', requesterEmail: 'david@north.example', requesterName: 'David' })).body;
    const r = await request('POST', `/api/v1/tickets/${a.id}/merge`, actors.agent, { into: b.id });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'different_customer', details: { reason: 'different_customer', source: { customer: 'Anna' }, target: { customer: 'David' } } });
    expect((await request('GET', `/api/v1/tickets/${a.id}`, actors.agent)).body.status).toBe('new');
    const ok = await request('POST', `/api/v1/tickets/${a.id}/merge`, actors.agent, { into: b.id, confirmDifferentCustomer: true });
    expect(ok.status).toBe(200);
    expect(ok.body.target.cc).toEqual(['anna@north.example']);
  });

  it('answers bad input with 4xx and hides tickets the caller may not see', async () => {
    const { request, actors, otherAgent } = ctx();
    const legal = (await request('POST', '/api/v1/teams', actors.admin, { name: 'Merge legal', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] })).body;
    const secret = (await request('POST', '/api/v1/tickets', actors.agent, { subject: 'secret', teamId: legal.id })).body;
    const open = (await request('POST', '/api/v1/tickets', otherAgent, { subject: 'open' })).body;
    const missing = '01900000-0000-7000-8000-00000000beef';
    expect((await request('POST', `/api/v1/tickets/${open.id}/merge`, otherAgent, { into: secret.id })).status).toBe(404);
    expect((await request('POST', `/api/v1/tickets/${open.id}/merge`, otherAgent, { into: missing })).status).toBe(404);
    expect((await request('POST', `/api/v1/tickets/${secret.id}/merge`, otherAgent, { into: open.id })).status).toBe(404);
    expect((await request('GET', `/api/v1/tickets/by-number/${secret.number}`, otherAgent)).status).toBe(404);
    expect((await request('POST', `/api/v1/tickets/${open.id}/merge`, otherAgent, { into: open.id })).status).toBe(400);
    expect((await request('POST', `/api/v1/tickets/${open.id}/merge`, otherAgent, { into: 'nope' })).status).toBe(400);
    expect((await request('POST', `/api/v1/tickets/${open.id}/merge`, otherAgent, {})).status).toBe(400);
    expect((await request('POST', `/api/v1/tickets/${open.id}/merge`, null, { into: secret.id })).status).toBe(401);
    expect((await request('GET', `/api/v1/tickets/${secret.id}`, actors.agent)).body.status).toBe('new');
  });
});
