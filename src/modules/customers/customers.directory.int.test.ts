import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

/**
 * Issue 15 §2, the customer directory: search by name, email, phone and organization with `%`
 * and `_` taken literally, the effective-tier filter, pages by name, edits by role (with field
 * problem codes and audit), and a customer's / organization's tickets and escalations without
 * the restricted team's ones for those who may not see them.
 */
describeEachDb('customer directory', (get) => {
  const ids: Record<string, string> = {};
  let orgId = '';
  let legalId = '';

  it('sets up customers (some with % and _ in their data) and an organization', async () => {
    const c = get();
    const org = await c.request('POST', '/api/v1/organizations', c.actors.agent, { name: '株式会社 Kumo' });
    expect(org.status, JSON.stringify(org.body)).toBe(201);
    expect(org.body.customerCount).toBe(0);
    orgId = org.body.id;
    const make = async (key: string, body: Record<string, unknown>) => {
      const r = await c.request('POST', '/api/v1/customers', c.actors.agent, body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids[key] = r.body.id;
    };
    await make('percent', { name: '100% Sato', email: 'p@example.com' });
    await make('underscore', { name: 'Sato_1', email: 'u_1@example.com' });
    await make('plain', { name: 'Satoko Abe', email: 'abe@example.com', phone: '+81 3 5555 0101' });
    await make('kumo', { name: '田中 花子', email: 'tanaka@kumo.example' });
    // Attaching to an organization is a supervisor's change.
    expect((await c.request('PATCH', `/api/v1/customers/${ids.kumo}`, c.actors.supervisor, { organizationId: orgId })).status).toBe(200);
  });

  it('searches name, email, phone and organization name; % and _ match only themselves', async () => {
    const c = get();
    const names = async (query: string) => ((await c.request('GET', `/api/v1/customers?${query}`, c.actors.agent)).body.items as { name: string }[]).map((x) => x.name);
    expect(await names(`q=${encodeURIComponent('%')}`)).toEqual(['100% Sato']);
    expect(await names(`q=${encodeURIComponent('_')}`)).toEqual(['Sato_1']);
    expect(await names(`q=${encodeURIComponent('o_1')}`)).toEqual(['Sato_1']);
    expect(await names('q=sato')).toEqual(['100% Sato', 'Sato_1', 'Satoko Abe']);
    expect(await names('q=5555')).toEqual(['Satoko Abe']);
    expect(await names(`q=${encodeURIComponent('kumo')}`)).toEqual(['田中 花子']);
    expect(await names(`q=${encodeURIComponent('株式会社')}`)).toEqual(['田中 花子']);
    expect(await names(`organizationId=${orgId}`)).toEqual(['田中 花子']);
    const orgs = await c.request('GET', `/api/v1/organizations?q=${encodeURIComponent('%')}`, c.actors.agent);
    expect(orgs.body.items).toEqual([]);
    const kumo = await c.request('GET', '/api/v1/organizations?q=KUMO', c.actors.agent);
    expect(kumo.body.items).toMatchObject([{ id: orgId, customerCount: 1 }]);
  });

  it('filters by effective tier and pages by name', async () => {
    const c = get();
    expect((await c.request('PATCH', `/api/v1/organizations/${orgId}`, c.actors.supervisor, { tier: 'gold' })).status).toBe(200);
    expect((await c.request('PATCH', `/api/v1/customers/${ids.plain}`, c.actors.supervisor, { tier: 'silver' })).status).toBe(200);
    const tier = async (t: string) => ((await c.request('GET', `/api/v1/customers?tier=${t}`, c.actors.agent)).body.items as { id: string }[]).map((x) => x.id);
    expect(await tier('gold')).toEqual([ids.kumo]);
    expect(await tier('silver')).toEqual([ids.plain]);
    expect((await tier('standard')).sort()).toEqual([ids.percent, ids.underscore].sort());
    expect((await c.request('GET', '/api/v1/customers?tier=diamond', c.actors.agent)).status).toBe(400);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await c.request('GET', `/api/v1/customers?q=sato&limit=2${cursor ? `&cursor=${cursor}` : ''}`, c.actors.agent);
      seen.push(...r.body.items.map((x) => x.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.percent, ids.underscore, ids.plain]);
  });

  it('edits by role: agents add contact details, supervisors change identity; problems carry codes; changes are audited', async () => {
    const c = get();
    const id = ids.plain!;
    expect((await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.specialist, { phone: '+81 3 5555 0202', locale: 'en' })).status).toBe(200);
    const refused = await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.agent, { name: 'Someone else' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.details).toMatchObject({ reason: 'customer_identity', fields: ['name'] });
    const badOrg = await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.supervisor, { organizationId: '01900000-0000-7000-8000-000000000009' });
    expect(badOrg.status).toBe(400);
    expect(badOrg.body.error.details.problems).toEqual([expect.objectContaining({ field: 'organizationId', code: 'unknown_organization' })]);
    const badEmail = await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.supervisor, { email: 'not an address' });
    expect(badEmail.body.error.details.problems).toEqual([expect.objectContaining({ field: 'email', code: 'invalid_email' })]);
    const taken = await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.supervisor, { email: 'p@example.com' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details.problems).toEqual([expect.objectContaining({ field: 'email', code: 'email_in_use' })]);
    // Nothing of the refused edits was written.
    const now = await c.request('GET', `/api/v1/customers/${id}`, c.actors.agent);
    expect(now.body).toMatchObject({ name: 'Satoko Abe', email: 'abe@example.com', phone: '+81 3 5555 0202', locale: 'en', organizationId: null });
    const ok = await c.request('PATCH', `/api/v1/customers/${id}`, c.actors.supervisor, { name: 'Satoko Abe-Ito', organizationId: orgId });
    expect(ok.body).toMatchObject({ name: 'Satoko Abe-Ito', organizationName: '株式会社 Kumo', effectiveTier: 'gold' });
    const audit = await c.deps.database.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['customer.updated', 'customer.updated', 'customer.updated']);
    expect(audit.at(-1)?.actor_id).toBe(c.actors.supervisor.id);
    const orgAudit = await c.deps.database.db.selectFrom('audit_log').select('action').where('target_id', '=', orgId).orderBy('id').execute();
    expect(orgAudit.map((a) => a.action)).toEqual(['organization.created', 'organization.updated']);
    // Deleting is for managers and administrators; a customer with no tickets goes, audited.
    expect((await c.request('DELETE', `/api/v1/customers/${ids.underscore}`, c.actors.supervisor)).status).toBe(403);
    expect((await c.request('DELETE', `/api/v1/customers/${ids.underscore}`, c.actors.manager)).status).toBe(204);
    const del = await c.deps.database.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', ids.underscore!).executeTakeFirst();
    expect(del).toEqual({ action: 'customer.deleted', actor_id: c.actors.manager.id });
  });

  it("shows a customer's and an organization's tickets and open escalations without a restricted team's to outsiders", async () => {
    const c = get();
    const { actors, otherAgent } = c;
    const legal = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Legal (directory)', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] });
    expect(legal.status, JSON.stringify(legal.body)).toBe(201);
    legalId = legal.body.id;
    const front = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Front (directory)' });
    const open = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Open question', requesterId: ids.kumo, teamId: front.body.id });
    const secret = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: 'Legal matter', requesterId: ids.kumo, teamId: legalId });
    expect([open.status, secret.status]).toEqual([201, 201]);
    for (const t of [open.body.id, secret.body.id]) {
      const e = await c.request('POST', `/api/v1/tickets/${t}/escalations`, actors.agent, { target: { type: 'user', userId: actors.manager.id }, brief: { ask: 'please decide' } });
      expect(e.status, JSON.stringify(e.body)).toBe(201);
    }
    const subjects = async (who: typeof otherAgent, query: string) => ((await c.request('GET', `/api/v1/tickets?${query}`, who)).body.items as { subject: string }[]).map((x) => x.subject).sort();
    expect(await subjects(actors.agent, `requester=${ids.kumo}`)).toEqual(['Legal matter', 'Open question']);
    expect(await subjects(otherAgent, `requester=${ids.kumo}`)).toEqual(['Open question']);
    expect(await subjects(actors.agent, `organization=${orgId}`)).toEqual(['Legal matter', 'Open question']);
    expect(await subjects(otherAgent, `organization=${orgId}`)).toEqual(['Open question']);
    const escalated = async (who: typeof otherAgent) => ((await c.request('GET', `/api/v1/escalations?customer=${ids.kumo}&open=true`, who)).body.items as { ticketId: string }[]).map((x) => x.ticketId).sort();
    expect(await escalated(actors.agent)).toEqual([open.body.id, secret.body.id].sort());
    expect(await escalated(otherAgent)).toEqual([open.body.id]);
    expect((await c.request('GET', `/api/v1/escalations?customer=${ids.percent}`, actors.agent)).body.items).toEqual([]);
    // The survey list of the customer follows the same rule (no survey yet: empty for both).
    expect((await c.request('GET', `/api/v1/customers/${ids.kumo}/satisfaction`, otherAgent)).status).toBe(200);
  });
});
