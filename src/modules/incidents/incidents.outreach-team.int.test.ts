/**
 * Outreach tickets (opened for affected customers added by organisation or tier who never wrote
 * in) belong to a team, on SQLite and PostgreSQL: the owner team of the worst-hit affected
 * service, else the commander's team (also after the resolution stood the task force down), else
 * the workspace's outreach team. A restricted owner team keeps them to its members: an agent
 * outside it neither reads them nor sees them among the incident's linked tickets, while the
 * team's queue shows them.
 */
import { afterAll, expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { FANOUT_START_DELAY_MS } from './incidents.service.js';

const sink: SmtpSink = await startSmtpSink();
afterAll(() => sink.close());

describeEachDb(
  'outreach tickets of incidents',
  (ctx) => {
    let seq = 0;
    const uniq = () => `${Date.now().toString(36)}${seq++}`;
    const settle = async (c: TestContext) => {
      c.clock.advance(FANOUT_START_DELAY_MS);
      await c.deps.jobs.drain();
    };

    async function team(c: TestContext, name: string, members: { userId: string; role: string }[], restricted = false) {
      const r = await c.request('POST', '/api/v1/teams', c.actors.admin, { name: `${name} ${uniq()}`, restricted, members });
      expect(r.status).toBe(201);
      return r.body.id as string;
    }
    async function service(c: TestContext, en: string, ownerTeamId: string | null) {
      const r = await c.request('POST', '/api/v1/services', c.actors.manager, { nameJa: en, nameEn: `${en} ${uniq()}`, ownerTeamId });
      expect(r.status).toBe(201);
      return r.body.id as string;
    }
    /** An organisation with two customers who never wrote in (one without an email address). */
    async function organisation(c: TestContext) {
      const org = await c.request('POST', '/api/v1/organizations', c.actors.supervisor, { name: `Org ${uniq()}` });
      expect(org.status).toBe(201);
      const email = `org-${uniq()}@customer.example`;
      const a = await c.request('POST', '/api/v1/customers', c.actors.supervisor, { name: 'With mail', email, locale: 'ja', organizationId: org.body.id });
      expect(a.status).toBe(201);
      const b = await c.request('POST', '/api/v1/customers', c.actors.supervisor, { name: 'No mail', locale: 'en', organizationId: org.body.id });
      expect(b.status).toBe(201);
      return { orgId: org.body.id as string, customerId: a.body.id as string, email, mailless: b.body.id as string };
    }
    const ticketsOf = (c: TestContext, customerId: string) => c.deps.database.db.selectFrom('tickets').select(['id', 'team_id', 'status']).where('requester_id', '=', customerId).execute();
    const reached = async (c: TestContext, incidentId: string) =>
      (await c.request('GET', `/api/v1/incidents/${incidentId}/timeline`, c.actors.manager)).body.items.filter((x: { kind: string }) => x.kind === 'audience.reached').map((x: { data: unknown }) => x.data);

    it('go to the owner team of the worst-hit affected service, and a restricted one keeps them to its people', async () => {
      const c = ctx();
      // otherAgent is in the restricted team; the agent is not.
      const restricted = await team(c, 'Auth', [{ userId: c.otherAgent.id, role: 'member' }], true);
      const open = await team(c, 'Web', [{ userId: c.actors.agent.id, role: 'member' }]);
      const [auth, web] = [await service(c, 'Auth', restricted), await service(c, 'Web', open)];
      const o = await organisation(c);
      const inc = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title: 'Auth outage', severity: 'SEV1', services: [{ id: web, impact: 'degraded' }, { id: auth, impact: 'major_outage' }] });
      expect(inc.status).toBe(201);
      expect((await c.request('POST', `/api/v1/incidents/${inc.body.id}/audiences`, c.actors.manager, { kind: 'organization', ref: o.orgId })).status).toBe(200);
      const from = sink.mails.length;
      expect((await c.request('POST', `/api/v1/incidents/${inc.body.id}/updates`, c.actors.manager, { state: 'investigating', body: { ja: '調査中です。', en: 'Investigating.' }, audience: 'public' })).status).toBe(201);
      await settle(c);

      const tickets = await ticketsOf(c, o.customerId);
      expect(tickets).toEqual([expect.objectContaining({ team_id: restricted, status: 'pending' })]);
      expect(await ticketsOf(c, o.mailless)).toEqual([]);
      const id = tickets[0]!.id;
      expect(await reached(c, inc.body.id)).toEqual([expect.objectContaining({ count: 1, teamId: restricted, teamSource: 'service' })]);
      await sink.waitFor(from + 1);
      expect(sink.mails.slice(from).filter((m) => m.rcptTo.includes(o.email))).toHaveLength(1);

      // The team's member reads it and finds it in the team's queue; the console shows the team.
      const seen = await c.request('GET', `/api/v1/tickets/${id}`, c.otherAgent);
      expect(seen.status).toBe(200);
      expect(seen.body.teamId).toBe(restricted);
      const queue = await c.request('GET', `/api/v1/tickets?team=${restricted}&limit=100`, c.otherAgent);
      expect(queue.status).toBe(200);
      expect(queue.body.items.map((t: { id: string }) => t.id)).toContain(id);
      expect((await c.request('GET', `/api/v1/incidents/${inc.body.id}/tickets`, c.otherAgent)).body.items.map((t: { id: string }) => t.id)).toContain(id);
      // An agent outside the restricted team: not found, not in the queue, not among the linked tickets.
      expect((await c.request('GET', `/api/v1/tickets/${id}`, c.actors.agent)).status).toBe(404);
      expect((await c.request('GET', `/api/v1/tickets?team=${restricted}&limit=100`, c.actors.agent)).body.items.map((t: { id: string }) => t.id)).not.toContain(id);
      expect((await c.request('GET', `/api/v1/incidents/${inc.body.id}/tickets`, c.actors.agent)).body.items.map((t: { id: string }) => t.id)).not.toContain(id);
      // An administrator sees it; the commander, a manager outside the team, does not (the restricted team's rule holds for incidents too).
      expect((await c.request('GET', `/api/v1/tickets/${id}`, c.actors.admin)).status).toBe(200);
      expect((await c.request('GET', `/api/v1/tickets/${id}`, c.actors.manager)).status).toBe(404);
    });

    it('without an owned service go to the commander’s team, also when the resolution is the first fan-out', async () => {
      const c = ctx();
      const ops = await team(c, 'Ops', [{ userId: c.actors.supervisor.id, role: 'supervisor' }]);
      const svc = await service(c, 'Mail', null);
      const o = await organisation(c);
      const inc = await c.request('POST', '/api/v1/incidents', c.actors.supervisor, { title: 'Mail outage', severity: 'SEV2', services: [{ id: svc, impact: 'partial_outage' }] });
      expect(inc.status).toBe(201);
      expect(inc.body.roles).toEqual([expect.objectContaining({ role: 'commander', userId: c.actors.supervisor.id })]);
      expect((await c.request('POST', `/api/v1/incidents/${inc.body.id}/audiences`, c.actors.supervisor, { kind: 'organization', ref: o.orgId })).status).toBe(200);
      // The resolution stands the task force down before its fan-out runs: the commander it had counts.
      const from = sink.mails.length;
      expect((await c.request('POST', `/api/v1/incidents/${inc.body.id}/resolve`, c.actors.supervisor, { resolution: { ja: '復旧しました。', en: 'Restored.' } })).status).toBe(200);
      await settle(c);
      const tickets = await ticketsOf(c, o.customerId);
      expect(tickets).toEqual([expect.objectContaining({ team_id: ops, status: 'solved' })]);
      expect(await reached(c, inc.body.id)).toEqual([expect.objectContaining({ teamId: ops, teamSource: 'commander' })]);
      await sink.waitFor(from + 1);
      expect(sink.mails.slice(from).filter((m) => m.rcptTo.includes(o.email))).toHaveLength(1);
    });

    it('else go to the workspace’s outreach team (a setting an administrator names), else to no team', async () => {
      const c = ctx();
      const path = '/api/v1/incidents/settings';
      const settings = (await c.request('GET', path, c.actors.admin)).body;
      expect(settings.outreachTeamId).toBeNull();
      expect((await c.request('PUT', path, c.actors.admin, { ...settings, outreachTeamId: '01a2079d-64a3-72d6-8665-1ccf40357136' })).body.error.details.problems).toEqual([expect.objectContaining({ field: 'outreachTeamId', code: 'unknown_team' })]);
      expect((await c.request('PUT', path, c.actors.admin, { ...settings, outreachTeamId: 'not-a-uuid' })).status).toBe(400);
      const desk = await team(c, 'Outreach desk', []);
      expect((await c.request('PUT', path, c.actors.manager, { ...settings, outreachTeamId: desk })).status).toBe(403);
      const put = await c.request('PUT', path, c.actors.admin, { ...settings, outreachTeamId: desk });
      expect(put.status).toBe(200);
      expect(put.body.outreachTeamId).toBe(desk);

      // The admin commands and is in no team; the service has no owner team.
      const svc = await service(c, 'Billing', null);
      const o = await organisation(c);
      const inc = await c.request('POST', '/api/v1/incidents', c.actors.admin, { title: 'Billing outage', severity: 'SEV3', services: [{ id: svc, impact: 'degraded' }] });
      await c.request('POST', `/api/v1/incidents/${inc.body.id}/audiences`, c.actors.admin, { kind: 'organization', ref: o.orgId });
      await c.request('POST', `/api/v1/incidents/${inc.body.id}/updates`, c.actors.admin, { state: 'investigating', body: { ja: '調査中', en: 'Investigating' }, audience: 'public' });
      await settle(c);
      expect(await ticketsOf(c, o.customerId)).toEqual([expect.objectContaining({ team_id: desk })]);
      expect(await reached(c, inc.body.id)).toEqual([expect.objectContaining({ teamId: desk, teamSource: 'setting' })]);

      // Without the setting: no team (as before), said in the timeline.
      expect((await c.request('PUT', path, c.actors.admin, { ...settings, outreachTeamId: null })).status).toBe(200);
      const o2 = await organisation(c);
      const inc2 = await c.request('POST', '/api/v1/incidents', c.actors.admin, { title: 'Billing slow', severity: 'SEV3', services: [{ id: svc, impact: 'degraded' }] });
      await c.request('POST', `/api/v1/incidents/${inc2.body.id}/audiences`, c.actors.admin, { kind: 'organization', ref: o2.orgId });
      await c.request('POST', `/api/v1/incidents/${inc2.body.id}/updates`, c.actors.admin, { state: 'investigating', body: { ja: '調査中', en: 'Investigating' }, audience: 'public' });
      await settle(c);
      expect(await ticketsOf(c, o2.customerId)).toEqual([expect.objectContaining({ team_id: null })]);
      expect(await reached(c, inc2.body.id)).toEqual([expect.objectContaining({ teamId: null, teamSource: null })]);
    });
  },
  { env: { ESCALON_SMTP_URL: sink.url, ESCALON_INBOUND_ADDRESS: 'support@escalon.test' } },
);
