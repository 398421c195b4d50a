import { expect, it } from 'vitest';
import { describeEachDb, type Actor, type TestContext } from '../../../test/helpers/app.js';
import { ticketRefVisibleCondition, ticketVisibleCondition } from './ticket-access.repository.js';

/**
 * Issue 14 §2: a restricted team's ticket is seen by its members, the receivers of its
 * escalations and administrators; everyone else gets what a ticket that does not exist gets.
 * The route list comes from the OpenAPI document, so a route added later is checked too.
 */

const SUBJECT = 'Confidential merger ZX-81 (legal hold)';
const NOTE = 'internal note: the counterparty is QW-7734';
const MISSING = { ticket: '01900000-0000-7000-8000-000000000001', escalation: '01900000-0000-7000-8000-000000000002', attachment: '01900000-0000-7000-8000-000000000003' };

interface Fixture {
  ticketId: string;
  ticketNumber: number;
  escalationId: string;
  attachmentId: string;
  legalId: string;
  otherTicketId: string;
}

// Bodies that would really change the ticket (reassign, close, reply, note, call, escalate…).
function bodyFor(method: string, path: string, c: TestContext): unknown {
  if (method === 'get' || method === 'delete') return undefined;
  if (path === '/api/v1/tickets/{id}') return { status: 'solved', assigneeId: c.otherAgent.id };
  if (path === '/api/v1/tickets/{id}/messages') return { body: 'leaked?', visibility: 'internal' };
  if (path === '/api/v1/tickets/{id}/merge') return { into: MISSING.ticket, confirmDifferentCustomer: true };
  if (path === '/api/v1/tickets/{id}/calls') return { direction: 'inbound', durationSeconds: 60, summary: 'call' };
  if (path === '/api/v1/tickets/{id}/escalations') return { target: { type: 'user', userId: c.actors.manager.id }, brief: { ask: 'please' } };
  if (path === '/api/v1/escalations/{id}/return') return { reason: 'misrouted', text: 'not mine' };
  if (path === '/api/v1/escalations/{id}/messages') return { body: 'question?' };
  if (path === '/api/v1/escalations/{id}/resolve') return { answer: 'done' };
  return {};
}

/** Routes whose body names tickets (ids the caller sent come back in the answer). */
const BODY_NAMES_TICKETS: Record<string, (ticketId: string) => unknown> = {
  'post /api/v1/tickets/bulk': (id) => ({ ids: [id], changes: { status: 'solved', assigneeId: null } }),
  // A shared macro whose text shows the ticket's subject (macroId below).
  'post /api/v1/macros/{id}/apply': (id) => ({ ticketId: id }),
};

// Streams never end and logout would end the caller's access: checked elsewhere. Changing or
// deleting the macro (no ticket read) would take away the macro the apply route is checked with.
const SKIPPED = new Set(['get /api/v1/events/stream', 'post /api/v1/auth/logout', 'patch /api/v1/macros/{id}', 'delete /api/v1/macros/{id}']);

/** A shared macro set up with the fixture: the {id} of /api/v1/macros/{id}/… routes. */
let macroId = MISSING.ticket;

function urlOf(path: string, ids: { ticket: string; escalation: string; attachment: string }): string {
  const id = path.startsWith('/api/v1/macros/{id}') ? macroId : path.startsWith('/api/v1/escalations/{id}') ? ids.escalation : path.startsWith('/api/v1/attachments/') ? ids.attachment : ids.ticket;
  return path
    .replace('{id}', id)
    .replace('{deliveryId}', MISSING.attachment)
    .replace('{index}', '0')
    .replace('{event}', 'ticket.assigned')
    .replace('{locale}', 'en')
    .replace('{token}', 'x'.repeat(32));
}

/** A response with the ids asked for and the request id taken out, to compare two answers. */
function normalised(body: unknown, ids: string[]): string {
  let s = typeof body === 'string' ? body : JSON.stringify(body);
  for (const id of ids) s = s.split(id).join('<id>');
  return s.replace(/"requestId":"[^"]*"/g, '"requestId":"<r>"');
}

async function call(c: TestContext, method: string, url: string, actor: Actor, body: unknown) {
  if (url.includes('/attachments') && method === 'post') {
    const res = await c.app.inject({ method: 'POST', url: `${url}?filename=x.txt`, headers: { ...actor.auth, 'content-type': 'text/plain' }, payload: Buffer.from('x') });
    return { status: res.statusCode, body: res.body };
  }
  const res = await c.request(method.toUpperCase(), url, actor, body);
  return { status: res.status, body: res.body };
}

describeEachDb('ticket access by team', (get) => {
  let f: Fixture;
  const routes: { method: string; path: string }[] = [];

  it('sets up a restricted team, its ticket, a note, a file and an escalation to a non-member', async () => {
    const c = get();
    const { actors, otherAgent } = c;
    const legal = await c.request('POST', '/api/v1/teams', actors.admin, {
      name: 'Legal',
      restricted: true,
      members: [
        { userId: actors.agent.id, role: 'member' },
        { userId: actors.manager.id, role: 'manager' },
      ],
    });
    expect(legal.status).toBe(201);
    expect(legal.body.restricted).toBe(true);
    const billing = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Billing', members: [{ userId: actors.supervisor.id, role: 'supervisor' }, { userId: otherAgent.id, role: 'member' }] });
    expect(billing.body.restricted).toBe(false);

    const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: SUBJECT, description: 'details', requesterEmail: 'vip@example.com', teamId: legal.body.id });
    expect(t.status).toBe(201);
    const other = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Printer jam', requesterEmail: 'vip@example.com', teamId: billing.body.id });
    expect((await c.request('POST', `/api/v1/tickets/${t.body.id}/messages`, actors.agent, { body: NOTE, visibility: 'internal' })).status).toBe(201);
    const up = await c.app.inject({ method: 'POST', url: `/api/v1/tickets/${t.body.id}/attachments?filename=contract.txt`, headers: { ...actors.agent.auth, 'content-type': 'text/plain' }, payload: Buffer.from('secret terms') });
    expect(up.statusCode).toBe(201);
    // The specialist is in no team: an escalation makes them a receiver.
    const esc = await c.request('POST', `/api/v1/tickets/${t.body.id}/escalations`, actors.agent, { target: { type: 'user', userId: actors.specialist.id }, brief: { ask: 'Can we sign?' } });
    expect(esc.status).toBe(201);
    // A raised hand on the ticket (issue 16): supervisors of other teams do not see it either.
    expect((await c.request('POST', '/api/v1/hands', actors.agent, { category: 'legal', ask: NOTE, ticketId: t.body.id })).status).toBe(201);
    const macro = await c.request('POST', '/api/v1/macros', actors.admin, { name: 'Leak check', bodyEn: 'About {{ticket.subject}} (#{{ticket.number}})', scope: 'shared' });
    expect(macro.status).toBe(201);
    macroId = macro.body.id;
    f = { ticketId: t.body.id, ticketNumber: t.body.number, escalationId: esc.body.id, attachmentId: JSON.parse(up.body).id, legalId: legal.body.id, otherTicketId: other.body.id };

    const doc = await c.request('GET', '/api/v1/openapi.json', actors.admin);
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.body.paths))
      for (const method of Object.keys(ops)) if (!SKIPPED.has(`${method} ${path}`)) routes.push({ method, path });
    expect(routes.length).toBeGreaterThan(100);
  });

  for (const who of ['agent outside the team', 'supervisor of another team'] as const) {
    it(`no route discloses the ticket to an ${who}`, async () => {
      const c = get();
      const actor = who === 'agent outside the team' ? c.otherAgent : c.actors.supervisor;
      const real = { ticket: f.ticketId, escalation: f.escalationId, attachment: f.attachmentId };
      const leaks: string[] = [];
      for (const r of routes) {
        const body = bodyFor(r.method, r.path, c);
        // Routes that name tickets in their body (bulk actions) answer as for tickets that do not exist.
        const bodyIds = BODY_NAMES_TICKETS[`${r.method} ${r.path}`];
        const got = await call(c, r.method, urlOf(r.path, real), actor, bodyIds ? bodyIds(real.ticket) : body);
        const text = typeof got.body === 'string' ? got.body : JSON.stringify(got.body);
        if (text.includes(SUBJECT) || text.includes(NOTE)) leaks.push(`${r.method} ${r.path}: body shows the ticket`);
        if (bodyIds) {
          const none = await call(c, r.method, urlOf(r.path, MISSING), actor, bodyIds(MISSING.ticket));
          if (got.status !== none.status || normalised(got.body, Object.values(real)) !== normalised(none.body, Object.values(MISSING))) leaks.push(`${r.method} ${r.path}: answers differently for the ticket than for a missing one`);
        } else if (r.path.includes('{')) {
          // Same answer as for a ticket (escalation, file) that does not exist.
          const none = await call(c, r.method, urlOf(r.path, MISSING), actor, body);
          if (got.status !== none.status || normalised(got.body, Object.values(real)) !== normalised(none.body, Object.values(MISSING)))
            leaks.push(`${r.method} ${r.path}: ${got.status} ${normalised(got.body, Object.values(real)).slice(0, 200)} vs missing ${none.status} ${normalised(none.body, Object.values(MISSING)).slice(0, 200)}`);
        } else if (text.includes(f.ticketId) || text.includes(f.escalationId) || text.includes(f.attachmentId)) leaks.push(`${r.method} ${r.path}: body names the ticket`);
      }
      // Lists and search: the ticket is left out wherever it would have been found.
      for (const url of [`/api/v1/tickets?text=${encodeURIComponent('ZX-81')}`, `/api/v1/tickets?text=${f.ticketNumber}`, `/api/v1/tickets?team=${f.legalId}`, `/api/v1/tickets?requester=${(await c.request('GET', `/api/v1/tickets/${f.otherTicketId}`, actor)).body.requesterId}`, `/api/v1/escalations?ticketId=${f.ticketId}`, '/api/v1/escalations?target=me', '/api/v1/me/awaiting-reply', '/api/v1/notifications', '/api/v1/hands', '/api/v1/hands?state=open', `/api/v1/tickets/${f.otherTicketId}/escalations/draft`, `/api/v1/search?q=${encodeURIComponent('ZX-81')}`, `/api/v1/search?q=QW-7734`, '/api/v1/search?q=Confidential&type=ticket', '/api/v1/search?q=sign', '/api/v1/search?q=Z']) {
        const got = await c.request('GET', url, actor);
        const text = JSON.stringify(got.body);
        if (text.includes(f.ticketId) || text.includes(SUBJECT)) leaks.push(`GET ${url} lists the ticket`);
      }
      expect(leaks).toEqual([]);
      // Nothing was changed by all those calls.
      const now = await c.request('GET', `/api/v1/tickets/${f.ticketId}`, c.actors.admin);
      expect(now.body.status).not.toBe('solved');
      expect(now.body.assigneeId).not.toBe(c.otherAgent.id);
    });
  }

  it('the team member, its manager, the receiver and an administrator see it, its timeline, files and escalation', async () => {
    const c = get();
    for (const actor of [c.actors.agent, c.actors.manager, c.actors.specialist, c.actors.admin]) {
      const t = await c.request('GET', `/api/v1/tickets/${f.ticketId}`, actor);
      expect(t.status, actor.email).toBe(200);
      expect(t.body.subject).toBe(SUBJECT);
      expect(JSON.stringify((await c.request('GET', `/api/v1/tickets/${f.ticketId}/timeline`, actor)).body)).toContain(NOTE);
      expect((await c.request('GET', `/api/v1/tickets/${f.ticketId}/attachments`, actor)).body.items).toHaveLength(1);
      expect((await c.app.inject({ method: 'GET', url: `/api/v1/attachments/${f.attachmentId}`, headers: actor.auth })).body).toBe('secret terms');
      expect((await c.request('GET', `/api/v1/escalations/${f.escalationId}`, actor)).status).toBe(200);
      expect(JSON.stringify((await c.request('GET', `/api/v1/tickets?text=${encodeURIComponent('ZX-81')}`, actor)).body)).toContain(f.ticketId);
      expect(JSON.stringify((await c.request('GET', `/api/v1/escalations?ticketId=${f.ticketId}`, actor)).body)).toContain(f.escalationId);
      // Every route that takes the ticket's (escalation's, file's) id answers something other than 404.
      for (const r of routes.filter((x) => x.method === 'get' && /^\/api\/v1\/(tickets|escalations|attachments)\/\{id\}/.test(x.path))) {
        const got = await call(c, 'get', urlOf(r.path, { ticket: f.ticketId, escalation: f.escalationId, attachment: f.attachmentId }), actor, undefined);
        expect(got.status, `${actor.email} GET ${r.path}`).not.toBe(404);
      }
    }
  });

  it('the receiver acts while the escalation runs and only reads once it has ended', async () => {
    const c = get();
    const r = c.actors.specialist;
    expect((await c.request('POST', `/api/v1/tickets/${f.ticketId}/messages`, r, { body: 'checked the contract', visibility: 'internal' })).status).toBe(201);
    expect((await c.request('POST', `/api/v1/escalations/${f.escalationId}/acknowledge`, r, {})).status).toBe(200);
    expect((await c.request('POST', `/api/v1/escalations/${f.escalationId}/resolve`, r, { answer: 'Yes, sign.' })).status).toBe(200);
    expect((await c.request('GET', `/api/v1/tickets/${f.ticketId}`, r)).status).toBe(200);
    const patch = await c.request('PATCH', `/api/v1/tickets/${f.ticketId}`, r, { status: 'solved' });
    expect(patch.status).toBe(403);
    expect((await c.request('POST', `/api/v1/tickets/${f.ticketId}/messages`, r, { body: 'one more', visibility: 'internal' })).status).toBe(403);
    // The member still works on it.
    expect((await c.request('PATCH', `/api/v1/tickets/${f.ticketId}`, c.actors.agent, { priority: 'high' })).status).toBe(200);
  });

  it('the condition names few received tickets and asks the escalations for many: same tickets either way', async () => {
    const c = get();
    const db = c.deps.database.db;
    for (const a of [c.actors.specialist, c.otherAgent, c.actors.supervisor]) {
      const scope = await c.deps.tickets.access.scope({ userId: a.id, role: a.role });
      expect(scope.all, a.email).toBe(false);
      if (scope.all) continue;
      expect(scope.receivedTicketIds, a.email).toEqual(a === c.actors.specialist ? [f.ticketId] : []);
      const { receivedTicketIds: _named, ...asked } = scope;
      const ids = async (sc: typeof scope) =>
        (await db.selectFrom('tickets').select('id').where(ticketVisibleCondition(sc)!).orderBy('id').execute()).map((r) => r.id);
      const refs = async (sc: typeof scope) =>
        (await db.selectFrom('escalations').select('id').where(ticketRefVisibleCondition(sc, 'escalations.ticket_id')!).orderBy('id').execute()).map((r) => r.id);
      expect(await ids(asked), a.email).toEqual(await ids(scope));
      expect(await refs(asked), a.email).toEqual(await refs(scope));
      expect((await ids(scope)).includes(f.ticketId), a.email).toBe(a === c.actors.specialist);
      expect((await refs(scope)).includes(f.escalationId), a.email).toBe(a === c.actors.specialist);
    }
  });

  it('live events of the ticket reach only those who see it', async () => {
    const c = get();
    const heard = new Map<string, string[]>();
    const subs = await Promise.all(
      [c.actors.agent, c.otherAgent, c.actors.supervisor, c.actors.admin].map((a) => {
        heard.set(a.email, []);
        const viewer = { userId: a.id, role: a.role };
        return c.deps.live.subscribeAs(a.id, c.deps.tickets.access.gate(viewer), (e) => heard.get(a.email)!.push(`${e.type}:${e.ids.join(',')}`));
      }),
    );
    try {
      expect((await c.request('PATCH', `/api/v1/tickets/${f.ticketId}`, c.actors.agent, { priority: 'urgent' })).status).toBe(200);
      expect((await c.request('PATCH', `/api/v1/tickets/${f.otherTicketId}`, c.actors.agent, { priority: 'urgent' })).status).toBe(200);
      await c.deps.jobs.drain();
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !heard.get(c.otherAgent.email)!.some((e) => e.includes(f.otherTicketId))) await new Promise((r) => setTimeout(r, 50));
      for (const a of [c.actors.agent, c.actors.admin]) expect(heard.get(a.email)!.join(' '), a.email).toContain(`ticket.updated:${f.ticketId}`);
      for (const a of [c.otherAgent, c.actors.supervisor]) {
        expect(heard.get(a.email)!.join(' '), a.email).toContain(f.otherTicketId);
        expect(heard.get(a.email)!.join(' '), a.email).not.toContain(f.ticketId);
      }
    } finally {
      for (const u of subs) u();
    }
  });

  it('nobody is notified of a ticket they may not see, even when assigned to it', async () => {
    const c = get();
    const { actors, otherAgent } = c;
    expect([...(await c.deps.tickets.access.readersAmong(f.ticketId, [actors.agent.id, actors.manager.id, actors.specialist.id, actors.admin.id, actors.supervisor.id, otherAgent.id]))].sort()).toEqual(
      [actors.agent.id, actors.manager.id, actors.specialist.id, actors.admin.id].sort(),
    );
    // An administrator assigns it outside the team; the receiver's question notifies the
    // requester and the assignee: only the requester hears it.
    expect((await c.request('PATCH', `/api/v1/tickets/${f.ticketId}`, actors.admin, { assigneeId: otherAgent.id })).status).toBe(200);
    const esc = await c.request('POST', `/api/v1/tickets/${f.ticketId}/escalations`, actors.agent, { target: { type: 'user', userId: actors.specialist.id }, brief: { ask: 'And the annex?' } });
    expect(esc.status).toBe(201);
    expect((await c.request('POST', `/api/v1/escalations/${esc.body.id}/messages`, actors.specialist, { body: 'Which annex?' })).status).toBe(201);
    await c.deps.jobs.drain();
    const notes = await c.deps.database.db.selectFrom('notifications').select(['user_id', 'event']).where('ticket_id', '=', f.ticketId).where('event', '=', 'escalation.message').execute();
    expect(notes.map((n) => n.user_id)).toEqual([actors.agent.id]);
    expect((await c.request('PATCH', `/api/v1/tickets/${f.ticketId}`, actors.admin, { assigneeId: null })).status).toBe(200);
    expect((await c.request('POST', `/api/v1/escalations/${esc.body.id}/cancel`, actors.agent, {})).status).toBe(200);
  });

  it('an unrestricted desk sees as before, and the list query is unchanged for it', async () => {
    const c = get();
    expect((await c.request('PATCH', `/api/v1/teams/${f.legalId}`, c.actors.admin, { restricted: false })).status).toBe(200);
    expect((await c.request('GET', `/api/v1/tickets/${f.ticketId}`, c.otherAgent)).status).toBe(200);
    expect(await c.deps.tickets.access.scope({ userId: c.otherAgent.id, role: 'agent' })).toEqual({ all: true });
    expect((await c.request('PATCH', `/api/v1/teams/${f.legalId}`, c.actors.admin, { restricted: true })).status).toBe(200);
    expect((await c.request('GET', `/api/v1/tickets/${f.ticketId}`, c.otherAgent)).status).toBe(404);
    // Teams other than admins cannot lift it.
    expect((await c.request('PATCH', `/api/v1/teams/${f.legalId}`, c.actors.manager, { restricted: false })).status).toBe(403);
    expect(await c.deps.tickets.access.scope({ userId: c.actors.admin.id, role: 'admin' })).toEqual({ all: true });
  });
});

describeEachDb('customer identity and tier', (get) => {
  it('agents add contact details but not identity; supervisors change identity; each change is audited', async () => {
    const c = get();
    const cust = await c.request('POST', '/api/v1/customers', c.actors.agent, { name: 'Hanako Sato', email: 'hanako@example.com' });
    expect(cust.status).toBe(201);
    const id = cust.body.id;
    for (const body of [{ name: 'Someone Else' }, { email: 'attacker@example.com' }, { tier: 'gold' }]) {
      const r = await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.agent, body);
      expect(r.status, JSON.stringify(body)).toBe(403);
      expect(r.body.error.details.reason).toBe('customer_identity');
    }
    expect((await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.agent, { phone: '+81 3 1234 5678' })).status).toBe(200);
    // Sending the unchanged name with a new phone is not an identity change.
    expect((await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.agent, { name: 'Hanako Sato', phone: '+81 3 0000 0000' })).status).toBe(200);
    const up = await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.supervisor, { tier: 'gold', email: 'h.sato@example.com' });
    expect(up.status).toBe(200);
    expect(up.body.email).toBe('h.sato@example.com');
    const org = await c.request('POST', '/api/v1/organizations', c.actors.agent, { name: 'Acme' });
    expect((await c.request('PATCH', `/api/v1/organizations/${org.body.id}`, c.actors.agent, { tier: 'gold' })).status).toBe(403);
    expect((await c.request('PATCH', `/api/v1/organizations/${org.body.id}`, c.actors.manager, { tier: 'gold' })).status).toBe(200);

    const entries = await c.deps.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', id).where('action', '=', 'customer.updated').orderBy('id').execute();
    expect(entries.map((e) => [e.actor_id, JSON.parse(e.data)])).toEqual([
      [c.actors.agent.id, { before: { phone: null }, after: { phone: '+81 3 1234 5678' } }],
      [c.actors.agent.id, { before: { phone: '+81 3 1234 5678' }, after: { phone: '+81 3 0000 0000' } }],
      [c.actors.supervisor.id, { before: { email: 'hanako@example.com', tier: 'standard' }, after: { email: 'h.sato@example.com', tier: 'gold' } }],
    ]);
    const orgEntries = await c.deps.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', org.body.id).orderBy('id').execute();
    expect(orgEntries.map((e) => e.action)).toEqual(['organization.created', 'organization.updated']);
  });
});
