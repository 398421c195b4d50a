import { expect, it } from 'vitest';
import { describeEachDb, TEST_PASSWORD, type Actor, type TestContext } from '../../../test/helpers/app.js';

/** Issue 16: raise a hand, tier timeouts on the timer engine, an exclusive claim, outcomes. */

async function supervisorsNamed(c: TestContext, prefix: string, n: number): Promise<Actor[]> {
  const out: Actor[] = [];
  for (let i = 0; i < n; i++) {
    const email = `${prefix}${i}@test.example`;
    const u = await c.deps.users.create(null, { email, name: `${prefix} ${i}`, role: 'supervisor', locale: 'en', timeZone: 'Asia/Tokyo', password: TEST_PASSWORD });
    const { token } = await c.deps.auth.createToken(null, u.id, 'test');
    out.push({ id: u.id, email, role: 'supervisor', token, auth: { authorization: `Bearer ${token}` } });
  }
  return out;
}

const raise = (c: TestContext, actor: Actor, body: Record<string, unknown>) => c.request('POST', '/api/v1/hands', actor, { category: 'refund', ask: 'May I refund 40 days after purchase?', ...body });

describeEachDb('raise a hand', (get) => {
  let teamId: string;
  let ticketId: string;
  let floorSv: Actor;

  it('sets up a team with a leader, a supervisor on the floor and a ticket', async () => {
    const c = get();
    const { actors } = c;
    floorSv = (await supervisorsNamed(c, 'floor', 1))[0]!;
    const team = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Billing', members: [{ userId: actors.agent.id, role: 'member' }, { userId: actors.supervisor.id, role: 'supervisor' }] });
    expect(team.status).toBe(201);
    teamId = team.body.id;
    const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Refund after 40 days', description: 'order 123', requesterEmail: 'hanako@example.com', teamId });
    expect(t.status).toBe(201);
    ticketId = t.body.id;
  });

  it('refuses a hand without its conclusion, naming the field', async () => {
    const c = get();
    const r = await c.request('POST', '/api/v1/hands', c.actors.agent, { category: 'refund', ask: '  ', tried: 'looked it up' });
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems[0]).toMatchObject({ field: 'ask', code: 'hand_conclusion_missing' });
  });

  it('raises: the team leader is alerted first; supervisors see it, the operator sees their own, others nothing', async () => {
    const c = get();
    const { actors } = c;
    const r = await raise(c, actors.agent, { ticketId, temperature: 'upset', tried: 'checked the policy' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'open', tierIndex: 0, tierName: 'Team leader', ticketId, team: { id: teamId }, temperature: 'upset', exhausted: false });
    expect(r.body.alerted.map((p: { id: string }) => p.id)).toEqual([actors.supervisor.id]);
    expect(r.body.nextTierAt).toBe(new Date(c.clock.now() + 12_000).toISOString());
    const panel = await c.request('GET', '/api/v1/hands?state=open', actors.manager);
    expect(panel.body.items.map((h: { id: string }) => h.id)).toContain(r.body.id);
    expect((await c.request('GET', `/api/v1/hands?state=open&team=${teamId}`, actors.supervisor)).body.items).toHaveLength(1);
    expect((await c.request('GET', '/api/v1/hands', actors.agent)).body.items).toHaveLength(1);
    expect((await c.request('GET', '/api/v1/hands', c.otherAgent)).body.items).toHaveLength(0);
    expect((await c.request('GET', `/api/v1/hands/${r.body.id}`, c.otherAgent)).status).toBe(404);
    const detail = await c.request('GET', `/api/v1/hands/${r.body.id}`, actors.supervisor);
    expect(detail.body.events.map((e: { kind: string }) => e.kind)).toEqual(['hand.raised', 'hand.alerted']);
    expect(detail.body.events[0].actor.id).toBe(actors.agent.id);
    // The ticket's timeline says a hand was raised.
    const tl = await c.request('GET', `/api/v1/tickets/${ticketId}/timeline`, actors.agent);
    expect(JSON.stringify(tl.body)).toContain('hand.raised');
    await c.request('POST', `/api/v1/hands/${r.body.id}/cancel`, actors.agent);
  });

  it('tier timeouts fire at their instant, once; after the last tier the hand stays open, highlighted, and the managers are alerted', async () => {
    const c = get();
    const { actors, clock, deps } = c;
    const r = await raise(c, actors.agent, { concern: 'The customer threatens to go to the press', ask: '' });
    const id = r.body.id;
    const start = clock.now();
    const tierOf = async () => (await c.request('GET', `/api/v1/hands/${id}`, actors.supervisor)).body;
    clock.set(start + 12_000 - 1);
    await deps.jobs.drain();
    expect((await tierOf()).hand.tierIndex).toBe(0);
    clock.set(start + 12_000);
    await deps.jobs.drain();
    const second = (await tierOf()).hand;
    expect(second.tierIndex).toBe(1);
    expect(second.alerted.map((p: { id: string }) => p.id)).toEqual([actors.supervisor.id, floorSv.id]);
    expect(second.nextTierAt).toBe(new Date(start + 24_000).toISOString());
    await deps.jobs.drain();
    expect((await tierOf()).events.filter((e: { kind: string }) => e.kind === 'hand.alerted')).toHaveLength(2);
    clock.set(start + 24_000);
    await deps.jobs.drain();
    const third = (await tierOf()).hand;
    expect(third.tierIndex).toBe(2);
    expect(third.alerted.map((p: { id: string }) => p.id)).toContain(actors.manager.id);
    clock.set(start + 36_000);
    await deps.jobs.drain();
    const done = await tierOf();
    expect(done.hand).toMatchObject({ state: 'open', exhausted: true, exhaustedAt: new Date(start + 36_000).toISOString(), nextTierAt: null });
    expect(done.events.map((e: { kind: string }) => e.kind)).toEqual(['hand.raised', 'hand.alerted', 'hand.alerted', 'hand.alerted', 'hand.exhausted']);
    await deps.jobs.drain();
    const notes = await c.request('GET', '/api/v1/notifications', actors.manager);
    expect(JSON.stringify(notes.body)).toContain('hand.unclaimed');
    // Still on every panel.
    expect((await c.request('GET', '/api/v1/hands?state=open', actors.supervisor)).body.items.some((h: { id: string; exhausted: boolean }) => h.id === id && h.exhausted)).toBe(true);
    await c.request('POST', `/api/v1/hands/${id}/cancel`, actors.agent);
  });

  it('twenty supervisors claim at once: exactly one wins, the others get 409 hand_already_claimed naming the winner', async () => {
    const c = get();
    const svs = await supervisorsNamed(c, 'racer', 20);
    const r = await raise(c, c.actors.agent, {});
    const results = await Promise.all(svs.map((sv) => c.request('POST', `/api/v1/hands/${r.body.id}/claim`, sv)));
    const winners = results.filter((x) => x.status === 200);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.body.claimedBy.id;
    const losers = results.filter((x) => x.status !== 200);
    expect(losers).toHaveLength(19);
    for (const l of losers) {
      expect(l.status).toBe(409);
      expect(l.body.error.code).toBe('hand_already_claimed');
      expect(l.body.error.details.claimedBy.id).toBe(winner);
    }
    const detail = await c.request('GET', `/api/v1/hands/${r.body.id}`, svs[0]!);
    expect(detail.body.events.filter((e: { kind: string }) => e.kind === 'hand.claimed')).toHaveLength(1);
    // The tier timer was cancelled with the claim.
    c.clock.advance(60_000);
    await c.deps.jobs.drain();
    expect((await c.request('GET', `/api/v1/hands/${r.body.id}`, svs[0]!)).body.hand).toMatchObject({ state: 'claimed', tierIndex: 0 });
    await c.request('POST', `/api/v1/hands/${r.body.id}/cancel`, c.actors.agent);
    // Routing skips supervisors away for hands.
    for (const sv of svs) await c.request('PUT', '/api/v1/me/hand-availability', sv, { availableForHands: false });
  });

  it('the live thread: lines from both sides, joining the call, answered with the answer kept on the ticket', async () => {
    const c = get();
    const { actors } = c;
    const heard: string[] = [];
    const unsubscribe = await c.deps.live.subscribe((e) => heard.push(e.type));
    try {
      const r = await raise(c, actors.agent, { ticketId });
      const id = r.body.id;
      expect((await c.request('POST', `/api/v1/hands/${id}/messages`, actors.manager, { body: 'not claimed' })).status).toBe(403);
      expect((await c.request('POST', `/api/v1/hands/${id}/claim`, actors.agent)).status).toBe(403);
      expect((await c.request('POST', `/api/v1/hands/${id}/claim`, actors.supervisor)).status).toBe(200);
      expect((await c.request('POST', `/api/v1/hands/${id}/messages`, actors.agent, { body: 'Order 123, paid by card' })).status).toBe(201);
      expect((await c.request('POST', `/api/v1/hands/${id}/messages`, actors.supervisor, { body: 'Yes, refund it as a one-off' })).status).toBe(201);
      expect((await c.request('POST', `/api/v1/hands/${id}/messages`, actors.manager, { body: 'me too' })).status).toBe(403);
      expect((await c.request('POST', `/api/v1/hands/${id}/typing`, actors.supervisor)).status).toBe(204);
      const join = await c.request('POST', `/api/v1/hands/${id}/joining`, actors.supervisor, { mode: 'whisper' });
      expect(join.body.joinedCall.mode).toBe('whisper');
      expect((await c.request('POST', `/api/v1/hands/${id}/close`, actors.supervisor, { outcome: 'answered' })).status).toBe(400);
      const closed = await c.request('POST', `/api/v1/hands/${id}/close`, actors.supervisor, { outcome: 'answered', answer: 'Refund as a one-off; note it on the ticket.' });
      expect(closed.body).toMatchObject({ state: 'closed', outcome: 'answered', answer: 'Refund as a one-off; note it on the ticket.' });
      expect((await c.request('POST', `/api/v1/hands/${id}/messages`, actors.agent, { body: 'late' })).status).toBe(409);
      const detail = await c.request('GET', `/api/v1/hands/${id}`, actors.agent);
      expect(detail.body.events.map((e: { kind: string }) => e.kind)).toEqual(['hand.raised', 'hand.alerted', 'hand.claimed', 'hand.message', 'hand.message', 'hand.joined_call', 'hand.closed']);
      const tl = JSON.stringify((await c.request('GET', `/api/v1/tickets/${ticketId}/timeline`, actors.agent)).body);
      expect(tl).toContain('hand.answered');
      expect(tl).toContain('Refund as a one-off');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard).toContain('hand.updated');
      expect(heard).toContain('hand.typing');
    } finally {
      unsubscribe();
    }
  });

  it('call back promised: a follow-up with its due time on the ticket and a reminder to the operator then', async () => {
    const c = get();
    const { actors, clock, deps } = c;
    const noTicket = await raise(c, actors.agent, {});
    await c.request('POST', `/api/v1/hands/${noTicket.body.id}/claim`, actors.supervisor);
    const due = new Date(clock.now() + 3600_000).toISOString();
    const refused = await c.request('POST', `/api/v1/hands/${noTicket.body.id}/close`, actors.supervisor, { outcome: 'callback', callbackDueAt: due });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.reason).toBe('no_ticket');
    await c.request('POST', `/api/v1/hands/${noTicket.body.id}/close`, actors.agent, { outcome: 'resolved_self' });

    const r = await raise(c, actors.agent, { ticketId });
    await c.request('POST', `/api/v1/hands/${r.body.id}/claim`, actors.supervisor);
    expect((await c.request('POST', `/api/v1/hands/${r.body.id}/close`, actors.supervisor, { outcome: 'callback', callbackDueAt: new Date(clock.now() - 1000).toISOString() })).status).toBe(400);
    const closed = await c.request('POST', `/api/v1/hands/${r.body.id}/close`, actors.supervisor, { outcome: 'callback', callbackDueAt: due, answer: 'Call back after checking with finance' });
    expect(closed.body).toMatchObject({ outcome: 'callback', callbackDueAt: due });
    expect(JSON.stringify((await c.request('GET', `/api/v1/tickets/${ticketId}/timeline`, actors.agent)).body)).toContain('hand.callback_promised');
    const count = async () => JSON.stringify((await c.request('GET', '/api/v1/notifications', actors.agent)).body).split('hand.callback_due').length - 1;
    await deps.jobs.drain();
    expect(await count()).toBe(0);
    clock.set(Date.parse(due));
    await deps.jobs.drain();
    expect(await count()).toBe(1);
  });

  it('escalate: the hand becomes an escalation of its ticket with the brief pre-filled from the hand and its thread', async () => {
    const c = get();
    const { actors } = c;
    const r = await raise(c, actors.agent, { ticketId, ask: 'Approve a refund beyond policy?', concern: 'Customer will cancel the contract', tried: 'Offered a coupon', environment: 'iOS app 5.2', background: 'Third call this week', temperature: 'angry' });
    const id = r.body.id;
    await c.request('POST', `/api/v1/hands/${id}/claim`, actors.supervisor);
    await c.request('POST', `/api/v1/hands/${id}/messages`, actors.supervisor, { body: 'Beyond my limit' });
    expect((await c.request('POST', `/api/v1/hands/${id}/escalate`, c.otherAgent, { target: { type: 'user', userId: actors.manager.id } })).status).toBe(404);
    const e = await c.request('POST', `/api/v1/hands/${id}/escalate`, actors.supervisor, { target: { type: 'user', userId: actors.manager.id } });
    expect(e.status).toBe(200);
    expect(e.body).toMatchObject({ state: 'closed', outcome: 'escalated' });
    const esc = await c.request('GET', `/api/v1/escalations/${e.body.escalationId}`, actors.manager);
    expect(esc.status).toBe(200);
    expect(esc.body.brief).toMatchObject({ category: 'refund', ask: 'Approve a refund beyond policy?', concern: 'Customer will cancel the contract', tried: 'Offered a coupon', environment: 'iOS app 5.2', customerTemperature: 'angry' });
    expect(esc.body.brief.background).toContain('Third call this week');
    expect(esc.body.brief.background).toContain('Beyond my limit');
    expect((await c.request('POST', `/api/v1/hands/${id}/escalate`, actors.supervisor, { target: { type: 'user', userId: actors.manager.id } })).status).toBe(409);
  });

  it('phone state: hands carry the call, the customer is found by number, supervisors on a call are skipped', async () => {
    const c = get();
    const { actors } = c;
    const cust = await c.request('POST', '/api/v1/customers', actors.agent, { name: 'Taro', email: 'taro@example.com', phone: '+81312345678' });
    expect(cust.status).toBe(201);
    const call = await c.request('PUT', '/api/v1/me/call', actors.agent, { onCall: true, callId: 'pbx-42', callerNumber: '+81312345678' });
    expect(call.body).toMatchObject({ onCall: true, callId: 'pbx-42', customerId: cust.body.id });
    expect((await c.request('PUT', `/api/v1/users/${actors.supervisor.id}/call`, actors.admin, { onCall: true, callId: 'pbx-43' })).status).toBe(200);
    expect((await c.request('PUT', `/api/v1/users/${actors.supervisor.id}/call`, actors.agent, { onCall: true })).status).toBe(403);
    const r = await raise(c, actors.agent, {});
    expect(r.body).toMatchObject({ callId: 'pbx-42', callerNumber: '+81312345678', customerId: cust.body.id });
    // The team leader is on a call: the team tier is passed at once.
    expect(r.body.tierIndex).toBeGreaterThan(0);
    expect(r.body.alerted.map((p: { id: string }) => p.id)).not.toContain(actors.supervisor.id);
    const floor = await c.request('GET', '/api/v1/hands/floor', actors.manager);
    expect(floor.body.onCall.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([actors.agent.id, actors.supervisor.id]));
    await c.request('POST', `/api/v1/hands/${r.body.id}/cancel`, actors.agent);
    await c.request('PUT', `/api/v1/users/${actors.supervisor.id}/call`, actors.admin, { onCall: false });
    // Privacy: the customer's export holds the hand; erasure removes their words and number from it.
    const exp = await c.request('GET', `/api/v1/customers/${cust.body.id}/export`, actors.admin);
    expect(exp.status).toBe(200);
    expect(exp.body.hands.map((h: { id: string }) => h.id)).toContain(r.body.id);
    expect((await c.request('POST', `/api/v1/customers/${cust.body.id}/erase`, actors.admin)).status).toBe(200);
    const after = await c.request('GET', `/api/v1/hands/${r.body.id}`, actors.supervisor);
    expect(after.body.hand).toMatchObject({ callerNumber: null, ask: '[erased]', category: 'refund' });
    expect(JSON.stringify(after.body.events)).not.toContain('May I refund');
    expect((await c.request('GET', '/api/v1/me/call', actors.agent)).body.callerNumber).toBeNull();
    await c.request('PUT', '/api/v1/me/call', actors.agent, { onCall: false });
  });

  it('report: time to claim and to answer, within target, outcomes and escalations', async () => {
    const c = get();
    const from = new Date(c.clock.now() - 86400_000).toISOString();
    const to = new Date(c.clock.now() + 86400_000).toISOString();
    expect((await c.request('GET', `/api/v1/hands/report?from=${from}&to=${to}`, c.actors.agent)).status).toBe(403);
    const r = await c.request('GET', `/api/v1/hands/report?from=${from}&to=${to}`, c.actors.manager);
    expect(r.status).toBe(200);
    expect(r.body.hands).toBeGreaterThanOrEqual(8);
    expect(r.body.escalated).toBe(1);
    expect(r.body.outcomes).toMatchObject({ answered: 1, callback: 1, escalated: 1 });
    expect(r.body.bySupervisor.map((g: { key: string }) => g.key)).toContain(c.actors.supervisor.id);
    expect(r.body.names[c.actors.supervisor.id]).toBe('supervisor');
    expect((await c.request('GET', `/api/v1/hands/report?from=${to}&to=${from}`, c.actors.manager)).status).toBe(400);
  });

  it('configuration: admins change it (audited), bad targets are named, operators only read it', async () => {
    const c = get();
    const { actors } = c;
    const cfg = (await c.request('GET', '/api/v1/hands/config', actors.agent)).body;
    expect(cfg.tiers[0].timeoutSeconds).toBe(12);
    const next = { ...cfg, temperaturePosition: 'first', tiers: [{ name: 'Billing SVs', targets: [{ type: 'team_supervisors', teamId }], timeoutSeconds: 5 }] };
    expect((await c.request('PUT', '/api/v1/hands/config', actors.agent, next)).status).toBe(403);
    const bad = await c.request('PUT', '/api/v1/hands/config', actors.admin, { ...next, tiers: [{ name: 'x', targets: [{ type: 'team_supervisors', teamId: '01900000-0000-7000-8000-000000000009' }], timeoutSeconds: 5 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0].code).toBe('hands_unknown_team');
    expect((await c.request('PUT', '/api/v1/hands/config', actors.admin, next)).status).toBe(200);
    expect((await c.request('GET', '/api/v1/hands/config', actors.agent)).body.temperaturePosition).toBe('first');
    const audit = await c.request('GET', '/api/v1/audit?action=hands.config_changed', actors.admin);
    expect(JSON.stringify(audit.body)).toContain('hands.config_changed');
    const r = await raise(c, actors.agent, {});
    expect(r.body).toMatchObject({ tierCount: 1, tierName: 'Billing SVs', nextTierAt: new Date(c.clock.now() + 5000).toISOString() });
    await c.request('POST', `/api/v1/hands/${r.body.id}/cancel`, actors.agent);
    expect((await c.request('POST', `/api/v1/hands/${r.body.id}/cancel`, actors.agent)).status).toBe(409);
    await c.request('PUT', '/api/v1/hands/config', actors.admin, cfg);
  });
});
