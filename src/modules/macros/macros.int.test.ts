import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

/** Issue 15 §2: macros — placeholders rendered and escaped, ja/en, personal vs shared, changes on the timeline. */
describeEachDb('macros', (get) => {
  let jaTicket = '';
  let enTicket = '';
  let jaNumber = 0;
  let shared = '';
  let personal = '';

  it('sets up a Japanese and an English requester', async () => {
    const c = get();
    const { actors } = c;
    const ja = await c.request('POST', '/api/v1/customers', actors.agent, { name: '山田 <b>太郎</b>', email: 'yamada@example.jp', locale: 'ja' });
    expect(ja.status, JSON.stringify(ja.body)).toBe(201);
    const en = await c.request('POST', '/api/v1/customers', actors.agent, { name: "Pat O'Brien & Co", email: 'pat@example.com', locale: 'en' });
    const t1 = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'プリンタが動かない', requesterId: ja.body.id });
    const t2 = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Printer down', requesterId: en.body.id });
    expect(t1.status, JSON.stringify(t1.body)).toBe(201);
    jaTicket = t1.body.id;
    jaNumber = t1.body.number;
    enTicket = t2.body.id;
  });

  it('refuses bad macros with 4xx: no text, unknown placeholder, triple-stash of a name, syntax, scope for agents', async () => {
    const c = get();
    const { actors } = c;
    const post = (body: unknown, actor = actors.agent) => c.request('POST', '/api/v1/macros', actor, body);
    expect((await post({ name: 'x' })).status).toBe(400);
    expect((await post({})).status).toBe(400);
    const typo = await post({ name: 'x', bodyEn: 'Hi {{customer.nmae}}' });
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.body)).toContain('customer.nmae');
    const triple = await post({ name: 'x', bodyEn: 'Hi {{{customer.name}}}' });
    expect(triple.status).toBe(400);
    expect(JSON.stringify(triple.body)).toContain('without escaping');
    expect((await post({ name: 'x', bodyJa: '{{#if agent.name}}' })).status).toBe(400);
    expect((await post({ name: 'x', bodyEn: 'y', changes: { status: 'nonsense' } })).status).toBe(400);
    expect((await post({ name: 'x', bodyEn: 'y', changes: { teamId: '01900000-0000-7000-8000-000000000009' } })).status).toBe(400);
    expect((await post({ name: 'x', bodyEn: 'y', scope: 'shared' })).status).toBe(403);
  });

  it('personal and shared: agents see shared + own; shared ones are written by supervisors and audited', async () => {
    const c = get();
    const { actors, otherAgent } = c;
    const s = await c.request('POST', '/api/v1/macros', actors.supervisor, {
      name: 'Printer reset',
      bodyJa: '{{customer.name}} 様\nチケット #{{ticket.number}} の件です。担当の {{agent.name}} です。',
      bodyEn: 'Dear {{customer.name}},\nabout ticket #{{ticket.number}}. {{agent.name}}',
      changes: { status: 'pending', priority: 'high', addTags: ['printer'], removeTags: ['new'] },
      scope: 'shared',
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    shared = s.body.id;
    const p = await c.request('POST', '/api/v1/macros', actors.agent, { name: 'My thanks', bodyEn: 'Thanks, {{customer.name}}!' });
    expect(p.body).toMatchObject({ scope: 'personal', ownerId: actors.agent.id });
    personal = p.body.id;

    const names = async (actor: typeof actors.agent, q = '') => ((await c.request('GET', `/api/v1/macros${q}`, actor)).body.items as { name: string }[]).map((m) => m.name);
    expect(await names(actors.agent)).toEqual(['My thanks', 'Printer reset']);
    expect(await names(otherAgent)).toEqual(['Printer reset']);
    expect(await names(actors.agent, '?q=THANKS')).toEqual(['My thanks']);
    expect(await names(actors.agent, '?q=' + encodeURIComponent('チケット'))).toEqual(['Printer reset']);
    expect(await names(actors.agent, '?scope=shared')).toEqual(['Printer reset']);

    // Someone else's personal macro does not exist for them; a shared one is read-only for agents.
    expect((await c.request('PATCH', `/api/v1/macros/${personal}`, otherAgent, { name: 'mine' })).status).toBe(404);
    expect((await c.request('POST', `/api/v1/macros/${personal}/apply`, otherAgent, { ticketId: enTicket })).status).toBe(404);
    expect((await c.request('PATCH', `/api/v1/macros/${shared}`, actors.agent, { name: 'mine' })).status).toBe(403);
    expect((await c.request('DELETE', `/api/v1/macros/${shared}`, actors.agent)).status).toBe(403);
    expect((await c.request('PATCH', `/api/v1/macros/${personal}`, actors.agent, { scope: 'shared' })).status).toBe(403);
    expect((await c.request('PATCH', `/api/v1/macros/${personal}`, actors.agent, {})).status).toBe(400);
    const renamed = await c.request('PATCH', `/api/v1/macros/${shared}`, actors.supervisor, { name: 'Printer reset (v2)' });
    expect(renamed.status).toBe(200);

    const audit = await c.deps.database.db.selectFrom('audit_log').select(['action', 'target_id']).where('target_type', '=', 'macro').orderBy('id').execute();
    expect(audit.map((a) => [a.action, a.target_id])).toEqual([
      ['macro.created', shared],
      ['macro.updated', shared],
    ]);
  });

  it("renders in the requester's language with escaping, the other language as fallback", async () => {
    const c = get();
    const { actors } = c;
    const ja = await c.request('POST', `/api/v1/macros/${shared}/apply`, actors.agent, { ticketId: jaTicket });
    expect(ja.status, JSON.stringify(ja.body)).toBe(200);
    expect(ja.body.language).toBe('ja');
    const agentName = (await c.deps.database.db.selectFrom('users').select('name').where('id', '=', actors.agent.id).executeTakeFirstOrThrow()).name;
    expect(agentName).toBeTruthy();
    expect(ja.body.text).toBe(`山田 <b>太郎</b> 様\nチケット #${jaNumber} の件です。担当の ${agentName} です。`);
    expect(ja.body.html).toContain('山田 &lt;b&gt;太郎&lt;/b&gt; 様');
    expect(ja.body.html).not.toContain('<b>');
    expect(ja.body.applied).toBe(false);

    const en = await c.request('POST', `/api/v1/macros/${shared}/apply`, actors.agent, { ticketId: enTicket });
    expect(en.body.language).toBe('en');
    expect(en.body.text).toMatch(/^Dear Pat O'Brien & Co,\nabout ticket #\d+\. \S/);
    expect(en.body.html).toContain('Pat O&#x27;Brien &amp; Co');
    // Asked language wins; a macro with English only falls back to it for a Japanese requester.
    expect((await c.request('POST', `/api/v1/macros/${shared}/apply`, actors.agent, { ticketId: jaTicket, language: 'en' })).body.language).toBe('en');
    const fallback = await c.request('POST', `/api/v1/macros/${personal}/apply`, actors.agent, { ticketId: jaTicket });
    expect(fallback.body).toMatchObject({ language: 'en', text: 'Thanks, 山田 <b>太郎</b>!' });

    expect((await c.request('POST', `/api/v1/macros/${shared}/apply`, actors.agent, { ticketId: 'nope' })).status).toBe(400);
    expect((await c.request('POST', `/api/v1/macros/${shared}/apply`, actors.agent, { ticketId: '01900000-0000-7000-8000-000000000001' })).status).toBe(404);
    expect((await c.request('POST', `/api/v1/macros/${shared}/apply`, actors.agent, { ticketId: jaTicket, language: 'fr' })).status).toBe(400);
  });

  it('applyChanges makes the field changes through the tickets service, on the timeline', async () => {
    const c = get();
    const { actors } = c;
    await c.request('PATCH', `/api/v1/tickets/${enTicket}`, actors.agent, { tags: ['new', 'vip'] });
    const r = await c.request('POST', `/api/v1/macros/${shared}/apply`, actors.agent, { ticketId: enTicket, applyChanges: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.applied).toBe(true);
    const t = await c.request('GET', `/api/v1/tickets/${enTicket}`, actors.agent);
    expect(t.body).toMatchObject({ status: 'pending', priority: 'high', tags: ['printer', 'vip'] });
    const tl = await c.request('GET', `/api/v1/tickets/${enTicket}/timeline?limit=100`, actors.agent);
    const changes = (tl.body.items as { kind: string; data: { field?: string; macroId?: string } }[]).filter((e) => e.kind === 'field.changed' && e.data.macroId === shared).map((e) => e.data.field).sort();
    expect(changes).toEqual(['priority', 'status', 'tags']);
  });

  it('deletes: personal by its owner, shared by supervisors (audited)', async () => {
    const c = get();
    const { actors } = c;
    expect((await c.request('DELETE', `/api/v1/macros/${personal}`, actors.agent)).status).toBe(204);
    expect((await c.request('DELETE', `/api/v1/macros/${shared}`, actors.supervisor)).status).toBe(204);
    expect((await c.request('GET', '/api/v1/macros', actors.agent)).body.items).toEqual([]);
    const last = await c.deps.database.db.selectFrom('audit_log').select('action').where('target_type', '=', 'macro').orderBy('id', 'desc').executeTakeFirst();
    expect(last?.action).toBe('macro.deleted');
  });
});
