import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeEachDb, type Actor, type TestContext } from '../../../test/helpers/app.js';
import { createContainer } from '../../container.js';
import { inTransaction } from '../../db/database.js';
import { reply, startReceiver, type LoopbackReceiver } from '../../integrations/loopback-test-support.js';
import { verifyWebhook } from '../../integrations/webhook-signer.js';
import { enqueueJob } from '../../jobs/jobs.repository.js';
import { createLogger } from '../../lib/logger.js';
import { newId } from '../../lib/ids.js';
import { levelBody, pathBody } from '../paths/path-test-support.js';

interface Mail {
  to: string[];
  raw: string;
}
const mails: Mail[] = [];
let smtp: SMTPServer;
let smtpPort = 0;
let slackApi: LoopbackReceiver;
let teamsHook: LoopbackReceiver;
let consumer: LoopbackReceiver;
const SLACK_SECRET = 'slack-signing-secret-for-tests';
const BOT_TOKEN = 'xoxb-test-token';
/** The Slack workspace as users.info tells it: member id → email Slack verified. */
const slackDirectory: Record<string, { email: string; confirmed?: boolean }> = {
  U0SPECIAL: { email: 'Specialist@test.example' },
  U0AGENT: { email: 'agent@test.example' },
  U0STRANGER: { email: 'someone@elsewhere.example' },
  U0UNCONFIRMED: { email: 'agent2@test.example', confirmed: false },
};

/** The webhook consumer: verifies signatures, refuses while `refusing`, counts by delivery id. */
const consumerState = { refusing: false, secret: '', accepted: [] as { id: string; body: any }[], badSignatures: 0, refusals: 0 };

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = ((smtp as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  slackApi = await startReceiver((req, res) => {
    if (req.headers.authorization !== `Bearer ${BOT_TOKEN}`) return reply(res, 200, { ok: false, error: 'invalid_auth' });
    if (req.path === '/users.info') {
      const id = new URLSearchParams(req.rawBody).get('user') ?? '';
      const m = slackDirectory[id];
      return reply(res, 200, m ? { ok: true, user: { id, deleted: false, is_email_confirmed: m.confirmed ?? true, profile: { email: m.email } } } : { ok: false, error: 'user_not_found' });
    }
    const body = JSON.parse(req.rawBody) as { channel: string };
    reply(res, 200, { ok: true, channel: body.channel, ts: '1.2' });
  });
  teamsHook = await startReceiver((_req, res) => reply(res, 200, '1'));
  consumer = await startReceiver((req, res) => {
    if (!verifyWebhook(consumerState.secret, req.headers, req.rawBody, Number(req.headers['x-escalon-timestamp']) * 1000)) {
      consumerState.badSignatures++;
      return reply(res, 401, 'bad signature');
    }
    if (consumerState.refusing) {
      consumerState.refusals++;
      return reply(res, 503, 'down for maintenance');
    }
    const id = String(req.headers['x-escalon-delivery']);
    consumerState.accepted.push({ id, body: JSON.parse(req.rawBody) });
    reply(res, 200, 'ok');
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await Promise.all([slackApi.close(), teamsHook.close(), consumer.close()]);
});

const configure = (config: import('../../config/config.js').Config) => {
  config.smtpOut = { host: '127.0.0.1', port: smtpPort, secure: false, user: undefined, password: undefined, from: 'Escalon <escalon@support.example>' };
  config.slack = { signingSecret: SLACK_SECRET, botToken: BOT_TOKEN, apiUrl: slackApi.url };
  config.publicUrl = 'https://escalon.example';
};

const slackSign = (body: string, ts: number, secret = SLACK_SECRET) => ({
  'x-slack-request-timestamp': String(ts),
  'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`,
});

describeEachDb(
  'notifications',
  (ctx) => {
    let specialist: Actor;
    beforeEach(() => {
      specialist = ctx().actors.specialist;
      mails.length = 0;
      slackApi.requests.length = 0;
    });
    const req = (...a: Parameters<TestContext['request']>) => ctx().request(...a);
    const drain = () => ctx().deps.jobs.drain();
    const escalateTo = async (userId: string, subject: string, priority = 'normal') => {
      const t = await req('POST', '/api/v1/tickets', ctx().actors.agent, { subject, priority });
      expect(t.status).toBe(201);
      const e = await req('POST', `/api/v1/tickets/${t.body.id}/escalations`, ctx().actors.agent, { target: { type: 'user', userId }, ackTimeoutSeconds: 1800, brief: { ask: 'Approve the refund', tried: 'Checked the invoice' } });
      expect(e.status).toBe(201);
      return { ticketId: t.body.id as string, escalationId: e.body.id as string };
    };
    const setPrefs = (actor: Actor, body: object) => req('PUT', '/api/v1/me/notification-preferences', actor, body);
    const db = () => ctx().deps.database.db;

    it('emails the requester the answer when their escalation is resolved, in their language', async () => {
      const agent = ctx().actors.agent;
      await db().updateTable('users').set({ locale: 'ja' }).where('id', '=', agent.id).execute();
      const { ticketId, escalationId } = await escalateTo(specialist.id, '回答メールの件');
      await drain();
      mails.length = 0;
      expect((await req('POST', `/api/v1/escalations/${escalationId}/resolve`, specialist, { answer: '返金を承認します <OK>' })).status).toBe(200);
      await drain();
      const toAgent = mails.filter((m) => m.to.includes(agent.email));
      expect(toAgent).toHaveLength(1);
      const parsed = await simpleParser(toAgent[0]!.raw);
      expect(parsed.subject).toContain('エスカレーションに回答がありました');
      expect(parsed.subject).toContain('回答メールの件');
      expect(parsed.text).toContain('返金を承認します <OK>');
      expect(parsed.html).toContain('返金を承認します &lt;OK&gt;');
      expect(parsed.text).not.toContain('escalation.resolved');
      const n = (await req('GET', '/api/v1/notifications?limit=50', agent)).body.items.find((i: { ticketId: string; event: string }) => i.ticketId === ticketId && i.event === 'escalation.resolved');
      expect(n.body).toContain('返金を承認します <OK>');
      await db().updateTable('users').set({ locale: 'en' }).where('id', '=', agent.id).execute();
    });

    it('emails an escalation in the recipient language with threading headers, both parts and an encoded Japanese subject; in-app too', async () => {
      await db().updateTable('users').set({ locale: 'ja' }).where('id', '=', specialist.id).execute();
      const { ticketId } = await escalateTo(specialist.id, '返金の件');
      await drain();
      const mine = mails.filter((m) => m.to.includes(specialist.email));
      expect(mine).toHaveLength(1);
      const raw = mine[0]!.raw;
      expect(raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
      const parsed = await simpleParser(raw);
      expect(parsed.subject).toContain('返金の件');
      expect(parsed.text).toContain('Approve the refund');
      expect(parsed.html).toContain('Approve the refund');
      expect(parsed.messageId).toMatch(new RegExp(`^<ticket\\.${ticketId}\\.[0-9a-f-]+@support\\.example>$`));
      expect(parsed.inReplyTo).toBe(`<ticket.${ticketId}@support.example>`);
      expect(parsed.references).toContain(`<ticket.${ticketId}@support.example>`);
      expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
      const ids = await db().selectFrom('ticket_message_ids').select('message_id').where('ticket_id', '=', ticketId).execute();
      expect(ids.map((r) => `<${r.message_id.replace(/^<|>$/g, '')}>`)).toContain(parsed.messageId);

      const inbox = await req('GET', '/api/v1/notifications?unread=true', specialist);
      expect(inbox.status).toBe(200);
      const n = inbox.body.items.find((i: { ticketId: string }) => i.ticketId === ticketId);
      expect(n.event).toBe('escalation.requested');
      expect(n.title).toContain('返金の件');
      expect((await req('POST', `/api/v1/notifications/${n.id}/read`, specialist)).body.read).toBe(true);
      expect((await req('POST', `/api/v1/notifications/${n.id}/read`, ctx().otherAgent)).status).toBe(404);
      expect((await req('POST', '/api/v1/notifications/read-all', specialist)).status).toBe(200);
      expect((await req('GET', '/api/v1/notifications?unread=true', specialist)).body.unread).toBe(0);
      const attempts = await req('GET', '/api/v1/deliveries?state=done&channel=email', ctx().actors.admin);
      expect(attempts.body.items.length).toBeGreaterThan(0);
      const one = await req('GET', `/api/v1/deliveries/${attempts.body.items[0].id}`, ctx().actors.admin);
      expect(one.body.attemptLog[0]).toMatchObject({ attempt: 1, ok: true });
      expect(one.body.attemptLog[0].response).toMatch(/250/);
      await db().updateTable('users').set({ locale: 'en' }).where('id', '=', specialist.id).execute();
    });

    it('Slack: a DM with Acknowledge; a signed button press acknowledges as the mapped user, bad or stale signatures are 401 and change nothing', async () => {
      expect((await setPrefs(specialist, { slackUserId: 'U0SPECIAL' })).status).toBe(200);
      const { escalationId } = await escalateTo(specialist.id, 'Slack me');
      await drain();
      const dm = slackApi.requests.find((r) => r.path === '/chat.postMessage');
      expect(dm).toBeDefined();
      const body = JSON.parse(dm!.rawBody);
      expect(body.channel).toBe('U0SPECIAL');
      expect(dm!.rawBody).toContain('escalation.acknowledge');
      expect(body.text).toContain('Approve the refund');

      const form = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U0SPECIAL' }, actions: [{ action_id: 'escalation.acknowledge', value: escalationId }], response_url: `${slackApi.url}/respond` }))}`;
      const now = Math.floor(ctx().clock.now() / 1000);
      const post = (headers: Record<string, string>) =>
        ctx().app.inject({ method: 'POST', url: '/api/v1/integrations/slack/interactions', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: form });
      expect((await post(slackSign(form, now, 'wrong-secret'))).statusCode).toBe(401);
      expect((await post(slackSign(form, now - 600))).statusCode).toBe(401);
      expect((await post({})).statusCode).toBe(401);
      expect((await req('GET', `/api/v1/escalations/${escalationId}`, ctx().actors.agent)).body.status).toBe('requested');
      // The reply speaks the Slack user's Escalon language.
      await db().updateTable('users').set({ locale: 'ja' }).where('id', '=', specialist.id).execute();
      const ok = await post(slackSign(form, now));
      await db().updateTable('users').set({ locale: 'en' }).where('id', '=', specialist.id).execute();
      expect(ok.statusCode).toBe(200);
      expect(JSON.parse(ok.body).text).toMatch(/^受付済み: /);
      const after = await req('GET', `/api/v1/escalations/${escalationId}`, ctx().actors.agent);
      expect(after.body.status).toBe('acknowledged');
      await setPrefs(specialist, { slackUserId: null });
    });

    it('Slack ids are linked by verified email, not first come first served', async () => {
      const agent = ctx().actors.agent;
      // Claiming a colleague's Slack id (users.info shows their email) or one whose email Slack never confirmed is refused.
      const grab = await setPrefs(agent, { slackUserId: 'U0SPECIAL' });
      expect(grab.status).toBe(400);
      expect(grab.body.error.details.problems[0]).toMatchObject({ field: 'slackUserId', code: 'slack_email_mismatch' });
      expect((await setPrefs(ctx().otherAgent, { slackUserId: 'U0UNCONFIRMED' })).body.error.details.problems[0].code).toBe('slack_email_mismatch');
      expect((await setPrefs(agent, { slackUserId: 'U0NOTINSLACK' })).body.error.details.problems[0].code).toBe('slack_member_unknown');
      const own = await setPrefs(agent, { slackUserId: 'U0AGENT' });
      expect(own.status).toBe(200);
      expect(own.body.slackVerified).toBe(true);

      // A claim stored before verification existed (first come first served) is not trusted:
      // no direct messages to it, and a button press from that member is matched by Slack's email.
      await db().updateTable('notification_preferences').set({ slack_user_id: 'U0SPECIAL', slack_verified_at: null }).where('user_id', '=', agent.id).execute();
      expect((await req('GET', '/api/v1/me/notification-preferences', agent)).body.slackVerified).toBe(false);
      const { escalationId } = await escalateTo(specialist.id, 'Slack verification');
      await drain();
      expect(slackApi.requests.filter((r) => r.path === '/chat.postMessage')).toHaveLength(0);
      const press = (slackUser: string) => {
        const form = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: slackUser }, actions: [{ action_id: 'escalation.acknowledge', value: escalationId }], response_url: `${slackApi.url}/respond` }))}`;
        return ctx().app.inject({ method: 'POST', url: '/api/v1/integrations/slack/interactions', headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSign(form, Math.floor(ctx().clock.now() / 1000)) }, payload: form });
      };
      // A member whose email is nobody's in Escalon acknowledges nothing.
      expect(JSON.parse((await press('U0STRANGER')).body).text).toContain('Link your Slack account');
      expect((await req('GET', `/api/v1/escalations/${escalationId}`, agent)).body.status).toBe('requested');
      // The real owner of U0SPECIAL presses: it acknowledges as the specialist, and links them.
      const ok = await press('U0SPECIAL');
      expect(ok.statusCode).toBe(200);
      const esc = await req('GET', `/api/v1/escalations/${escalationId}`, agent);
      expect(esc.body.status).toBe('acknowledged');
      expect(JSON.stringify(esc.body)).toContain(specialist.id);
      expect((await req('GET', '/api/v1/me/notification-preferences', specialist)).body).toMatchObject({ slackUserId: 'U0SPECIAL', slackVerified: true });
      expect((await req('GET', '/api/v1/me/notification-preferences', agent)).body.slackUserId).toBeNull();
      await setPrefs(specialist, { slackUserId: null });
    });

    it('team channels: Slack incoming webhook and Teams Adaptive Card for an escalation to the team', async () => {
      const teamId = newId();
      const now = ctx().clock.now();
      await db().insertInto('teams').values({ id: teamId, name: `Billing ${teamId.slice(-4)}`, description: '', contact_email: null, contact_phone: null, created_at: now, updated_at: now }).execute();
      await db().insertInto('team_members').values({ team_id: teamId, user_id: specialist.id, role: 'member' }).execute();
      const slackHook = await startReceiver((_r, res) => reply(res, 200, 'ok'));
      try {
        const a = await req('POST', '/api/v1/team-channels', ctx().actors.admin, { teamId, kind: 'slack_webhook', config: { url: `${slackHook.url}/hook` } });
        expect(a.status).toBe(201);
        expect(JSON.stringify(a.body)).not.toContain(slackHook.url);
        expect((await req('POST', '/api/v1/team-channels', ctx().actors.admin, { teamId, kind: 'teams_webhook', config: { url: `${teamsHook.url}/teams`, locale: 'ja', timeZone: 'Asia/Tokyo' } })).status).toBe(201);
        expect((await req('POST', '/api/v1/team-channels', ctx().actors.agent, { teamId, kind: 'teams_webhook', config: { url: teamsHook.url } })).status).toBe(403);
        const t = await req('POST', '/api/v1/tickets', ctx().actors.agent, { subject: 'Team escalation' });
        const e = await req('POST', `/api/v1/tickets/${t.body.id}/escalations`, ctx().actors.agent, { target: { type: 'team', teamId }, brief: { ask: 'Check the invoice' } });
        expect(e.status).toBe(201);
        await drain();
        expect(slackHook.requests).toHaveLength(1);
        expect(slackHook.requests[0]!.rawBody).toContain('Check the invoice');
        const card = teamsHook.requests.find((r) => r.rawBody.includes('Check the invoice'));
        expect(card).toBeDefined();
        expect(JSON.parse(card!.rawBody).attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
      } finally {
        await slackHook.close();
      }
    });

    it('several departments: the one that has not acknowledged keeps being reminded; its silence is reported by name; a team-channel digest keeps the ask and the button', async () => {
      const now = ctx().clock.now();
      const supervisor = ctx().actors.supervisor;
      const manager = ctx().actors.manager;
      const sales = newId();
      const legal = newId();
      const legalName = `Legal ${legal.slice(-4)}`;
      await db().insertInto('teams').values([
        { id: sales, name: `Sales ${sales.slice(-4)}`, description: '', contact_email: null, contact_phone: null, created_at: now, updated_at: now },
        { id: legal, name: legalName, description: '', contact_email: null, contact_phone: null, created_at: now, updated_at: now },
      ]).execute();
      await db().insertInto('team_members').values([
        { team_id: sales, user_id: specialist.id, role: 'member' },
        { team_id: legal, user_id: supervisor.id, role: 'supervisor' },
        { team_id: legal, user_id: manager.id, role: 'manager' },
      ]).execute();
      const legalHook = await startReceiver((_r, res) => reply(res, 200, 'ok'));
      try {
        expect((await req('POST', '/api/v1/team-channels', ctx().actors.admin, { teamId: legal, kind: 'slack_webhook', config: { url: `${legalHook.url}/hook`, locale: 'en' } })).status).toBe(201);
        const level = levelBody('Sales and legal', [{ type: 'team', teamId: sales }, { type: 'team', teamId: legal }]);
        const path = await req('POST', '/api/v1/escalation-paths', ctx().actors.admin, pathBody(manager.id, [level], { name: `Complaints ${legal.slice(-4)}` }));
        expect(path.status).toBe(201);
        const t = await req('POST', '/api/v1/tickets', ctx().actors.agent, { subject: 'Complaint about the contract' });
        const e = await req('POST', `/api/v1/tickets/${t.body.id}/escalations`, ctx().actors.agent, { pathId: path.body.id, brief: { ask: 'Decide whether we cancel the penalty', customerTemperature: 'angry' } });
        expect(e.status).toBe(201);
        await drain();
        expect(legalHook.requests).toHaveLength(1);
        // Sales acknowledges: the escalation is owned, but Legal still owes its answer.
        expect((await req('POST', `/api/v1/escalations/${e.body.id}/acknowledge`, specialist, {})).status).toBe(200);
        mails.length = 0;
        ctx().clock.advance(600_000);
        await drain();
        const reminders = await db().selectFrom('deliveries').select(['state', 'event', 'user_id', 'recipient_key']).where('ticket_id', '=', t.body.id).where('event', '=', 'escalation.reminder').execute();
        expect(reminders.filter((d) => d.user_id === supervisor.id).map((d) => d.state)).toEqual(['done']);
        expect(mails.some((m) => m.to.includes(supervisor.email))).toBe(true);
        expect(reminders.some((d) => d.user_id === specialist.id)).toBe(false);
        // The reminder reached Legal's channel too (grouped with nothing: a card with the button).
        const chase = legalHook.requests.at(-1)!;
        expect(chase.rawBody).toContain('Decide whether we cancel the penalty');
        expect(chase.rawBody).toContain('escalation.acknowledge');
        // Legal lets its grace pass: the requester and Legal's manager are told which department.
        ctx().clock.advance(300_000);
        await drain();
        const expiredFor = async (actor: Actor) => ((await req('GET', '/api/v1/notifications', actor)).body.items as { event: string; title: string; body: string }[]).filter((n) => n.event === 'escalation.target_expired');
        const toAgent = await expiredFor(ctx().actors.agent);
        expect(toAgent).toHaveLength(1);
        expect(toAgent[0]!.title).toContain(legalName);
        expect(await expiredFor(manager)).toHaveLength(1);
        expect(await expiredFor(specialist)).toHaveLength(0);
        const state = await req('GET', `/api/v1/escalations/${e.body.id}`, ctx().actors.agent);
        expect(state.body.status).toBe('acknowledged');

        // A digest in the team channel (two chases of one escalation within the window) still
        // carries the ask, the temperature, the deadline and the Acknowledge button.
        const t2 = await req('POST', '/api/v1/tickets', ctx().actors.agent, { subject: 'Second complaint' });
        const e2 = await req('POST', `/api/v1/tickets/${t2.body.id}/escalations`, ctx().actors.agent, { target: { type: 'team', teamId: legal }, brief: { ask: 'Confirm the clause 7 reading', customerTemperature: 'upset' } });
        expect(e2.status).toBe(201);
        await drain();
        const before = legalHook.requests.length;
        const row = await db().selectFrom('escalations').select('state').where('id', '=', e2.body.id).executeTakeFirstOrThrow();
        const targetKey = (JSON.parse(row.state) as { targets: { key: string }[] }).targets[0]!.key;
        const at = ctx().clock.now();
        for (let i = 0; i < 2; i++)
          await inTransaction(db(), (tx) => enqueueJob(tx, { kind: 'notify', dedupeKey: `notify:test:${newId()}`, dueAt: at, payload: { event: 'escalation.reminder', recipients: { userIds: [] }, ticketId: t2.body.id, escalationId: e2.body.id, data: { levelIndex: 0, targetKey } } }, at));
        await drain();
        ctx().clock.advance(61_000);
        await drain();
        const digest = legalHook.requests.slice(before);
        expect(digest).toHaveLength(1);
        const body = JSON.parse(digest[0]!.rawBody) as { text: string; blocks: unknown[] };
        const blocks = JSON.stringify(body.blocks);
        expect(blocks).toContain('Confirm the clause 7 reading');
        expect(blocks).toContain('escalation.acknowledge');
        expect(blocks).toMatch(/Upset/i);
      } finally {
        await legalHook.close();
      }
    });

    it('quiet hours delay a normal escalation to their end, urgent passes; acknowledging drops the delayed message', async () => {
      // 09:00 in Tokyo now: quiet 08:00–10:00.
      await setPrefs(specialist, { quietHours: { start: '08:00', end: '10:00' } });
      const quiet = await escalateTo(specialist.id, 'Quiet please');
      const urgent = await escalateTo(specialist.id, 'Server down', 'urgent');
      await drain();
      const subjects = async () => Promise.all(mails.filter((m) => m.to.includes(specialist.email)).map(async (m) => (await simpleParser(m.raw)).subject ?? ''));
      expect((await subjects()).some((s) => s.includes('Server down'))).toBe(true);
      expect((await subjects()).some((s) => s.includes('Quiet please'))).toBe(false);
      // A second one, acknowledged while waiting: dropped, not sent.
      const acked = await escalateTo(specialist.id, 'Handled already');
      await drain();
      expect((await req('POST', `/api/v1/escalations/${acked.escalationId}/acknowledge`, specialist, {})).status).toBe(200);
      ctx().clock.advance(60 * 60_000);
      await drain();
      const after = await subjects();
      expect(after.some((s) => s.includes('Quiet please'))).toBe(true);
      expect(after.some((s) => s.includes('Handled already'))).toBe(false);
      const dropped = await db().selectFrom('deliveries').select(['state', 'items']).where('ticket_id', '=', acked.ticketId).where('user_id', '=', specialist.id).where('channel', '=', 'email').execute();
      expect(dropped.map((d) => d.state)).toEqual(['dropped']);
      expect(quiet.ticketId).toBeTruthy();
      expect(urgent.ticketId).toBeTruthy();
      await setPrefs(specialist, { quietHours: null });
    });

    it('groups several events for one person and ticket into one digest; reminder semantics for SLA intents', async () => {
      const t = await req('POST', '/api/v1/tickets', ctx().actors.agent, { subject: 'Flood', assigneeId: specialist.id });
      expect(t.status).toBe(201);
      const ticketId = t.body.id as string;
      const now = ctx().clock.now();
      const intent = (event: string, extra: object) =>
        inTransaction(db(), (tx) => enqueueJob(tx, { kind: 'notify', dedupeKey: `notify:test:${newId()}`, dueAt: now, payload: { event, ticketId, clockKind: 'resolution', dueAt: new Date(now + 3600_000).toISOString(), ...extra } }, now));
      // Breaches go to the assignee and the team's manager; both arrive at once: one digest.
      await intent('sla.breached', { recipients: ['assignee', 'team_manager'], userIds: [] });
      await intent('sla.breached', { recipients: ['assignee'], userIds: [], clockKind: 'first_response' });
      await drain();
      const mine = mails.filter((m) => m.to.includes(specialist.email));
      expect(mine).toHaveLength(1);
      const digest = await simpleParser(mine[0]!.raw);
      expect(digest.text).toMatch(/SLA breached[\s\S]*SLA breached/);
      // A third within the window waits for the window's end, then goes as its own message.
      ctx().clock.advance(10_000);
      await intent('sla.breached', { recipients: ['assignee'], userIds: [] });
      await drain();
      expect(mails.filter((m) => m.to.includes(specialist.email))).toHaveLength(1);
      ctx().clock.advance(60_000);
      await drain();
      expect(mails.filter((m) => m.to.includes(specialist.email))).toHaveLength(2);
      // "Due in 60 minutes" only while the clock is still running: a met (or unknown) clock sends nothing.
      const before = (await req('GET', '/api/v1/notifications', specialist)).body.items.length;
      await intent('sla.warning', { recipients: ['assignee'], userIds: [], clockId: newId() });
      await drain();
      expect((await req('GET', '/api/v1/notifications', specialist)).body.items.length).toBe(before);
    });

    it('preferences choose channels per event', async () => {
      await setPrefs(specialist, { channels: { 'escalation.*': ['in_app'] } });
      const { ticketId } = await escalateTo(specialist.id, 'In-app only');
      await drain();
      expect(mails.filter((m) => m.to.includes(specialist.email))).toHaveLength(0);
      expect((await req('GET', '/api/v1/notifications', specialist)).body.items.some((i: { ticketId: string }) => i.ticketId === ticketId)).toBe(true);
      expect((await setPrefs(specialist, { quietHours: { start: '25:00', end: '07:00' } })).status).toBe(400);
      await setPrefs(specialist, { channels: {} });
    });

    it('templates: errors at save time with the line; an edited template is used', async () => {
      const bad = await req('PUT', '/api/v1/notification-templates/escalation.requested/en', ctx().actors.admin, { subject: 'x', text: 'line one\n{{#if escalation}}\nno close', html: '<p>x</p>' });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.error.details)).toMatch(/line \d+/);
      expect((await req('PUT', '/api/v1/notification-templates/escalation.requested/en', ctx().actors.agent, { subject: 'x', text: 'y', html: 'z' })).status).toBe(403);
      const ok = await req('PUT', '/api/v1/notification-templates/escalation.requested/en', ctx().actors.admin, { subject: 'EDITED {{ticket.subject}}', text: 'Ask: {{escalation.ask}}', html: '<p>{{escalation.ask}}</p>' });
      expect(ok.status).toBe(200);
      await escalateTo(specialist.id, 'Edited template');
      await drain();
      const m = mails.find((x) => x.to.includes(specialist.email));
      expect((await simpleParser(m!.raw)).subject).toBe('EDITED Edited template');
      expect((await req('DELETE', '/api/v1/notification-templates/escalation.requested/en', ctx().actors.admin)).status).toBe(204);
    });

    it('webhooks: signed, retried through refusals, exactly once and in order per recipient, none lost across a restart; dead letters and admin retry', async () => {
      const created = await req('POST', '/api/v1/webhooks', ctx().actors.admin, { url: `${consumer.url}/hook`, events: ['escalation.requested'] });
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^whsec_/);
      consumerState.secret = created.body.secret;
      const listed = await req('GET', '/api/v1/webhooks', ctx().actors.admin);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
      expect((await req('GET', '/api/v1/webhooks', ctx().actors.agent)).status).toBe(403);
      const stored = await db().selectFrom('webhook_subscriptions').select('secret').where('id', '=', created.body.id).executeTakeFirstOrThrow();
      expect(stored.secret).not.toContain(created.body.secret);

      consumerState.accepted.length = 0;
      consumerState.refusing = true;
      const N = 12;
      const escalations: string[] = [];
      for (let i = 0; i < N; i++) escalations.push((await escalateTo(ctx().actors.manager.id, `Webhook ${i}`)).escalationId);
      await drain();
      ctx().clock.advance(2_000);
      await drain();
      expect(consumerState.refusals).toBeGreaterThan(0);
      const failed = await req('GET', '/api/v1/deliveries?state=failed&channel=webhook', ctx().actors.admin);
      // One per ticket: different tickets' deliveries to one receiver do not wait for each other.
      expect(failed.body.items.length).toBe(N);
      // Escalon "restarts": the old container is abandoned, a new one opens the same database.
      const deps2 = createContainer(ctx().deps.config, createLogger('silent'), { clock: ctx().clock, database: ctx().db.open() });
      try {
        consumerState.refusing = false;
        for (let i = 0; i < 20 && consumerState.accepted.length < N; i++) {
          ctx().clock.advance(30_000);
          await deps2.jobs.drain();
        }
      } finally {
        await deps2.close();
      }
      expect(consumerState.badSignatures).toBe(0);
      const ids = consumerState.accepted.map((a) => a.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(N);
      expect(consumerState.accepted.map((a) => a.body.data.escalationId).sort()).toEqual(
        [...escalations].sort(),
      );
      expect(consumerState.accepted[0]!.body.event).toBe('escalation.requested');

      // A URL that answers 410 is dead at once; an admin retries after fixing the far side.
      const gone = await startReceiver((_r, res) => reply(res, 410, 'gone'));
      const sub = await req('POST', '/api/v1/webhooks', ctx().actors.admin, { url: `${gone.url}/x`, events: ['escalation.*'] });
      await gone.close();
      await escalateTo(ctx().actors.manager.id, 'Unreachable');
      await drain();
      // Retried by time: still retrying after 23 hours, dead after the 24-hour window.
      for (let i = 0; i < 23; i++) {
        ctx().clock.advance(3600_000);
        await drain();
      }
      const retrying = await req('GET', '/api/v1/deliveries?state=failed', ctx().actors.admin);
      expect(
        retrying.body.items.find((x: { recipient: string }) => x.recipient === `webhook:${sub.body.id}`),
      ).toBeTruthy();
      for (let i = 0; i < 2; i++) {
        ctx().clock.advance(3600_000);
        await drain();
      }
      const dead = await req('GET', '/api/v1/deliveries?state=dead', ctx().actors.admin);
      const d = dead.body.items.find(
        (x: { recipient: string; event: string }) =>
          x.recipient === `webhook:${sub.body.id}` && x.event === 'escalation.requested',
      );
      expect(d.attempts).toBeGreaterThan(8);
      // The administrators are told, in their language.
      const alerts = await db()
        .selectFrom('notifications')
        .selectAll()
        .where('event', '=', 'delivery.dead')
        .where('user_id', '=', ctx().actors.admin.id)
        .execute();
      expect(alerts.some((a) => a.body.includes(`webhook:${sub.body.id}`))).toBe(true);
      expect(d.lastResponse).toMatch(/network error|ECONNREFUSED/);
      expect((await req('POST', `/api/v1/deliveries/${d.id}/retry`, ctx().actors.agent)).status).toBe(403);
      const retried = await req('POST', `/api/v1/deliveries/${d.id}/retry`, ctx().actors.admin);
      expect(retried.status).toBe(200);
      expect(retried.body.state).toBe('pending');
      expect((await req('POST', `/api/v1/deliveries/${d.id}/retry`, ctx().actors.admin)).status).toBe(409);
      await req('DELETE', `/api/v1/webhooks/${sub.body.id}`, ctx().actors.admin);
      await req('DELETE', `/api/v1/webhooks/${created.body.id}`, ctx().actors.admin);
      await drain();
    });

    it('streams live events to a signed-in user (ticket changes, own notifications only)', async () => {
      const app = ctx().app;
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const url = new URL('/api/v1/events/stream', address);
      const received: string[] = [];
      const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        const r = httpRequest(url, { headers: { authorization: ctx().otherAgent.auth.authorization, accept: 'text/event-stream' } }, resolve);
        r.on('error', reject);
        r.end();
      });
      expect(res.headers['content-type']).toContain('text/event-stream');
      res.setEncoding('utf8');
      res.on('data', (c: string) => received.push(c));
      const t = await req('POST', '/api/v1/tickets', ctx().actors.agent, { subject: 'Live' });
      await escalateTo(specialist.id, 'Not for agent2');
      await drain();
      await new Promise((r) => setTimeout(r, 300));
      const text = received.join('');
      expect(text).toContain('event: ticket.created');
      expect(text).toContain(t.body.id);
      expect(text).not.toContain('event: notification.created');
      res.destroy();
      expect((await ctx().app.inject({ method: 'GET', url: '/api/v1/events/stream' })).statusCode).toBe(401);
    });
  },
  { configure },
);

describe('notifications test setup', () => {
  it('has a real SMTP server on loopback', () => expect(smtpPort).toBeGreaterThan(0));
});
