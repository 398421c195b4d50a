/**
 * Major incidents on SQLite and PostgreSQL (issue 17): an incident past its resolution target
 * escalates along the configured path exactly at that instant and once (fake clock), not when
 * resolved before; internal stakeholders hear of incident events by email (real SMTP sink) and
 * Slack (a loopback Slack API) in their language, as their channel preferences say.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { reply, startReceiver, type LoopbackReceiver } from '../../integrations/loopback-test-support.js';
import { levelBody, pathBody } from '../paths/path-test-support.js';

const MIN = 60_000;
const BOT_TOKEN = 'xoxb-incident-test';
const sink: SmtpSink = await startSmtpSink();
let slackApi: LoopbackReceiver;
beforeAll(async () => {
  slackApi = await startReceiver((req, res) => {
    if (req.path === '/users.info') return reply(res, 200, { ok: true, user: { id: 'U0SPEC', deleted: false, is_email_confirmed: true, profile: { email: 'specialist@test.example' } } });
    reply(res, 200, { ok: true, channel: 'U0SPEC', ts: '1.2' });
  });
});
afterAll(async () => {
  await sink.close();
  await slackApi.close();
});

describeEachDb(
  'incidents: resolution-target escalation and stakeholder mail',
  (ctx) => {
    let seq = 0;
    const uniq = () => `${Date.now().toString(36)}${seq++}`;

    async function ticket(c: TestContext, subject: string) {
      const t = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject, description: 'Down', requesterEmail: `cust-${uniq()}@customer.example` });
      expect(t.status).toBe(201);
      return t.body.id as string;
    }
    const escalationsOf = async (c: TestContext, ticketId: string) => c.deps.database.db.selectFrom('escalations').select(['id', 'trigger', 'path_id', 'requested_at']).where('ticket_id', '=', ticketId).execute();

    it('escalates along the severity path at the resolution target, once; not when resolved before', async () => {
      const c = ctx();
      const path = await c.request('POST', '/api/v1/escalation-paths', c.actors.admin, pathBody(c.actors.manager.id, [levelBody('Duty manager', [{ type: 'user', userId: c.actors.specialist.id }])]));
      expect(path.status).toBe(201);
      const settings = (await c.request('GET', '/api/v1/incidents/settings', c.actors.admin)).body;
      expect(settings.escalationPathId).toBeNull();
      // An unknown path is refused with a field problem and its code; nothing is stored.
      const bad = await c.request('PUT', '/api/v1/incidents/settings', c.actors.admin, { ...settings, severities: { ...settings.severities, SEV2: { ...settings.severities.SEV2, escalationPathId: '01a2079d-64a3-72d6-8665-1ccf40357136' } } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.problems[0]).toMatchObject({ field: 'severities.SEV2.escalationPathId', code: 'unknown_escalation_path' });
      const put = await c.request('PUT', '/api/v1/incidents/settings', c.actors.admin, { ...settings, severities: { ...settings.severities, SEV2: { ...settings.severities.SEV2, resolveTargetMinutes: 120, escalationPathId: path.body.id } } });
      expect(put.status).toBe(200);
      expect(put.body.severities.SEV2.escalationPathId).toBe(path.body.id);
      const audit = await c.request('GET', `/api/v1/audit?action=incidents.settings_changed`, c.actors.admin);
      expect(audit.body.items.length).toBeGreaterThanOrEqual(1);

      const t1 = await ticket(c, 'Checkout fails');
      const declared = await c.request('POST', '/api/v1/incidents', c.actors.supervisor, { title: `Checkout ${uniq()}`, severity: 'SEV2', ticketIds: [t1] });
      expect(declared.status).toBe(201);
      const id = declared.body.id as string;
      const start = c.clock.now();
      expect(declared.body.cadence.resolveDueAt).toBe(new Date(start + 120 * MIN).toISOString());

      // One millisecond before the target: nothing.
      c.clock.set(start + 120 * MIN - 1);
      await c.deps.jobs.drain();
      expect(await escalationsOf(c, t1)).toHaveLength(0);
      // At the target: one escalation along the path, started by the incident.
      c.clock.set(start + 120 * MIN);
      await c.deps.jobs.drain();
      const fired = await escalationsOf(c, t1);
      expect(fired).toMatchObject([{ trigger: 'incident', path_id: path.body.id, requested_at: start + 120 * MIN }]);
      const view = await c.request('GET', `/api/v1/escalations/${fired[0]!.id}`, c.actors.admin);
      expect(view.body.origin).toMatchObject({ code: 'incident', severity: 'SEV2' });
      const events = await c.request('GET', `/api/v1/incidents/${id}/timeline`, c.actors.agent);
      expect(events.body.items.filter((e: { kind: string }) => e.kind === 'resolve_target.passed')).toHaveLength(1);
      // Later, and a severity change that re-arms the clocks, do not fire it again.
      await c.request('PATCH', `/api/v1/incidents/${id}`, c.actors.supervisor, { severity: 'SEV3' });
      c.clock.advance(3 * 24 * 60 * MIN);
      await c.deps.jobs.drain();
      expect(await escalationsOf(c, t1)).toHaveLength(1);
      await c.request('POST', `/api/v1/incidents/${id}/resolve`, c.actors.supervisor, { resolution: { ja: '復旧', en: 'Fixed' } });

      // Resolved before its target: the timer does nothing.
      const t2 = await ticket(c, 'Checkout fails again');
      const second = await c.request('POST', '/api/v1/incidents', c.actors.supervisor, { title: `Checkout again ${uniq()}`, severity: 'SEV2', ticketIds: [t2] });
      c.clock.advance(60 * MIN);
      expect((await c.request('POST', `/api/v1/incidents/${second.body.id}/resolve`, c.actors.supervisor, { resolution: { ja: '復旧', en: 'Fixed' } })).status).toBe(200);
      c.clock.advance(120 * MIN);
      await c.deps.jobs.drain();
      expect(await escalationsOf(c, t2)).toHaveLength(0);
      const ev2 = await c.request('GET', `/api/v1/incidents/${second.body.id}/timeline`, c.actors.agent);
      expect(ev2.body.items.map((e: { kind: string }) => e.kind)).not.toContain('resolve_target.passed');
      await c.request('PUT', '/api/v1/incidents/settings', c.actors.admin, settings);
    });

    it('tells subscribed people and team members by email and Slack in their language, as their preferences say', async () => {
      const c = ctx();
      const db = c.deps.database.db;
      await db.updateTable('users').set({ locale: 'ja' }).where('id', '=', c.actors.specialist.id).execute();
      expect((await c.request('PUT', '/api/v1/me/notification-preferences', c.actors.specialist, { slackUserId: 'U0SPEC' })).status).toBe(200);
      const team = await c.request('POST', '/api/v1/teams', c.actors.admin, { name: `Ops ${uniq()}`, members: [{ userId: c.actors.manager.id, role: 'member' }] });
      expect(team.status).toBe(201);
      sink.mails.length = 0;
      slackApi.requests.length = 0;
      const title = `Login outage ${uniq()}`;
      const declared = await c.request('POST', '/api/v1/incidents', c.actors.supervisor, { title, severity: 'SEV1', subscribers: { userIds: [c.actors.specialist.id], teamIds: [team.body.id] } });
      expect(declared.status).toBe(201);
      const id = declared.body.id as string;
      await c.deps.jobs.drain();
      const subjects = async (email: string) => Promise.all(sink.mails.filter((m) => m.rcptTo.includes(email)).map(async (m) => (await sink.parse(m)).subject ?? ''));
      expect(await subjects('specialist@test.example')).toEqual([`【SEV1】重大障害を宣言しました: ${title}`]);
      expect(await subjects('manager@test.example')).toEqual([`[SEV1] Major incident declared: ${title}`]);
      const dm = slackApi.requests.filter((r) => r.path === '/chat.postMessage');
      expect(dm).toHaveLength(1);
      expect(JSON.parse(dm[0]!.rawBody).text).toContain('重大障害を宣言しました');

      // An update: its text in each reader's language, with when the next one comes.
      sink.mails.length = 0;
      const posted = await c.request('POST', `/api/v1/incidents/${id}/updates`, c.actors.supervisor, { state: 'identified', body: { ja: '認証サーバーの証明書切れを特定しました。', en: 'We found an expired certificate on the auth server.' }, audience: 'internal' });
      expect(posted.status).toBe(201);
      await c.deps.jobs.drain();
      const bodies = async (email: string) => Promise.all(sink.mails.filter((m) => m.rcptTo.includes(email)).map(async (m) => (await sink.parse(m)).text ?? ''));
      const ja = await bodies('specialist@test.example');
      expect(ja).toHaveLength(1);
      expect(ja[0]).toContain('認証サーバーの証明書切れを特定しました。');
      expect(ja[0]).toContain('次回の更新予定');
      const en = await bodies('manager@test.example');
      expect(en[0]).toContain('We found an expired certificate on the auth server.');
      expect(en[0]).toContain('Next update by');

      // The manager keeps incident news in-app only: the role change reaches only the specialist by mail.
      expect((await c.request('PUT', '/api/v1/me/notification-preferences', c.actors.manager, { channels: { 'incident.*': ['in_app'] } })).status).toBe(200);
      sink.mails.length = 0;
      expect((await c.request('PUT', `/api/v1/incidents/${id}/roles/communications_lead`, c.actors.supervisor, { userId: c.actors.agent.id })).status).toBe(200);
      await c.deps.jobs.drain();
      expect(await subjects('manager@test.example')).toEqual([]);
      expect(await subjects('specialist@test.example')).toEqual([`【SEV1】広報担当: agent: ${title}`]);
      expect(await subjects('agent@test.example')).toEqual([`[SEV1] communications lead: agent: ${title}`]);
      const inApp = await db.selectFrom('notifications').select(['title']).where('user_id', '=', c.actors.manager.id).where('event', '=', 'incident.role_changed').execute();
      expect(inApp).toHaveLength(1);
      expect(inApp[0]!.title).toBe(`[SEV1] communications lead: agent: ${title}`);
      await c.request('PUT', '/api/v1/me/notification-preferences', c.actors.specialist, { slackUserId: null });
    });
  },
  {
    env: { ESCALON_SMTP_URL: sink.url, ESCALON_MAIL_FROM: 'Escalon <escalon@escalon.test>' },
    configure: (config) => {
      config.slack = { ...config.slack, botToken: BOT_TOKEN, apiUrl: slackApi.url };
    },
  },
);
