import { expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { inTransaction } from '../../db/database.js';

const H = 3600_000;
const S = 1000;

/** Each test uses its own category so the policies of other tests never match its tickets. */
function helpers(c: TestContext) {
  const { request, actors, deps, clock } = c;
  return {
    async policy(body: Record<string, unknown>) {
      const r = await request('POST', '/api/v1/sla-policies', actors.admin, body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    },
    async ticket(body: Record<string, unknown>) {
      const r = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'Printer on fire', description: 'It smokes.', requesterEmail: `c${Math.random().toString(36).slice(2)}@customer.example`, ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    },
    async clocks(id: string): Promise<Record<string, any>> {
      const r = await request('GET', `/api/v1/tickets/${id}`, actors.agent);
      expect(r.status).toBe(200);
      return Object.fromEntries(r.body.slaClocks.map((k: { kind: string }) => [k.kind, k]));
    },
    reply: (id: string, visibility: 'public' | 'internal') => request('POST', `/api/v1/tickets/${id}/messages`, actors.agent, { body: 'On it.', visibility }),
    patch: (id: string, body: Record<string, unknown>) => request('PATCH', `/api/v1/tickets/${id}`, actors.agent, body),
    customerSays: (id: string, requesterId: string) =>
      inTransaction(deps.database.db, async (tx) => deps.tickets.addMessageIn(tx, await deps.tickets.load(tx, id), { body: 'Any news?', visibility: 'public' }, { authorType: 'customer', actorId: requesterId, now: clock.now() })),
    automaticReply: (id: string) =>
      inTransaction(deps.database.db, async (tx) => deps.tickets.addMessageIn(tx, await deps.tickets.load(tx, id), { body: 'We received your message.', visibility: 'public' }, { authorType: 'user', actorId: null, automatic: true, now: clock.now() })),
    async events(id: string, kind: string): Promise<any[]> {
      const r = await request('GET', `/api/v1/tickets/${id}/timeline?limit=200`, actors.agent);
      return r.body.items.filter((e: { kind: string }) => e.kind === kind);
    },
    /** Moves the fake clock to a whole-second instant after now (tests share one clock). */
    fresh() {
      clock.set(Math.ceil((clock.now() + H) / H) * H);
      return clock.now();
    },
    drain: () => deps.jobs.drain(),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

describeEachDb('SLA policies and clocks', (ctx) => {
  it('chooses the first active matching policy by position, on every condition including the effective customer tier', async () => {
    const c = ctx();
    const h = helpers(c);
    h.fresh();
    const fr = (seconds: number) => ({ firstResponse: { seconds, calendarId: null } });
    await h.policy({ name: 'sel inactive', position: 0, active: false, conditions: { category: ['sel'] }, targets: { urgent: fr(50), normal: fr(50) } });
    await h.policy({ name: 'sel gold', position: 5, conditions: { category: ['sel'], customerTier: ['gold'] }, targets: { urgent: fr(300), normal: fr(300) } });
    await h.policy({ name: 'sel urgent', position: 10, conditions: { category: ['sel'], priority: ['urgent'], channel: ['api'] }, targets: { urgent: fr(100) } });
    await h.policy({ name: 'sel tagged', position: 15, conditions: { category: ['sel'], tags: ['vip', 'press'] }, targets: { normal: fr(150) } });
    await h.policy({ name: 'sel any', position: 20, conditions: { category: ['sel'] }, targets: { normal: fr(200), urgent: fr(200) } });

    const urgent = await h.ticket({ category: 'sel', priority: 'urgent' });
    expect((await h.clocks(urgent.id)).first_response).toMatchObject({ policyName: 'sel urgent', targetSeconds: 100 });
    const tagged = await h.ticket({ category: 'sel', tags: ['Press'] });
    expect((await h.clocks(tagged.id)).first_response).toMatchObject({ policyName: 'sel tagged', targetSeconds: 150 });
    const normal = await h.ticket({ category: 'sel' });
    expect((await h.clocks(normal.id)).first_response).toMatchObject({ policyName: 'sel any', targetSeconds: 200 });

    const org = await c.request('POST', '/api/v1/organizations', c.actors.agent, { name: 'Gold Corp', tier: 'gold' });
    const cust = await c.request('POST', '/api/v1/customers', c.actors.agent, { name: 'Goldie', email: 'goldie@gold.example', organizationId: org.body.id });
    const gold = await h.ticket({ category: 'sel', priority: 'urgent', requesterEmail: undefined, requesterId: cust.body.id });
    expect((await h.clocks(gold.id)).first_response).toMatchObject({ policyName: 'sel gold', targetSeconds: 300 });

    const none = await h.ticket({ category: 'nothing-matches' });
    expect((await c.request('GET', `/api/v1/tickets/${none.id}`, c.actors.agent)).body.slaClocks).toEqual([]);
    expect(await h.events(urgent.id, 'sla.policy_applied')).toHaveLength(1);
  });

  it('first response is met by an agent public reply, not by an internal note or an automatic message', async () => {
    const c = ctx();
    const h = helpers(c);
    const t0 = h.fresh();
    await h.policy({ name: 'fr', conditions: { category: ['fr'] }, targets: { normal: { firstResponse: { seconds: 3600, calendarId: null }, resolution: { seconds: 8 * 3600, calendarId: null } } } });
    const t = await h.ticket({ category: 'fr' });
    expect((await h.clocks(t.id)).first_response).toMatchObject({ state: 'running', dueAt: iso(t0 + H), remainingSeconds: 3600 });
    c.clock.advance(60 * S);
    await h.reply(t.id, 'internal');
    await h.automaticReply(t.id);
    expect((await h.clocks(t.id)).first_response).toMatchObject({ state: 'running', remainingSeconds: 3540 });
    c.clock.advance(60 * S);
    expect((await h.reply(t.id, 'public')).status).toBe(201);
    const clocks = await h.clocks(t.id);
    expect(clocks.first_response).toMatchObject({ state: 'met', metAt: iso(t0 + 120 * S), dueAt: null, remainingSeconds: 3480 });
    expect(clocks.resolution.state).toBe('running');
    c.clock.set(t0 + 2 * H);
    await h.drain();
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(0);
  });

  it('a customer message after the first response starts next response; another one does not restart it; a reply meets it', async () => {
    const c = ctx();
    const h = helpers(c);
    const t0 = h.fresh();
    await h.policy({ name: 'nr', conditions: { category: ['nr'] }, targets: { normal: { firstResponse: { seconds: 3600, calendarId: null }, nextResponse: { seconds: 1800, calendarId: null } } } });
    const t = await h.ticket({ category: 'nr' });
    await h.customerSays(t.id, t.requesterId); // before any response: first response covers it
    expect((await h.clocks(t.id)).next_response).toBeUndefined();
    await h.reply(t.id, 'public');
    c.clock.set(t0 + 10 * 60 * S);
    await h.customerSays(t.id, t.requesterId);
    expect((await h.clocks(t.id)).next_response).toMatchObject({ state: 'running', dueAt: iso(t0 + 40 * 60 * S) });
    c.clock.set(t0 + 20 * 60 * S);
    await h.customerSays(t.id, t.requesterId);
    expect((await h.clocks(t.id)).next_response.dueAt).toBe(iso(t0 + 40 * 60 * S));
    await h.reply(t.id, 'internal');
    expect((await h.clocks(t.id)).next_response.state).toBe('running');
    await h.reply(t.id, 'public');
    expect((await h.clocks(t.id)).next_response).toMatchObject({ state: 'met', metAt: iso(t0 + 20 * 60 * S) });
    c.clock.set(t0 + H);
    await h.customerSays(t.id, t.requesterId);
    expect((await h.clocks(t.id)).next_response).toMatchObject({ state: 'running', dueAt: iso(t0 + H + 1800 * S), metAt: null });
    // The restarted clock breaches on its own due instant.
    c.clock.set(t0 + H + 1800 * S - 1);
    await h.drain();
    expect((await h.clocks(t.id)).next_response.state).toBe('running');
    c.clock.set(t0 + H + 1800 * S);
    await h.drain();
    expect((await h.clocks(t.id)).next_response.state).toBe('breached');
  });

  it('pause statuses pause resolution and keep consumed time; first response keeps running; solve and reopen', async () => {
    const c = ctx();
    const h = helpers(c);
    const t0 = h.fresh();
    await h.policy({ name: 'pause', conditions: { category: ['pause'] }, targets: { normal: { firstResponse: { seconds: 7200, calendarId: null }, resolution: { seconds: 3600, calendarId: null } } } });
    const t = await h.ticket({ category: 'pause' });
    c.clock.set(t0 + 600 * S);
    await h.patch(t.id, { status: 'pending' });
    let clocks = await h.clocks(t.id);
    expect(clocks.resolution).toMatchObject({ state: 'paused', dueAt: null, remainingSeconds: 3000 });
    expect(clocks.first_response).toMatchObject({ state: 'running', dueAt: iso(t0 + 2 * H) });
    c.clock.set(t0 + 600 * S + 5 * H); // long past the original due: nothing fires while paused
    await h.drain();
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(1); // first response only
    expect((await h.clocks(t.id)).resolution.state).toBe('paused');
    await h.patch(t.id, { status: 'on_hold' });
    expect((await h.clocks(t.id)).resolution).toMatchObject({ state: 'paused', remainingSeconds: 3000 });
    await h.patch(t.id, { status: 'open' });
    const resumedAt = c.clock.now();
    clocks = await h.clocks(t.id);
    expect(clocks.resolution).toMatchObject({ state: 'running', dueAt: iso(resumedAt + 3000 * S), remainingSeconds: 3000 });
    c.clock.advance(1000 * S);
    await h.patch(t.id, { status: 'solved' });
    expect((await h.clocks(t.id)).resolution).toMatchObject({ state: 'met', remainingSeconds: 2000 });
    c.clock.advance(H);
    await h.patch(t.id, { status: 'open' });
    expect((await h.clocks(t.id)).resolution).toMatchObject({ state: 'running', remainingSeconds: 2000, metAt: null, dueAt: iso(c.clock.now() + 2000 * S) });
  });

  it('fires warnings at their exact instants (before due and % elapsed), and the breach at due', async () => {
    const c = ctx();
    const h = helpers(c);
    const t0 = h.fresh();
    await h.policy({
      name: 'warn',
      conditions: { category: ['warn'] },
      targets: { normal: { firstResponse: { seconds: 3600, calendarId: null } } },
      warnings: { firstResponse: [{ beforeSeconds: 600 }, { elapsedPercent: 50 }] },
    });
    const t = await h.ticket({ category: 'warn' });
    c.clock.set(t0 + 1800 * S - 1);
    await h.drain();
    expect(await h.events(t.id, 'sla.warning')).toHaveLength(0);
    c.clock.set(t0 + 1800 * S);
    await h.drain();
    let warnings = await h.events(t.id, 'sla.warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ visibility: 'internal', data: { clockKind: 'first_response', warning: { elapsedPercent: 50 }, warnAt: iso(t0 + 1800 * S), dueAt: iso(t0 + H), firedAt: iso(t0 + 1800 * S) } });
    c.clock.set(t0 + 3000 * S - 1);
    await h.drain();
    expect(await h.events(t.id, 'sla.warning')).toHaveLength(1);
    c.clock.set(t0 + 3000 * S);
    await h.drain();
    warnings = await h.events(t.id, 'sla.warning');
    expect(warnings).toHaveLength(2);
    expect(warnings[1].data).toMatchObject({ warning: { beforeSeconds: 600 }, warnAt: iso(t0 + 3000 * S) });
    c.clock.set(t0 + H - 1);
    await h.drain();
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(0);
    c.clock.set(t0 + H);
    await h.drain();
    const breached = await h.events(t.id, 'sla.breached');
    expect(breached).toHaveLength(1);
    expect(breached[0]).toMatchObject({ visibility: 'internal', data: { clockKind: 'first_response', dueAt: iso(t0 + H), firedAt: iso(t0 + H) } });
    expect((await h.clocks(t.id)).first_response).toMatchObject({ state: 'breached', breachedAt: iso(t0 + H) });
    c.clock.advance(H);
    await h.drain();
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(1); // never twice

    // Met before the warning instant: no warning, no breach.
    const t1 = h.fresh();
    const met = await h.ticket({ category: 'warn' });
    c.clock.set(t1 + 1000 * S);
    await h.reply(met.id, 'public');
    c.clock.set(t1 + 2 * H);
    await h.drain();
    expect(await h.events(met.id, 'sla.warning')).toHaveLength(0);
    expect(await h.events(met.id, 'sla.breached')).toHaveLength(0);
  });

  it('after downtime a warning whose breach is also past is recorded as skipped, not sent', async () => {
    const c = ctx();
    const h = helpers(c);
    const t0 = h.fresh();
    await h.policy({
      name: 'stale warn',
      conditions: { category: ['stale-warn'] },
      targets: { normal: { firstResponse: { seconds: 3600, calendarId: null } } },
      warnings: { firstResponse: [{ beforeSeconds: 600 }] },
      actions: { onWarning: [{ type: 'notify', recipients: ['assignee'] }], onBreach: [] },
    });
    const t = await h.ticket({ category: 'stale-warn' });
    c.clock.set(t0 + 2 * H); // the worker was down past both the warning and the breach
    await h.drain();
    expect(await h.events(t.id, 'sla.warning')).toHaveLength(0);
    const skipped = await h.events(t.id, 'sla.warning_skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ visibility: 'internal', data: { clockKind: 'first_response', warning: { beforeSeconds: 600 }, warnAt: iso(t0 + 3000 * S), dueAt: iso(t0 + H), checkedAt: iso(t0 + 2 * H), reason: 'breach_already_due' } });
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(1);
    const notify = await c.deps.database.db
      .selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'notify')
      .where('payload', 'like', `%${t.id}%`)
      .execute();
    // The warning still happened: its intent is queued (webhooks get it; the notifications
    // module records it as superseded for the people it would have reminded).
    expect(notify.filter((j) => String(j.payload).includes('"sla.warning"'))).toHaveLength(1);
  });

  it('on breach raises priority, sets a field, adds a tag, records the notification intent and calls the escalation hook', async () => {
    const c = ctx();
    const h = helpers(c);
    const t0 = h.fresh();
    const team = await c.request('POST', '/api/v1/teams', c.actors.admin, { name: 'SLA escalation team' });
    await h.policy({
      name: 'act',
      conditions: { category: ['act'] },
      targets: { normal: { resolution: { seconds: 60, calendarId: null } } },
      warnings: { resolution: [{ elapsedPercent: 50 }] },
      actions: {
        onWarning: [{ type: 'notify', recipients: ['assignee'] }],
        onBreach: [
          { type: 'raise_priority' },
          { type: 'add_tag', tag: 'SLA-Breached' },
          { type: 'set_field', field: 'temperature', value: 'upset' },
          { type: 'set_field', field: 'teamId', value: team.body.id },
          { type: 'notify', recipients: ['assignee', 'team_manager'], userIds: [c.actors.supervisor.id] },
          { type: 'escalate', levelIndex: 1 },
          { type: 'add_tag', tag: 'first-response-only', clockKinds: ['first_response'] },
        ],
      },
    });
    const t = await h.ticket({ category: 'act', assigneeId: c.actors.agent.id });
    const calls: unknown[] = [];
    const previous = c.deps.sla.setEscalationTrigger(async (_tx, input) => void calls.push(input));
    c.clock.set(t0 + 60 * S);
    try {
      await h.drain();
    } finally {
      c.deps.sla.setEscalationTrigger(previous);
    }
    const after = (await c.request('GET', `/api/v1/tickets/${t.id}`, c.actors.agent)).body;
    expect(after).toMatchObject({ priority: 'high', temperature: 'upset', teamId: team.body.id });
    expect(after.tags).toEqual(['sla-breached']);
    const intents = await c.deps.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', 'notify')
      .where('dedupe_key', 'like', `notify:sla:${after.slaClocks[0].id}:%`)
      .orderBy('due_at')
      .execute();
    // The clock jumped past the warning and the breach at once: the stale warning is skipped on
    // the timeline, but its intent is still queued (webhooks are an event stream).
    expect(intents).toHaveLength(2);
    expect(await h.events(t.id, 'sla.warning_skipped')).toHaveLength(1);
    expect(intents.map((j) => JSON.parse(j.payload).event).sort()).toEqual(['sla.breached', 'sla.warning']);
    expect(JSON.parse(intents.find((j) => j.payload.includes('"sla.breached"'))!.payload)).toMatchObject({
      event: 'sla.breached',
      ticketId: t.id,
      clockKind: 'resolution',
      dueAt: iso(t0 + 60 * S),
      recipients: ['assignee', 'team_manager'],
      userIds: [c.actors.supervisor.id],
    });
    expect(intents.every((j) => j.state === 'done')).toBe(true);
    expect(calls).toEqual([{ ticketId: t.id, clockKind: 'resolution', event: 'breach', levelIndex: 1, pathId: undefined, now: t0 + 60 * S }]);
    // A raised priority does not silently re-apply the policy.
    expect(await h.events(t.id, 'sla.reapplied')).toHaveLength(0);
  });

  it('changing the priority (or another matched field) re-evaluates the policy, keeps consumed time, and says so on the timeline', async () => {
    const c = ctx();
    const h = helpers(c);
    const t0 = h.fresh();
    await h.policy({ name: 'by priority', conditions: { category: ['prio'] }, targets: { normal: { resolution: { seconds: 3600, calendarId: null } }, high: { resolution: { seconds: 1800, calendarId: null } } } });
    const other = await h.policy({ name: 'hardware', conditions: { category: ['prio-hw'] }, targets: { normal: { resolution: { seconds: 7200, calendarId: null } }, high: { resolution: { seconds: 7200, calendarId: null } } } });
    const t = await h.ticket({ category: 'prio' });
    c.clock.set(t0 + 600 * S);
    await h.patch(t.id, { priority: 'high' });
    // 600 s of the 1800 s target are already used: due 1800 s after creation, not after the change.
    expect((await h.clocks(t.id)).resolution).toMatchObject({ targetSeconds: 1800, dueAt: iso(t0 + 1800 * S), remainingSeconds: 1200 });
    const ev = await h.events(t.id, 'sla.reapplied');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ author: { type: 'user' }, data: { cause: 'fields', fields: ['priority'], clocks: [{ kind: 'resolution', dueBefore: iso(t0 + H), dueAfter: iso(t0 + 1800 * S) }] } });
    // Tags that no policy looks at: same policy, same priority, nothing moves and nothing is said.
    await h.patch(t.id, { tags: ['vip-call'] });
    expect(await h.events(t.id, 'sla.reapplied')).toHaveLength(1);
    // Another category chooses another policy.
    await h.patch(t.id, { category: 'prio-hw' });
    const moved = await h.events(t.id, 'sla.reapplied');
    expect(moved).toHaveLength(2);
    expect(moved.at(-1)).toMatchObject({ data: { cause: 'fields', fields: ['category'], to: { policyId: other.id } } });
    expect((await h.clocks(t.id)).resolution).toMatchObject({ targetSeconds: 7200, dueAt: iso(t0 + 7200 * S) });
    // The old timers were cancelled: nothing breaches at the old due instants.
    c.clock.set(t0 + H + S);
    await h.drain();
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(0);
  });

  it('a policy edit does not move a running clock; an explicit re-apply does, keeps consumed time, and is on the timeline', async () => {
    const c = ctx();
    const h = helpers(c);
    const t0 = h.fresh();
    const p = await h.policy({ name: 'snap', conditions: { category: ['snap'] }, targets: { normal: { resolution: { seconds: 3600, calendarId: null } } } });
    const t = await h.ticket({ category: 'snap' });
    c.clock.set(t0 + 600 * S);
    expect((await c.request('PATCH', `/api/v1/sla-policies/${p.id}`, c.actors.admin, { targets: { normal: { resolution: { seconds: 7200, calendarId: null } } } })).body.version).toBe(2);
    expect((await h.clocks(t.id)).resolution).toMatchObject({ dueAt: iso(t0 + H), targetSeconds: 3600 });
    // A change of a field the policy does not depend on moves nothing.
    await h.patch(t.id, { subject: 'renamed' });
    expect((await h.clocks(t.id)).resolution.dueAt).toBe(iso(t0 + H));
    const r = await c.request('POST', `/api/v1/tickets/${t.id}/sla/reapply`, c.actors.agent);
    expect(r.status).toBe(200);
    expect(r.body.items[0]).toMatchObject({ kind: 'resolution', targetSeconds: 7200, dueAt: iso(t0 + 2 * H), remainingSeconds: 6600 });
    const ev = await h.events(t.id, 'sla.reapplied');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ author: { type: 'user', id: c.actors.agent.id }, data: { from: { policyVersion: 1 }, to: { policyVersion: 2 }, clocks: [{ kind: 'resolution', dueBefore: iso(t0 + H), dueAfter: iso(t0 + 2 * H) }] } });
    c.clock.set(t0 + H);
    await h.drain();
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(0); // the old timer was cancelled
    c.clock.set(t0 + 2 * H);
    await h.drain();
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(1);
  });

  it('business calendar: a ticket arriving Friday 17:00 in Tokyo with a 2 h target is due Monday 10:00; calendar edits do not move it', async () => {
    const c = ctx();
    const h = helpers(c);
    h.fresh();
    const day = [['09:00', '18:00']];
    const def = { timezone: 'Asia/Tokyo', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] } };
    const cal = await c.request('POST', '/api/v1/calendars', c.actors.admin, { name: 'Tokyo SLA', definition: def });
    await h.policy({ name: 'tokyo', conditions: { category: ['tokyo'] }, targets: { normal: { firstResponse: { seconds: 7200, calendarId: cal.body.id } } } });
    // The next Friday 17:00 JST (08:00 UTC) after now.
    let friday = Math.ceil(c.clock.now() / (24 * H)) * 24 * H + 8 * H;
    while (new Date(friday).getUTCDay() !== 5) friday += 24 * H;
    c.clock.set(friday);
    const t = await h.ticket({ category: 'tokyo' });
    const monday10 = friday + 3 * 24 * H - 7 * H; // Monday 10:00 JST = 01:00 UTC
    expect((await h.clocks(t.id)).first_response).toMatchObject({ dueAt: iso(monday10), remainingSeconds: 7200, calendarId: cal.body.id });
    c.clock.set(friday + 30 * 60 * S);
    expect((await h.clocks(t.id)).first_response.remainingSeconds).toBe(5400);
    c.clock.set(friday + 24 * H); // Saturday: no business time passes
    expect((await h.clocks(t.id)).first_response.remainingSeconds).toBe(3600);
    await c.request('PATCH', `/api/v1/calendars/${cal.body.id}`, c.actors.admin, { definition: { ...def, weekly: { ...def.weekly, mon: [['13:00', '18:00']] } } });
    expect((await h.clocks(t.id)).first_response.dueAt).toBe(iso(monday10));
    c.clock.set(monday10 - 1);
    await h.drain();
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(0);
    c.clock.set(monday10);
    await h.drain();
    expect(await h.events(t.id, 'sla.breached')).toHaveLength(1);
  });

  it('validates policies: unknown calendars, bad warnings and bad actions are 400; permissions', async () => {
    const { request, actors } = ctx();
    const bad = await request('POST', '/api/v1/sla-policies', actors.admin, { name: 'bad cal', targets: { normal: { resolution: { seconds: 60, calendarId: '01a2079d-64a3-72d6-8665-1ccf40357136' } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0].field).toBe('targets.normal.resolution.calendarId');
    expect((await request('POST', '/api/v1/sla-policies', actors.admin, { name: 'neg', targets: { normal: { resolution: { seconds: -1, calendarId: null } } } })).status).toBe(400);
    expect((await request('POST', '/api/v1/sla-policies', actors.admin, { name: 'pct', targets: {}, warnings: { resolution: [{ elapsedPercent: 150 }] } })).status).toBe(400);
    expect((await request('POST', '/api/v1/sla-policies', actors.admin, { name: 'temp', targets: {}, actions: { onBreach: [{ type: 'set_field', field: 'temperature', value: 'boiling' }] } })).status).toBe(400);
    expect((await request('POST', '/api/v1/sla-policies', actors.admin, { name: 'pause', targets: {}, pauseStatuses: ['solved'] })).status).toBe(400);
    expect((await request('POST', '/api/v1/sla-policies', actors.manager, { name: 'nope', targets: {} })).status).toBe(403);
    const ok = await request('POST', '/api/v1/sla-policies', actors.admin, { name: 'ok', active: false, targets: {} });
    expect(ok.body).toMatchObject({ pauseStatuses: ['pending', 'on_hold'], active: false, version: 1 });
    expect((await request('GET', '/api/v1/sla-policies', actors.agent)).body.items.some((p: { id: string }) => p.id === ok.body.id)).toBe(true);
    expect((await request('DELETE', `/api/v1/sla-policies/${ok.body.id}`, actors.admin)).status).toBe(204);
    expect((await request('GET', `/api/v1/sla-policies/${ok.body.id}`, actors.admin)).status).toBe(404);
  });

  it('lists tickets whose SLA is at risk or breached (queue filter)', async () => {
    const c = ctx();
    const h = helpers(c);
    const start = h.fresh();
    await h.policy({ name: 'risk', position: 0, conditions: { category: ['risk'] }, targets: { normal: { firstResponse: { seconds: 600, calendarId: null } } } });
    const t = await h.ticket({ category: 'risk', tags: ['risk-filter'] });
    const ids = async (q: string) => (await c.request('GET', `/api/v1/tickets?tag=risk-filter&${q}`, c.actors.agent)).body.items.map((x: { id: string }) => x.id);
    expect(await ids('sla=at_risk&slaWindow=300')).toEqual([]);
    expect(await ids('sla=at_risk&slaWindow=900')).toEqual([t.id]);
    expect(await ids('sla=breached')).toEqual([]);
    const seen: { type: string; ids: string[] }[] = [];
    const unsubscribe = await c.deps.live.subscribe((e) => seen.push({ type: e.type, ids: e.ids }));
    c.clock.set(start + 600 * S);
    await h.drain();
    await new Promise((r) => setTimeout(r, 300)); // PostgreSQL delivers NOTIFY asynchronously
    expect(await ids('sla=breached')).toEqual([t.id]);
    expect(await ids('sla=at_risk&slaWindow=0')).toEqual([t.id]);
    // A breach is announced live, so an open ticket page shows it without reload.
    expect(seen).toContainEqual({ type: 'ticket.updated', ids: [t.id] });
    unsubscribe();
    await h.reply(t.id, 'public'); // met late: no longer waiting on anyone
    expect(await ids('sla=breached')).toEqual([]);
    expect((await c.request('GET', '/api/v1/tickets?sla=soon', c.actors.agent)).status).toBe(400);
  });
});
