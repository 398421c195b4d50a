import { expect, it } from 'vitest';
import { inTransaction } from '../../db/database.js';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { levelBody, pathBody } from '../paths/path-test-support.js';

const level = levelBody;

async function timelineKinds(c: TestContext, ticketId: string): Promise<{ kind: string; createdAt: string; data: Record<string, unknown> }[]> {
  const t = await c.request('GET', `/api/v1/tickets/${ticketId}/timeline?limit=200`, c.actors.admin);
  return t.body.items;
}

describeEachDb('escalations', (ctx) => {
  it('escalates manually with a brief; missing required fields are named; the background is pre-filled', async () => {
    const c = ctx();
    const { request, actors } = c;
    const path = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L2', [{ type: 'user', userId: actors.specialist.id }], { requiredBriefFields: ['ask', 'tried'] })]));
    expect(path.status).toBe(201);
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Refund please', description: 'I was charged twice.', requesterEmail: 'cust1@customer.example' });
    const missing = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { concern: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('brief.ask');
    expect(missing.body.error.details.problems.map((p: { field: string }) => p.field)).toEqual(['brief.ask', 'brief.tried']);
    const tooBig = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'x'.repeat(3000), tried: 'y' } });
    expect(tooBig.status).toBe(400);
    const draft = await request('GET', `/api/v1/tickets/${ticket.body.id}/escalations/draft?pathId=${path.body.id}`, actors.agent);
    expect(draft.status).toBe(200);
    expect(draft.body.level.contact.department).toBe('Billing');
    expect(draft.body.level.ackDueAt).toBe(new Date(c.clock.now() + 600_000).toISOString());
    expect(draft.body.brief.background).toContain('charged twice');
    const ok = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'Approve a refund', tried: 'Checked the invoice' } });
    expect(ok.status).toBe(201);
    expect(Object.keys(ok.body)[0]).toBe('brief');
    expect(ok.body.brief.background).toContain('charged twice');
    expect(ok.body.generatedBackground.en).toContain('charged twice'); // left to the server: written in both languages
    expect(ok.body.status).toBe('requested');
    expect(ok.body.receivers[0].people[0].id).toBe(actors.specialist.id);
    expect(ok.body.ackDueAt).toBe(new Date(c.clock.now() + 600_000).toISOString());
    const kinds = (await timelineKinds(c, ticket.body.id)).map((e) => e.kind);
    expect(kinds).toContain('escalation.requested');
    const mine = await request('GET', '/api/v1/escalations?target=me', actors.specialist);
    expect(mine.body.items.map((e: { id: string }) => e.id)).toContain(ok.body.id);
    const notMine = await request('GET', '/api/v1/escalations?target=me', ctx().otherAgent);
    expect(notMine.body.items.map((e: { id: string }) => e.id)).not.toContain(ok.body.id);
    const raised = await request('GET', '/api/v1/escalations?requestedBy=me', actors.agent);
    expect(raised.body.items.map((e: { id: string }) => e.id)).toContain(ok.body.id);
    expect((await request('GET', '/api/v1/escalations?requestedBy=me', actors.specialist)).body.items.map((e: { id: string }) => e.id)).not.toContain(ok.body.id);
  });

  it('keeps both sides talking while the escalation is open: information from the requester, a question from the receiver, each told to the other', async () => {
    const c = ctx();
    const { request, actors, deps } = c;
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Talk it through' });
    const esc = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { target: { type: 'user', userId: actors.specialist.id }, brief: { ask: 'Is the refund allowed?' } });
    expect(esc.status).toBe(201);
    const url = `/api/v1/escalations/${esc.body.id}/messages`;
    const info = await request('POST', url, actors.agent, { body: 'The invoice number is INV-1042.' });
    expect(info.status).toBe(201);
    expect(info.body).toMatchObject({ kind: 'info', body: 'The invoice number is INV-1042.', author: { id: actors.agent.id } });
    const question = await request('POST', url, actors.specialist, { body: 'Was it paid by card?' });
    expect(question.body.kind).toBe('question');
    expect((await request('POST', url, c.otherAgent, { body: 'me too' })).status).toBe(403);
    expect((await request('POST', url, actors.agent, { body: '   ' })).status).toBe(400);
    await deps.jobs.drain();
    const said = async (actor: typeof actors.agent) => ((await request('GET', '/api/v1/notifications?limit=50', actor)).body.items as { event: string; escalationId: string; body: string; title: string }[]).filter((n) => n.event === 'escalation.message' && n.escalationId === esc.body.id);
    const toSpecialist = await said(actors.specialist);
    expect(toSpecialist).toHaveLength(1);
    expect(toSpecialist[0]!.body).toContain('INV-1042');
    const toAgent = await said(actors.agent);
    expect(toAgent).toHaveLength(1);
    expect(toAgent[0]!.body).toContain('Was it paid by card?');
    expect(toAgent[0]!.body).not.toContain('escalation.message');
    const thread = await request('GET', url, actors.supervisor);
    expect(thread.body.items.map((m: { kind: string }) => m.kind)).toEqual(['info', 'question']);
    expect((await timelineKinds(c, ticket.body.id)).filter((e) => e.kind === 'escalation.message')).toHaveLength(2);
    // Once answered, the conversation moves to the ticket.
    expect((await request('POST', `/api/v1/escalations/${esc.body.id}/resolve`, actors.specialist, { answer: 'Yes, refund it.' })).status).toBe(200);
    expect((await request('POST', url, actors.agent, { body: 'Thanks' })).status).toBe(409);
  });

  it('acknowledging stops reminders and advancement; 403 when not addressed to you; 409 when finished', async () => {
    const c = ctx();
    const { request, actors, clock, deps } = c;
    const path = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L1', [{ type: 'user', userId: actors.specialist.id }]), level('L2', [{ type: 'user', userId: actors.manager.id }])]));
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Ack me' });
    const esc = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'help' } });
    expect((await request('POST', `/api/v1/escalations/${esc.body.id}/acknowledge`, ctx().otherAgent, {})).status).toBe(403);
    const ack = await request('POST', `/api/v1/escalations/${esc.body.id}/acknowledge`, actors.specialist, {});
    expect(ack.status).toBe(200);
    expect(ack.body.status).toBe('acknowledged');
    clock.advance(3600_000);
    await deps.jobs.drain();
    const kinds = (await timelineKinds(c, ticket.body.id)).map((e) => e.kind);
    expect(kinds).not.toContain('escalation.reminder');
    expect(kinds).not.toContain('escalation.advanced');
    const after = await request('GET', `/api/v1/escalations/${esc.body.id}`, actors.agent);
    expect(after.body.levelIndex).toBe(0);
    expect((await request('POST', `/api/v1/escalations/${esc.body.id}/resolve`, actors.specialist, { answer: "Refund approved" })).status).toBe(200);
    const again = await request('POST', `/api/v1/escalations/${esc.body.id}/acknowledge`, ctx().otherAgent, {});
    expect(again.status).toBe(409);
    expect(again.body.error.details.status).toBe('resolved');
    expect((await request('POST', `/api/v1/escalations/${esc.body.id}/cancel`, actors.agent)).status).toBe(409);
  });

  it('advances to the next level exactly at the acknowledgement deadline', async () => {
    const c = ctx();
    const { request, actors, clock, deps } = c;
    const path = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L1', [{ type: 'user', userId: actors.specialist.id }], { onTimeout: { advance: true, repeatReminders: 0, reminderIntervalSeconds: 0 } }), level('L2', [{ type: 'user', userId: actors.manager.id }])]));
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Nobody answers' });
    const start = clock.now();
    const esc = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'help' } });
    clock.set(start + 600_000 - 1);
    await deps.jobs.drain();
    expect((await request('GET', `/api/v1/escalations/${esc.body.id}`, actors.agent)).body.levelIndex).toBe(0);
    clock.set(start + 600_000);
    await deps.jobs.drain();
    const moved = await request('GET', `/api/v1/escalations/${esc.body.id}`, actors.agent);
    expect(moved.body.levelIndex).toBe(1);
    expect(moved.body.receivers[0].people[0].id).toBe(actors.manager.id);
    const adv = (await timelineKinds(c, ticket.body.id)).find((e) => e.kind === 'escalation.advanced');
    expect(adv?.createdAt).toBe(new Date(start + 600_000).toISOString());
    // The person who escalated hears that it moved on, in words, not an event name.
    await deps.jobs.drain();
    const told = (await request('GET', '/api/v1/notifications?limit=50', actors.agent)).body.items.find((n: { event: string; escalationId: string }) => n.event === 'escalation.advanced' && n.escalationId === esc.body.id);
    expect(told?.body).toContain('moved to L2');
    expect(told?.body).not.toContain('escalation.advanced');
    const overdue = await request('GET', `/api/v1/escalations?overdue=true&pathId=${path.body.id}`, actors.admin);
    expect(overdue.body.items).toHaveLength(0);
  });

  it('resolving hands the answer back: 400 without one, an internal note, the requester told with it; a return says its reason and text', async () => {
    const c = ctx();
    const { request, actors, deps } = c;
    const path = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L2', [{ type: 'user', userId: actors.specialist.id }])]));
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Refund outcome' });
    const esc = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'May we refund?' } });
    const missing = await request('POST', `/api/v1/escalations/${esc.body.id}/resolve`, actors.specialist, { answer: '  ' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('answer');
    const answer = `Yes, refund ¥3,000 <b>${c.kind}</b>`;
    const ok = await request('POST', `/api/v1/escalations/${esc.body.id}/resolve`, actors.specialist, { answer });
    expect(ok.status).toBe(200);
    expect(ok.body.resolution).toMatchObject({ by: { id: actors.specialist.id }, answer });
    const note = (await timelineKinds(c, ticket.body.id)).find((e) => e.kind === 'message.added' && e.data.answer === true) as { body?: string; visibility?: string; data: Record<string, unknown> } | undefined;
    expect(note?.data.escalationId).toBe(esc.body.id);
    expect(note?.visibility).toBe('internal');
    expect(note?.body).toBe(answer);
    await deps.jobs.drain();
    const inbox = await request('GET', '/api/v1/notifications?limit=50', actors.agent);
    const told = inbox.body.items.find((n: { event: string; escalationId: string }) => n.event === 'escalation.resolved' && n.escalationId === esc.body.id);
    expect(told?.body).toContain(answer);
    expect(told?.body).toContain('specialist resolved your escalation');
    expect(told?.title).not.toContain('escalation.resolved');
    // The requester now owes the customer a reply, until an agent replies publicly.
    const awaiting = await request('GET', '/api/v1/me/awaiting-reply', actors.agent);
    expect(awaiting.status).toBe(200);
    expect(awaiting.body.items).toContainEqual(
      expect.objectContaining({ escalationId: esc.body.id, ticket: { id: ticket.body.id, number: ticket.body.number, subject: 'Refund outcome' }, answer, resolvedBy: { id: actors.specialist.id, name: 'specialist' } }),
    );
    expect((await request('GET', '/api/v1/me/awaiting-reply', actors.specialist)).body.items.map((i: { escalationId: string }) => i.escalationId)).not.toContain(esc.body.id);
    expect((await request('POST', `/api/v1/tickets/${ticket.body.id}/messages`, actors.agent, { body: 'Internal only', visibility: 'internal' })).status).toBe(201);
    expect((await request('GET', '/api/v1/me/awaiting-reply', actors.agent)).body.items.map((i: { escalationId: string }) => i.escalationId)).toContain(esc.body.id);
    expect((await request('POST', `/api/v1/tickets/${ticket.body.id}/messages`, actors.agent, { body: 'We will refund you.', visibility: 'public' })).status).toBe(201);
    expect((await request('GET', '/api/v1/me/awaiting-reply', actors.agent)).body.items.map((i: { escalationId: string }) => i.escalationId)).not.toContain(esc.body.id);
    const email = await c.deps.database.db.selectFrom('deliveries').select(['channel']).where('user_id', '=', actors.agent.id).where('channel', '=', 'email').where('ticket_id', '=', ticket.body.id).execute();
    expect(email.length).toBeGreaterThan(0);

    const esc2 = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'And the fee?' } });
    expect((await request('POST', `/api/v1/escalations/${esc2.body.id}/return`, actors.specialist, { reason: 'missing_information', text: 'Which invoice?' })).status).toBe(200);
    await deps.jobs.drain();
    const inbox2 = await request('GET', '/api/v1/notifications?limit=50', actors.agent);
    const returned = inbox2.body.items.find((n: { event: string; escalationId: string }) => n.event === 'escalation.returned' && n.escalationId === esc2.body.id);
    expect(returned?.body).toContain('Reason: Information missing');
    expect(returned?.body).toContain('Which invoice?');
    expect(returned?.body).toContain('specialist returned');
  });

  it('a returned automatic escalation tells the ticket assignee, or its team when unassigned', async () => {
    const c = ctx();
    const { request, actors, deps } = c;
    const category = `auto-return-${c.kind}`;
    const p = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L2', [{ type: 'user', userId: actors.specialist.id }])], { autoEscalate: true, conditions: { ...pathBody('', []).conditions, categories: [category] } }));
    expect(p.status).toBe(201);
    const t = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Auto then returned', category, assigneeId: actors.supervisor.id });
    expect(t.status).toBe(201);
    const [auto] = (await request('GET', `/api/v1/escalations?ticketId=${t.body.id}`, actors.agent)).body.items;
    expect(auto.requestedBy).toBeNull();
    expect((await request('POST', `/api/v1/escalations/${auto.id}/return`, actors.specialist, { reason: 'not_needed', text: 'Handle it at L1.' })).status).toBe(200);
    await deps.jobs.drain();
    const inbox = await request('GET', '/api/v1/notifications?limit=50', actors.supervisor);
    const told = inbox.body.items.find((n: { event: string; escalationId: string }) => n.event === 'escalation.returned' && n.escalationId === auto.id);
    expect(told?.body).toContain('Handle it at L1.');
    expect(told?.body).toContain('No escalation needed');
    await request('DELETE', `/api/v1/escalation-paths/${p.body.id}`, actors.admin);
  });

  it('fans out to two targets that acknowledge separately; returns with a reason', async () => {
    const c = ctx();
    const { request, actors, clock, deps } = c;
    const path = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('Sales and legal', [{ type: 'user', userId: actors.specialist.id }, { type: 'user', userId: actors.supervisor.id }])]));
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Complaint' });
    const esc = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: path.body.id, brief: { ask: 'answer' } });
    expect(esc.body.receivers).toHaveLength(2);
    const a1 = await request('POST', `/api/v1/escalations/${esc.body.id}/acknowledge`, actors.specialist, {});
    expect(a1.body.receivers.map((r: { phase: string }) => r.phase)).toEqual(['acknowledged', 'waiting']);
    clock.advance(600_000);
    await deps.jobs.drain();
    const mid = await request('GET', `/api/v1/escalations/${esc.body.id}`, actors.agent);
    expect(mid.body.receivers[1].phase).toBe('reminding');
    const a2 = await request('POST', `/api/v1/escalations/${esc.body.id}/acknowledge`, actors.supervisor, { targetKey: `user:${actors.supervisor.id}` });
    expect(a2.body.receivers.map((r: { phase: string }) => r.phase)).toEqual(['acknowledged', 'acknowledged']);
    const bad = await request('POST', `/api/v1/escalations/${esc.body.id}/return`, actors.specialist, { reason: 'because', text: 'x' });
    expect(bad.status).toBe(400);
    const ret = await request('POST', `/api/v1/escalations/${esc.body.id}/return`, actors.specialist, { reason: 'wrong_target', text: 'This is for finance.' });
    expect(ret.status).toBe(200);
    expect(ret.body.status).toBe('returned');
    expect(ret.body.returned).toMatchObject({ reason: 'wrong_target', text: 'This is for finance.' });
    expect((await timelineKinds(c, ticket.body.id)).map((e) => e.kind)).toContain('escalation.returned');
    // The return is evidence for the path's review: a misroute.
    const evidence = await request('GET', `/api/v1/escalation-paths/${path.body.id}/evidence?since=2000-01-01T00:00:00Z`, actors.manager);
    expect(evidence.status).toBe(200);
    expect(evidence.body).toMatchObject({ escalations: 1, acknowledged: 1, misroutes: 1, returned: { wrong_target: 1, not_needed: 0, missing_information: 0 } });
  });

  it('versions paths; a running escalation keeps its version; diff lists the changes', async () => {
    const { request, actors } = ctx();
    const body = pathBody(actors.manager.id, [level('L1', [{ type: 'user', userId: actors.specialist.id }])]);
    const p = await request('POST', '/api/v1/escalation-paths', actors.manager, body);
    expect(p.body.version).toBe(1);
    expect((await request('POST', '/api/v1/escalation-paths', actors.agent, body)).status).toBe(403);
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Versioned' });
    const esc = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { pathId: p.body.id, brief: { ask: 'a' } });
    const v2 = await request('PUT', `/api/v1/escalation-paths/${p.body.id}`, actors.manager, { ...body, levels: [level('L1 renamed', [{ type: 'user', userId: actors.manager.id }], { ackTimeoutSeconds: 60 })], reason: 'faster' });
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    const versions = await request('GET', `/api/v1/escalation-paths/${p.body.id}/versions`, actors.agent);
    expect(versions.body.items.map((v: { version: number; reason: string; authorId: string }) => [v.version, v.reason, v.authorId])).toEqual([
      [2, 'faster', actors.manager.id],
      [1, 'created', actors.manager.id],
    ]);
    const diff = await request('GET', `/api/v1/escalation-paths/${p.body.id}/versions/diff?from=1&to=2`, actors.agent);
    expect(diff.body.changes.map((ch: { path: string }) => ch.path)).toEqual(expect.arrayContaining(['levels[0].name', 'levels[0].ackTimeoutSeconds']));
    expect((await request('GET', `/api/v1/escalation-paths/${p.body.id}/versions/diff?from=1&to=9`, actors.agent)).status).toBe(400);
    const still = await request('GET', `/api/v1/escalations/${esc.body.id}`, actors.agent);
    expect(still.body.path.version).toBe(1);
    expect(still.body.level.name).toBe('L1');
    const bad = await request('POST', '/api/v1/escalation-paths', actors.admin, { ...body, levels: [] });
    expect(bad.status).toBe(400);
    const ghost = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L', [{ type: 'team', teamId: '01a2079d-64a3-72d6-8665-1ccf40357136' }])]));
    expect(ghost.status).toBe(400);
    expect(ghost.body.error.message).toContain('levels[0].targets[0].teamId');
  });

  it('escalates automatically by conditions when a ticket is created', async () => {
    const c = ctx();
    const { request, actors } = c;
    const category = `billing-dispute-${c.kind}`;
    const p = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L2 billing', [{ type: 'user', userId: actors.specialist.id }])], { autoEscalate: true, conditions: { ...pathBody('', []).conditions, categories: [category] } }));
    expect(p.status).toBe(201);
    const catchAll = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('x', [{ type: 'user', userId: actors.specialist.id }])], { autoEscalate: true }));
    expect(catchAll.status).toBe(400);
    const day = [['09:00', '18:00']];
    expect((await request('POST', '/api/v1/calendars', actors.admin, { name: `Berlin ${c.kind}`, definition: { timezone: 'Europe/Berlin', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] } } })).status).toBe(201);
    const t = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Disputed charge', category, description: 'I dispute this.' });
    const list = await request('GET', `/api/v1/escalations?ticketId=${t.body.id}`, actors.agent);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ trigger: 'auto', path: { id: p.body.id, version: 1 }, origin: { code: 'auto', path: p.body.name, facts: [{ code: 'category', values: [category] }] } });
    // Written by the system in the workspace's language (the customer's; Japanese by default), not in English.
    expect(list.body.items[0].brief.ask).toBe(`経路「${p.body.name}」による自動エスカレーション: カテゴリ = ${category}`);
    expect(list.body.items[0].brief.background).not.toContain('Nothing has happened');
    // The path matched on creation, before the inquiry was stored: the brief still tells the receiver what the customer wrote,
    // in both languages (the console shows the reader's), never "no history yet".
    const got = (await request('GET', `/api/v1/escalations/${list.body.items[0].id}`, actors.agent)).body;
    expect(got.brief.background).toContain('I dispute this.');
    expect(got.brief.background).not.toContain('このチケットにはまだ経緯がありません。');
    expect(got.generatedBackground.ja).toBe(got.brief.background);
    expect(got.generatedBackground.ja).toContain('経緯の要約');
    expect(got.generatedBackground.en).toContain('Timeline summary');
    expect(got.generatedBackground.en).toContain('I dispute this.');
    // Nobody's zone is known for a brief the system writes: both languages give their times in the workspace's
    // (the report calendar's, else the first calendar's) and say so; English was in UTC.
    const zones = ((await request('GET', '/api/v1/calendars', actors.admin)).body.items as { definition: { timezone: string } }[]).map((cal) => cal.definition.timezone);
    const enZone = got.generatedBackground.en.match(/; times in ([A-Za-z_/]+)\)/)?.[1];
    expect(zones).toContain(enZone);
    expect(got.generatedBackground.ja.match(/時刻は([A-Za-z_/]+)）/)?.[1]).toBe(enZone);
    expect(got.brief).not.toHaveProperty('backgroundByLang');
    const requested = (await timelineKinds(c, t.body.id)).find((e) => e.kind === 'escalation.requested');
    expect(requested?.data.origin).toMatchObject({ code: 'auto', path: p.body.name });
    // The receiver reads English (their locale): the notification says the ask in English, from the facts.
    await c.deps.jobs.drain();
    const note = (await request('GET', '/api/v1/notifications', actors.specialist)).body.items.find((n: { escalationId: string | null }) => n.escalationId === list.body.items[0].id);
    expect(note.body).toContain(`Automatic escalation by path "${p.body.name}": category = ${category}`);
    expect(note.body).not.toContain('経路');
    const other = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Other', category: 'general' });
    expect((await request('GET', `/api/v1/escalations?ticketId=${other.body.id}`, actors.agent)).body.items).toHaveLength(0);
    // A change into the category escalates too (once).
    await request('PATCH', `/api/v1/tickets/${other.body.id}`, actors.agent, { category });
    await request('PATCH', `/api/v1/tickets/${other.body.id}`, actors.agent, { priority: 'high' });
    expect((await request('GET', `/api/v1/escalations?ticketId=${other.body.id}`, actors.agent)).body.items).toHaveLength(1);
    // Deactivate so later tests are not affected.
    await request('DELETE', `/api/v1/escalation-paths/${p.body.id}`, actors.admin);
  });

  it('reaches the delegate of an absent user; availability stays backwards compatible', async () => {
    const { request, actors, clock } = ctx();
    expect((await request('PUT', `/api/v1/users/${actors.specialist.id}/availability`, actors.specialist, { availability: 'busy' })).body.availability).toBe('busy');
    const set = await request('PUT', `/api/v1/users/${actors.specialist.id}/availability`, actors.specialist, {
      status: 'available',
      outOfOffice: [{ start: new Date(clock.now() - 3600_000).toISOString(), end: new Date(clock.now() + 86400_000).toISOString(), delegateUserId: actors.supervisor.id }],
    });
    expect(set.status).toBe(200);
    expect(set.body.outOfOffice[0].delegateUserId).toBe(actors.supervisor.id);
    expect((await request('PUT', `/api/v1/users/${actors.specialist.id}/availability`, ctx().otherAgent, { status: 'off' })).status).toBe(403);
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Absent' });
    const esc = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, actors.agent, { target: { type: 'user', userId: actors.specialist.id }, kind: 'functional', brief: { ask: 'help' } });
    expect(esc.status).toBe(201);
    expect(esc.body.receivers[0].people.map((p: { id: string }) => p.id)).toEqual([actors.supervisor.id]);
    expect(esc.body.receivers[0].trace.join(' ')).toContain('delegate');
    await request('PUT', `/api/v1/users/${actors.specialist.id}/availability`, actors.specialist, { outOfOffice: [] });
  });

  it('simulates a ticket and renders the playbook with escaped content', async () => {
    const c = ctx();
    const { request, actors } = c;
    const name = `<script>alert(1)</script> ${c.kind}`;
    const p = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L1 *bold*', [{ type: 'user', userId: actors.specialist.id }]), level('L2', [{ type: 'user', userId: actors.manager.id }])], { name, conditions: { ...pathBody('', []).conditions, keywords: [`simkey${c.kind}`] } }));
    expect(p.status).toBe(201);
    const arrival = '2026-02-02T01:00:00.000Z';
    const sim = await request('POST', '/api/v1/escalation-paths/simulate', actors.agent, { ticket: { subject: `about simkey${c.kind}` }, arrivalAt: arrival });
    expect(sim.status).toBe(200);
    expect(sim.body.pathId).toBe(p.body.id);
    expect(sim.body.matches[0].reasons[0]).toContain('in subject');
    const [l1, l2] = sim.body.prediction.levels;
    expect(l1.reachedAt).toBe(arrival);
    expect(l1.ackDueAt).toBe('2026-02-02T01:10:00.000Z');
    expect(l1.reminders[0].at).toBe('2026-02-02T01:10:00.000Z');
    expect(l1.leftAt).toBe('2026-02-02T01:15:00.000Z');
    expect(l2.reachedAt).toBe('2026-02-02T01:15:00.000Z');
    expect(sim.body.prediction.fallback.adminAlert).toBe(true);
    // SLA-triggered escalations are part of the prediction: a policy whose breach escalates to
    // this path's second level, 30 minutes after arrival.
    const policy = await request('POST', '/api/v1/sla-policies', actors.admin, {
      name: `sim ${c.kind}`,
      position: 0,
      conditions: { tags: [`simtag${c.kind}`] },
      targets: { urgent: { firstResponse: { seconds: 1800, calendarId: null } } },
      warnings: { firstResponse: [{ elapsedPercent: 50 }] },
      actions: { onBreach: [{ type: 'escalate', pathId: p.body.id, levelIndex: 1 }] },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const withSla = await request('POST', '/api/v1/escalation-paths/simulate', actors.agent, { ticket: { subject: `about simkey${c.kind}`, priority: 'urgent', tags: [`simtag${c.kind}`] }, arrivalAt: arrival });
    expect(withSla.body.sla.policyName).toBe(`sim ${c.kind}`);
    expect(withSla.body.sla.clocks).toEqual([{ kind: 'first_response', dueAt: '2026-02-02T01:30:00.000Z', warningsAt: ['2026-02-02T01:15:00.000Z'] }]);
    const [slaEsc] = withSla.body.sla.escalations;
    expect(slaEsc).toMatchObject({ clockKind: 'first_response', event: 'breach', at: '2026-02-02T01:30:00.000Z', pathId: p.body.id, levelIndex: 1 });
    expect(slaEsc.prediction.levels[0]).toMatchObject({ levelIndex: 1, reachedAt: '2026-02-02T01:30:00.000Z' });
    await request('DELETE', `/api/v1/sla-policies/${policy.body.id}`, actors.admin);
    const html = await c.app.inject({ method: 'GET', url: '/api/v1/playbook?lang=ja', headers: actors.agent.auth });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.body).not.toContain('<script>alert(1)');
    expect(html.body).toContain('エスカレーション手順書');
    const md = await c.app.inject({ method: 'GET', url: '/api/v1/playbook?format=md&lang=en', headers: actors.agent.auth });
    expect(md.headers['content-type']).toContain('text/markdown');
    expect(md.body).toContain('# Escalation playbook');
    expect(md.body).toContain('Level 1: \\*bold\\*');
    await request('DELETE', `/api/v1/escalation-paths/${p.body.id}`, actors.admin);
  });

  it('lists due reviews, notifies the owner, and records who reviewed', async () => {
    const { request, actors, clock, deps } = ctx();
    const p = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L1', [{ type: 'user', userId: actors.specialist.id }])], { reviewIntervalDays: 1 }));
    expect((await request('GET', '/api/v1/escalation-paths/reviews/due', actors.agent)).body.items.map((x: { id: string }) => x.id)).not.toContain(p.body.id);
    clock.advance(86400_000);
    await deps.jobs.drain();
    const due = await request('GET', '/api/v1/escalation-paths/reviews/due', actors.agent);
    expect(due.body.items.map((x: { id: string }) => x.id)).toContain(p.body.id);
    const notes = await deps.database.db.selectFrom('jobs').select(['payload']).where('kind', '=', 'notify').where('dedupe_key', 'like', `notify:path-review:${p.body.id}:%`).execute();
    expect(notes).toHaveLength(1);
    expect(JSON.parse(notes[0]!.payload).recipients.userIds).toEqual([actors.manager.id]);
    const r = await request('POST', `/api/v1/escalation-paths/${p.body.id}/review`, actors.manager);
    expect(r.body.lastReviewedBy).toBe(actors.manager.id);
    expect(r.body.reviewDue).toBe(false);
    expect((await request('GET', '/api/v1/escalation-paths/reviews/due', actors.agent)).body.items.map((x: { id: string }) => x.id)).not.toContain(p.body.id);
    await request('DELETE', `/api/v1/escalation-paths/${p.body.id}`, actors.admin);
  });

  it('manages rotations and answers who is on call', async () => {
    const { request, actors } = ctx();
    const r = await request('POST', '/api/v1/rotations', actors.admin, {
      name: 'Night shift',
      members: [actors.specialist.id, actors.supervisor.id],
      shift: { unit: 'days', days: 1 },
      handoffTime: '09:00',
      timeZone: 'Asia/Tokyo',
      startDate: '2026-01-01',
      teamId: null,
    });
    expect(r.status).toBe(201);
    const a = await request('GET', `/api/v1/rotations/${r.body.id}/oncall?at=2026-01-01T01:00:00Z`, actors.agent);
    expect(a.body.userId).toBe(actors.specialist.id);
    const b = await request('GET', `/api/v1/rotations/${r.body.id}/oncall?at=2026-01-02T01:00:00Z`, actors.agent);
    expect(b.body.userId).toBe(actors.supervisor.id);
    const o = await request('POST', `/api/v1/rotations/${r.body.id}/overrides`, actors.supervisor, { userId: actors.manager.id, start: '2026-01-02T00:00:00Z', end: '2026-01-02T12:00:00Z' });
    expect(o.status).toBe(201);
    expect((await request('GET', `/api/v1/rotations/${r.body.id}/oncall?at=2026-01-02T01:00:00Z`, actors.agent)).body.userId).toBe(actors.manager.id);
    expect((await request('POST', '/api/v1/rotations', actors.admin, { name: 'x', members: ['nobody'], shift: { unit: 'days', days: 1 }, handoffTime: '09:00', timeZone: 'Mars/Base', startDate: '2026-01-01', teamId: null })).status).toBe(400);
  });

  it('flags ping-pong after too many team transfers and routes to the first team supervisor', async () => {
    const c = ctx();
    const { request, actors } = c;
    const t1 = await request('POST', '/api/v1/teams', actors.admin, { name: `Support ${c.kind}`, members: [{ userId: actors.agent.id, role: 'member' }, { userId: actors.supervisor.id, role: 'supervisor' }] });
    const t2 = await request('POST', '/api/v1/teams', actors.admin, { name: `Billing ${c.kind}`, members: [{ userId: actors.specialist.id, role: 'member' }] });
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Bouncing', teamId: t1.body.id });
    for (const teamId of [t2.body.id, t1.body.id, t2.body.id, t1.body.id]) await request('PATCH', `/api/v1/tickets/${ticket.body.id}`, actors.agent, { teamId });
    const tk = await request('GET', `/api/v1/tickets/${ticket.body.id}`, actors.agent);
    expect(tk.body.tags).toContain('ping-pong');
    const list = await request('GET', `/api/v1/escalations?ticketId=${ticket.body.id}`, actors.agent);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].trigger).toBe('pingpong');
    expect(list.body.items[0].receivers[0].people[0].id).toBe(actors.supervisor.id);
    expect(list.body.items[0].brief.background).toContain('→');
    const detected = (await timelineKinds(c, ticket.body.id)).find((e) => e.kind === 'escalation.ping_pong_detected');
    expect(detected?.data.chain).toEqual([`Support ${c.kind}`, `Billing ${c.kind}`, `Support ${c.kind}`, `Billing ${c.kind}`, `Support ${c.kind}`]);
    expect(list.body.items[0].origin).toMatchObject({ code: 'pingpong', team: `Support ${c.kind}`, transfers: 4 });
    expect(list.body.items[0].brief.ask).toContain('4回移管されました');
    expect(list.body.items[0].brief.background).toContain('移管の経緯');
  });

  it('escalates directly to my supervisor, a team or a person when no path applies', async () => {
    const c = ctx();
    const { request, actors } = c;
    const loner = c.otherAgent;
    const ticket = await request('POST', '/api/v1/tickets', loner, { subject: 'Nothing matches this', requesterEmail: 'direct@customer.example' });
    const before = await request('GET', `/api/v1/tickets/${ticket.body.id}/escalations/draft`, loner);
    expect(before.status).toBe(200);
    expect(before.body.direct.mySupervisors).toEqual([]);
    const none = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, loner, { to: 'my_supervisor', brief: { ask: 'Please decide' } });
    expect(none.status).toBe(409);
    expect(none.body.error.details.reason).toBe('no_supervisor');
    const team = await request('POST', '/api/v1/teams', actors.admin, { name: `Direct ${c.kind}`, members: [{ userId: loner.id, role: 'member' }, { userId: actors.supervisor.id, role: 'supervisor' }, { userId: actors.specialist.id, role: 'member' }] });
    expect(team.status).toBe(201);
    const draft = await request('GET', `/api/v1/tickets/${ticket.body.id}/escalations/draft`, loner);
    expect(draft.body.direct.mySupervisors).toEqual([{ id: actors.supervisor.id, name: 'supervisor' }]);
    expect(draft.body.direct.teams.map((t: { id: string }) => t.id)).toContain(team.body.id);
    expect(draft.body.direct.people.map((p: { id: string }) => p.id)).toContain(actors.specialist.id);
    expect(draft.body.direct.people.map((p: { id: string }) => p.id)).not.toContain(loner.id);
    const both = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, loner, { to: 'my_supervisor', target: { type: 'team', teamId: team.body.id }, brief: { ask: 'x' } });
    expect(both.status).toBe(400);
    const up = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, loner, { to: 'my_supervisor', brief: { ask: 'Approve the goodwill credit' } });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ path: null, kind: 'hierarchical', origin: { code: 'direct', to: 'my_supervisor' }, level: { name: 'supervisor' } });
    expect(up.body.receivers[0].people.map((p: { id: string }) => p.id)).toEqual([actors.supervisor.id]);
    const toTeam = await request('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, loner, { target: { type: 'team', teamId: team.body.id }, brief: { ask: 'Check the logs' } });
    expect(toTeam.status).toBe(201);
    expect(toTeam.body).toMatchObject({ origin: { code: 'direct', to: 'team' }, level: { name: team.body.name } });
    const requested = (await timelineKinds(c, ticket.body.id)).filter((e) => e.kind === 'escalation.requested');
    expect(requested.map((e) => e.data.origin)).toEqual([{ code: 'direct', to: 'my_supervisor' }, { code: 'direct', to: 'team' }]);
    // No English sentence is stored for people to read.
    expect(JSON.stringify(requested)).not.toContain('Direct escalation');
  });

  it('pre-fills the background with names and labels in the requester\'s language', async () => {
    const c = ctx();
    const { request, actors } = c;
    const ticket = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Labels please', description: 'Hello' });
    await request('PATCH', `/api/v1/tickets/${ticket.body.id}`, actors.agent, { assigneeId: actors.specialist.id, status: 'open' });
    const draft = await request('GET', `/api/v1/tickets/${ticket.body.id}/escalations/draft`, actors.agent);
    expect(draft.body.brief.background).not.toContain(actors.specialist.id);
    expect(draft.body.brief.background).not.toMatch(/assigneeId|status:/);
    expect(draft.body.brief.background).toMatch(new RegExp(`(Assignee|担当者): (\\(empty\\)|（空）) → specialist`));
    expect(draft.body.brief.background).toMatch(/(Status: new → open|ステータス: 新規 → 対応中)/);
  });

  it('an SLA action escalates with its origin as facts and an ask in the workspace language', async () => {
    const c = ctx();
    const { request, actors } = c;
    const tag = `sla-origin-${c.kind}`;
    const p = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level('L2', [{ type: 'user', userId: actors.specialist.id }])], { conditions: { ...pathBody('', []).conditions, tags: [tag] } }));
    const t = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Late', tags: [tag], requesterEmail: 'sla-origin@customer.example' });
    await inTransaction(c.deps.database.db, (tx) => c.deps.escalations.onSlaAction(tx, { ticketId: t.body.id, clockKind: 'first_response', event: 'breach', pathId: p.body.id, now: c.clock.now() }));
    const [e] = (await request('GET', `/api/v1/escalations?ticketId=${t.body.id}`, actors.agent)).body.items;
    expect(e).toMatchObject({ trigger: 'sla', origin: { code: 'sla', path: p.body.name, clockKind: 'first_response', event: 'breach' } });
    expect(e.brief.ask).toBe(`SLA（初回応答）の期限超過: 経路「${p.body.name}」で自動的にエスカレーションしました。`);
  });
});
