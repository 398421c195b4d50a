import { expect, it } from 'vitest';
import { describeEachDb, type Actor, type TestContext } from '../../../test/helpers/app.js';

/**
 * Issue 19: hand-raise questions and answers, incident titles and updates are searchable,
 * indexed in the transaction of the change; a hand is found only by who may open it (its
 * ticket's readers; its operator, claimer and supervising roles), an erased customer's hand
 * is rebuilt from its scrubbed row, and reindex rebuilds both kinds.
 */
async function search(c: TestContext, actor: Actor, q: string, extra = '') {
  const r = await c.request('GET', `/api/v1/search?q=${encodeURIComponent(q)}${extra}`, actor);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: { type: string; kind: string; id: string; ticketId: string | null; title: { text: string } }[] };
}

const found = async (c: TestContext, actor: Actor, q: string, extra = '') => (await search(c, actor, q, extra)).items.map((i) => `${i.kind}:${i.id}`).sort();

describeEachDb('search: hands and incidents', (get) => {
  let restrictedHand: string;
  let openHand: string;
  let erasedHand: string;
  let customerId: string;
  let incidentId: string;
  let updateId: string;

  it('indexes a hand when raised, when a line is added and when closed with an answer', async () => {
    const c = get();
    const { actors } = c;
    const legal = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Legal', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] });
    expect(legal.status).toBe(201);
    const secret = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Settlement', description: 'terms', requesterEmail: 'legal@example.com', teamId: legal.body.id });
    expect(secret.status).toBe(201);
    const h1 = await c.request('POST', '/api/v1/hands', actors.agent, { category: 'hardware', ask: '筐体の交換を承認してよいですか', ticketId: secret.body.id, environment: 'rack 7' });
    expect(h1.status, JSON.stringify(h1.body)).toBe(201);
    restrictedHand = h1.body.id;
    const h2 = await c.request('POST', '/api/v1/hands', actors.agent, { category: 'hardware', concern: '筐体が熱い', tried: 'rebooted twice' });
    expect(h2.status).toBe(201);
    openHand = h2.body.id;

    // The operator (a member of the restricted team) finds both, as escalation-type results.
    const mine = await search(c, actors.agent, '筐体', '&type=escalation');
    expect(mine.items.map((i) => `${i.kind}:${i.id}`).sort()).toEqual([`hand:${restrictedHand}`, `hand:${openHand}`].sort());
    expect(mine.items.every((i) => i.type === 'escalation')).toBe(true);
    expect(mine.items.find((i) => i.id === restrictedHand)!.title.text).toContain('hardware');
    expect(await found(c, actors.agent, 'rebooted')).toEqual([`hand:${openHand}`]);
    expect(await found(c, actors.agent, '筐体', '&type=ticket')).toEqual([]);

    // Another agent may neither see the restricted ticket nor open someone else's hand.
    expect(await found(c, c.otherAgent, '筐体', '&type=escalation')).toEqual([]);
    expect(await found(c, c.otherAgent, '筐体')).toEqual([]);
    // A supervisor opens hands without a ticket, not the hand of a restricted ticket it may not read.
    expect(await found(c, actors.supervisor, '筐体', '&type=escalation')).toEqual([`hand:${openHand}`]);
    expect(await found(c, actors.admin, '筐体', '&type=escalation')).toEqual([`hand:${restrictedHand}`, `hand:${openHand}`].sort());

    // The thread and the answer.
    expect((await c.request('POST', `/api/v1/hands/${openHand}/claim`, actors.supervisor)).status).toBe(200);
    expect((await c.request('POST', `/api/v1/hands/${openHand}/messages`, actors.supervisor, { body: 'ファンの回転数を見てください' })).status).toBe(201);
    expect(await found(c, actors.agent, 'ファン')).toEqual([`hand:${openHand}`]);
    expect((await c.request('POST', `/api/v1/hands/${openHand}/close`, actors.supervisor, { outcome: 'answered', answer: 'Replace the thermal paste' })).status).toBe(200);
    expect(await found(c, actors.agent, 'thermal paste')).toEqual([`hand:${openHand}`]);
    expect(await found(c, c.otherAgent, 'thermal')).toEqual([]);
  });

  it("an erased customer's hand is indexed again from its scrubbed row", async () => {
    const c = get();
    const { actors } = c;
    const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Broken unit', description: 'x', requesterEmail: 'hanako@example.com' });
    expect(t.status).toBe(201);
    customerId = t.body.requesterId;
    const h = await c.request('POST', '/api/v1/hands', actors.agent, { category: 'warranty', ask: 'Hanako asks for a zyxwarranty extension', ticketId: t.body.id });
    expect(h.status).toBe(201);
    erasedHand = h.body.id;
    expect(await found(c, actors.agent, 'zyxwarranty')).toEqual([`hand:${erasedHand}`]);
    expect((await c.request('POST', `/api/v1/customers/${customerId}/erase`, actors.admin)).status).toBe(200);
    expect(await found(c, actors.agent, 'zyxwarranty')).toEqual([]);
    expect(await found(c, actors.agent, 'Hanako')).toEqual([]);
    // The kept facts (the category) are still found.
    expect(await found(c, actors.agent, 'warranty', '&type=escalation')).toEqual([`hand:${erasedHand}`]);
  });

  it('indexes incident titles, summaries, updates in both languages and the resolution', async () => {
    const c = get();
    const { actors } = c;
    const d = await c.request('POST', '/api/v1/incidents', actors.supervisor, { title: '決済システム停止', summary: 'Card payments fail', severity: 'SEV2', internalOnly: true });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    incidentId = d.body.id;
    const u = await c.request('POST', `/api/v1/incidents/${incidentId}/updates`, actors.supervisor, { state: 'investigating', body: { ja: '決済の障害を調査しています', en: 'Investigating the checkout gateway' }, audience: 'internal' });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    updateId = u.body.id;

    const r = await search(c, actors.agent, '障害', '&type=incident');
    expect(r.items.map((i) => `${i.kind}:${i.id}`)).toEqual([`incident_update:${updateId}`]);
    expect(r.items[0]).toMatchObject({ type: 'incident', ticketId: null, title: { text: '決済システム停止' } });
    expect(await found(c, actors.agent, 'gateway', '&type=incident')).toEqual([`incident_update:${updateId}`]);
    expect(await found(c, actors.agent, '決済', '&type=incident')).toEqual([`incident:${incidentId}`, `incident_update:${updateId}`].sort());
    expect(await found(c, actors.agent, 'payments')).toEqual([`incident:${incidentId}`]);
    expect(await found(c, actors.agent, '障害', '&type=escalation')).toEqual([]);

    // A new title heads the updates too; the resolution is found on the incident.
    expect((await c.request('PATCH', `/api/v1/incidents/${incidentId}`, actors.supervisor, { title: 'Checkout outage 決済' })).status).toBe(200);
    const renamed = await search(c, actors.agent, 'gateway');
    expect(renamed.items[0]!.title.text).toBe('Checkout outage 決済');
    expect((await c.request('POST', `/api/v1/incidents/${incidentId}/resolve`, actors.supervisor, { resolution: { ja: '設定を元に戻しました', en: 'Rolled back the config' } })).status).toBe(200);
    expect(await found(c, actors.agent, 'rolled back')).toEqual([`incident:${incidentId}`]);
  });

  it('reindex rebuilds hands, incidents and updates', async () => {
    const c = get();
    const db = c.deps.database.db;
    const kinds = ['hand', 'incident', 'incident_update'] as const;
    const before = await db.selectFrom('search_documents').select(['kind', 'ref_id', 'title', 'body']).where('kind', 'in', kinds).orderBy('kind').orderBy('ref_id').execute();
    expect(before.map((r) => r.kind).sort()).toEqual(['hand', 'hand', 'hand', 'incident', 'incident_update']);
    await db.deleteFrom('search_documents').where('kind', 'in', kinds).execute();
    expect(await found(c, c.actors.agent, '筐体')).toEqual([]);
    const r = await c.deps.search.reindex({ force: true });
    expect(r.rebuilt).toBe(true);
    const after = await db.selectFrom('search_documents').select(['kind', 'ref_id', 'title', 'body']).where('kind', 'in', kinds).orderBy('kind').orderBy('ref_id').execute();
    expect(after).toEqual(before);
    expect(await found(c, c.actors.agent, '筐体', '&type=escalation')).toEqual([`hand:${restrictedHand}`, `hand:${openHand}`].sort());
    expect(await found(c, c.actors.agent, '障害', '&type=incident')).toEqual([`incident_update:${updateId}`]);
    expect(await found(c, c.actors.agent, 'zyxwarranty')).toEqual([]);
    expect(await found(c, c.otherAgent, '筐体')).toEqual([]);
  });
});
