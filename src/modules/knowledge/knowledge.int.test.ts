import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

/** Issue 19: articles (ja/en, search, uses, review flags), answers turned into articles, similar escalations, deflections. */
describeEachDb('knowledge', (get) => {
  let resolvedId = '';
  let sourceTicket = '';
  let newTicket = '';
  let articleId = '';

  it('a resolved escalation becomes a pre-filled article in one call', async () => {
    const c = get();
    const { actors } = c;
    const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: '複合機のランプが赤く点滅', category: 'hardware', description: '電源を入れてもランプが点滅したまま', requesterEmail: 'k@example.jp' });
    sourceTicket = t.body.id;
    const esc = await c.request('POST', `/api/v1/tickets/${t.body.id}/escalations`, actors.agent, { target: { type: 'user', userId: actors.specialist.id }, brief: { ask: 'ランプ点滅の原因を教えてください', category: 'hardware', tried: '再起動' } });
    expect(esc.status).toBe(201);
    resolvedId = esc.body.id;
    // Not yet resolved: 409.
    expect((await c.request('POST', `/api/v1/escalations/${resolvedId}/article`, actors.agent)).status).toBe(409);
    await c.request('POST', `/api/v1/escalations/${resolvedId}/acknowledge`, actors.specialist, {});
    expect((await c.request('POST', `/api/v1/escalations/${resolvedId}/resolve`, actors.specialist, { answer: 'トナー基板の交換が必要です。保守窓口へ手配してください。' })).status).toBe(200);
    const a = await c.request('POST', `/api/v1/escalations/${resolvedId}/article`, actors.agent);
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({ titleJa: 'ランプ点滅の原因を教えてください', titleEn: '', category: 'hardware', source: { kind: 'escalation', id: resolvedId }, ownerId: actors.agent.id, useCount: 0, visibility: 'internal' });
    expect(a.body.bodyJa).toContain('トナー基板の交換');
    expect(a.body.bodyJa).toContain('再起動');
    articleId = a.body.id;
  });

  it('articles: CRUD with ja and en, validation, versions, search through the one index', async () => {
    const c = get();
    const { actors } = c;
    expect((await c.request('POST', '/api/v1/articles', actors.agent, { titleJa: '題だけ' })).status).toBe(400);
    expect((await c.request('POST', '/api/v1/articles', actors.agent, {})).status).toBe(400);
    expect((await c.request('POST', '/api/v1/articles', actors.agent, { titleEn: 'x', bodyEn: 'y', reviewAt: 'soon' })).status).toBe(400);
    // A day the month does not have is refused, not rolled into March.
    const feb31 = await c.request('POST', '/api/v1/articles', actors.agent, { titleEn: 'x', bodyEn: 'y', reviewAt: '2027-02-31' });
    expect([feb31.status, feb31.body.error.details.problems[0].field]).toEqual([400, 'reviewAt']);
    const en = await c.request('POST', '/api/v1/articles', actors.agent, { titleEn: 'Resetting a VPN token', bodyEn: 'Open the portal and press Reset.', titleJa: 'VPNトークンの再設定', bodyJa: 'ポータルを開いて「リセット」を押します。', product: 'VPN', visibility: 'public' });
    expect(en.status, JSON.stringify(en.body)).toBe(201);
    const patched = await c.request('PATCH', `/api/v1/articles/${en.body.id}`, actors.agent, { bodyEn: 'Open the self-service portal and press Reset.', expectedVersion: 1 });
    expect(patched.body.version).toBe(2);
    expect((await c.request('PATCH', `/api/v1/articles/${en.body.id}`, actors.agent, { bodyEn: 'x', expectedVersion: 1 })).status).toBe(409);
    const find = async (q: string) => ((await c.request('GET', `/api/v1/articles?q=${encodeURIComponent(q)}`, actors.agent)).body.items as { id: string; match?: unknown }[]).map((i) => i.id);
    expect(await find('self-service')).toEqual([en.body.id]);
    expect(await find('トークン')).toEqual([en.body.id]);
    expect(await find('基板')).toEqual([articleId]);
    expect(await find('ｔｏｋｅｎ')).toEqual([en.body.id]);
    const s = await c.request('GET', `/api/v1/search?q=${encodeURIComponent('リセット')}&type=article`, actors.agent);
    expect(s.body.items.map((i: { id: string }) => i.id)).toEqual([en.body.id]);
    const list = await c.request('GET', '/api/v1/articles?visibility=public', actors.agent);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([en.body.id]);
    // Deleting: not someone else's article, unless a supervisor.
    expect((await c.request('DELETE', `/api/v1/articles/${en.body.id}`, c.otherAgent)).status).toBe(403);
    expect((await c.request('DELETE', `/api/v1/articles/${en.body.id}`, actors.supervisor)).status).toBe(204);
    expect(await find('self-service')).toEqual([]);
  });

  it('similar resolved escalations for a new ticket, with the answer, who answered and when; answering from one is a deflection', async () => {
    const c = get();
    const { actors } = c;
    const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'ランプが点滅して印刷できない', category: 'hardware', requesterEmail: 'n@example.jp' });
    newTicket = t.body.id;
    const other = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Password reset mail missing', requesterEmail: 'p@example.com' });
    const unresolved = await c.request('POST', `/api/v1/tickets/${other.body.id}/escalations`, actors.agent, { target: { type: 'user', userId: actors.specialist.id }, brief: { ask: 'ランプ points?' } });
    expect(unresolved.status).toBe(201);
    const sim = await c.request('GET', `/api/v1/escalations/similar?ticketId=${newTicket}`, actors.agent);
    expect(sim.status, JSON.stringify(sim.body)).toBe(200);
    expect(sim.body.items.map((i: { escalationId: string }) => i.escalationId)).toEqual([resolvedId]);
    expect(sim.body.items[0]).toMatchObject({ ticketId: sourceTicket, ask: 'ランプ点滅の原因を教えてください', answeredBy: { id: actors.specialist.id, name: 'specialist' }, answer: expect.stringContaining('トナー基板') });
    expect(sim.body.items[0].answeredAt).toBeTruthy();
    const byText = await c.request('GET', `/api/v1/escalations/similar?q=${encodeURIComponent('赤いランプ')}`, actors.agent);
    expect(byText.body.items.map((i: { escalationId: string }) => i.escalationId)).toEqual([resolvedId]);
    expect((await c.request('GET', '/api/v1/escalations/similar', actors.agent)).status).toBe(400);

    // Inserting the article into a reply counts; answering from the past escalation is a deflection.
    const use = await c.request('POST', `/api/v1/articles/${articleId}/uses`, actors.agent, { ticketId: newTicket });
    expect(use.status).toBe(200);
    expect(use.body.useCount).toBe(1);
    expect((await c.request('POST', `/api/v1/articles/${articleId}/uses`, actors.agent, { ticketId: '01900000-0000-7000-8000-000000000009' })).status).toBe(404);
    const d = await c.request('POST', '/api/v1/escalations/deflections', actors.agent, { ticketId: newTicket, escalationId: resolvedId });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect((await c.request('POST', '/api/v1/escalations/deflections', actors.agent, { ticketId: newTicket, escalationId: unresolved.body.id })).status).toBe(409);
    const timeline = await c.request('GET', `/api/v1/tickets/${newTicket}/timeline`, actors.agent);
    expect(timeline.body.items.some((e: { kind: string; data: { sourceEscalationId?: string } }) => e.kind === 'escalation.deflected' && e.data.sourceEscalationId === resolvedId)).toBe(true);
    const count = await c.request('GET', '/api/v1/escalations/deflections', actors.supervisor);
    expect(count.body).toMatchObject({ count: 1, byUser: [{ userId: actors.agent.id, count: 1 }] });
  });

  it('flags an article whose answer came back: its ticket reopened, or its escalation returned, after the use', async () => {
    const c = get();
    const { actors } = c;
    const art = (titleEn: string) => c.request('POST', '/api/v1/articles', actors.agent, { titleEn, bodyEn: 'Restart the router.' });
    const reopened = (await art('Reopened answer')).body.id as string;
    const returned = (await art('Returned answer')).body.id as string;
    const held = (await art('Answer that held')).body.id as string;
    const ticket = async () => (await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Router down', requesterEmail: 'r@example.com' })).body.id as string;
    const [t1, t2, t3] = [await ticket(), await ticket(), await ticket()];
    // A ticket solved before the use and reopened after it; a ticket whose escalation was returned after the use.
    expect((await c.request('PATCH', `/api/v1/tickets/${t1}`, actors.agent, { status: 'solved' })).status).toBe(200);
    for (const [a, t] of [[reopened, t1], [returned, t2], [held, t3]] as const) expect((await c.request('POST', `/api/v1/articles/${a}/uses`, actors.agent, { ticketId: t })).status).toBe(200);
    c.clock.advance(60_000);
    expect((await c.request('PATCH', `/api/v1/tickets/${t1}`, actors.agent, { status: 'open' })).status).toBe(200);
    const esc = await c.request('POST', `/api/v1/tickets/${t2}/escalations`, actors.agent, { target: { type: 'user', userId: actors.specialist.id }, brief: { ask: 'Router still down?' } });
    expect(esc.status, JSON.stringify(esc.body)).toBe(201);
    const back = await c.request('POST', `/api/v1/escalations/${esc.body.id}/return`, actors.specialist, { reason: 'missing_information', text: 'which router?' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    // The held answer's ticket was solved after the use: not a setback.
    expect((await c.request('PATCH', `/api/v1/tickets/${t3}`, actors.agent, { status: 'solved' })).status).toBe(200);

    const flags = async (id: string) => (await c.request('GET', `/api/v1/articles/${id}`, actors.agent)).body.reviewFlags;
    expect(await flags(reopened)).toEqual(['answer_returned']);
    expect(await flags(returned)).toEqual(['answer_returned']);
    expect(await flags(held)).toEqual([]);
    const list = await c.request('GET', '/api/v1/articles?limit=100', actors.agent);
    const listed = new Map(list.body.items.map((i: { id: string; reviewFlags: string[] }) => [i.id, i.reviewFlags]));
    expect([listed.get(reopened), listed.get(returned), listed.get(held)]).toEqual([['answer_returned'], ['answer_returned'], []]);
  });

  it('flags articles at review, never-used ones too', async () => {
    const c = get();
    const unused = await c.request('POST', '/api/v1/articles', c.actors.agent, { titleEn: 'Unused', bodyEn: 'Nobody reads this.', reviewAt: '2026-02-01' });
    expect(unused.body.reviewFlags).toEqual([]);
    c.clock.advance(40 * 86_400_000);
    expect((await c.request('GET', `/api/v1/articles/${unused.body.id}`, c.actors.agent)).body.reviewFlags).toEqual(['review_due', 'never_used']);
    const due = await c.request('GET', '/api/v1/articles?review=true', c.actors.agent);
    expect(due.body.items.map((i: { id: string }) => i.id)).toEqual([unused.body.id]);
  });

  it('similar escalations of a restricted team are not shown to outsiders', async () => {
    const c = get();
    const legal = await c.request('POST', '/api/v1/teams', c.actors.admin, { name: 'Legal', restricted: true, members: [{ userId: c.actors.agent.id, role: 'member' }] });
    expect((await c.request('PATCH', `/api/v1/tickets/${sourceTicket}`, c.actors.admin, { teamId: legal.body.id })).status).toBe(200);
    const mine = await c.request('GET', `/api/v1/escalations/similar?ticketId=${newTicket}`, c.actors.agent);
    expect(mine.body.items).toHaveLength(1);
    const theirs = await c.request('GET', `/api/v1/escalations/similar?ticketId=${newTicket}`, c.otherAgent);
    expect(theirs.body.items).toEqual([]);
    expect((await c.request('POST', `/api/v1/escalations/${resolvedId}/article`, c.otherAgent)).status).toBe(404);
    expect((await c.request('POST', '/api/v1/escalations/deflections', c.otherAgent, { ticketId: newTicket, escalationId: resolvedId })).status).toBe(404);
  });
});
