/**
 * Issue 14 §3: a Slack member id is linked by verification. Besides Slack's confirmed email
 * (users.info, notifications.int.test.ts), the slash command `/escalon link` hands the member a
 * signed one-time link; opening it while signed in to Escalon links that member to the person.
 * Unsigned commands are refused, the link works once, expires, and cannot take over a Slack id
 * another person has verified. On SQLite and PostgreSQL.
 */
import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDb, type Actor } from '../../../test/helpers/app.js';

const SECRET = 'slack-link-signing-secret';

describeEachDb(
  'Slack one-time link',
  (ctx) => {
    const command = (userId: string, text = 'link', secret = SECRET) => {
      const form = new URLSearchParams({ command: '/escalon', text, user_id: userId, team_id: 'T0TEAM' }).toString();
      const ts = Math.floor(ctx().clock.now() / 1000);
      const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${form}`).digest('hex')}`;
      return ctx().app.inject({ method: 'POST', url: '/api/v1/integrations/slack/commands', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature }, payload: form });
    };
    const linkOf = async (userId: string) => {
      const r = await command(userId);
      expect(r.statusCode).toBe(200);
      const body = JSON.parse(r.body) as { text: string; response_type: string };
      expect(body.response_type).toBe('ephemeral');
      const m = /<(https:\/\/escalon\.example\/settings\/slack-link#t=([A-Za-z0-9_-]+))\|/.exec(body.text);
      expect(m, body.text).not.toBeNull();
      return { url: m![1]!, token: m![2]! };
    };
    const confirm = (actor: Actor, token: string) => ctx().request('POST', '/api/v1/me/slack-link', actor, { token });
    const prefs = async (actor: Actor) => (await ctx().request('GET', '/api/v1/me/notification-preferences', actor)).body as { slackUserId: string | null; slackVerified: boolean };

    it('refuses an unsigned or wrongly signed command, and keeps only the hash of the token', async () => {
      expect((await command('U0ALICE', 'link', 'wrong-secret')).statusCode).toBe(401);
      const { token } = await linkOf('U0ALICE');
      const rows = await ctx().deps.database.db.selectFrom('slack_link_tokens').selectAll().where('slack_user_id', '=', 'U0ALICE').execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(JSON.parse((await command('U0ALICE', 'help')).body).text).toContain('/escalon link');
    });

    it('links the member to whoever opens it signed in, once; a second use and an expired link are refused', async () => {
      const c = ctx();
      const { token } = await linkOf('U0AGENT');
      expect((await c.request('POST', '/api/v1/me/slack-link', null, { token })).status).toBe(401);
      const ok = await confirm(c.actors.agent, token);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ slackUserId: 'U0AGENT', slackVerified: true });
      const audit = await c.deps.audit.list({ limit: 5, action: 'user.slack_linked', targetId: c.actors.agent.id });
      expect(audit.items[0]).toMatchObject({ actorId: c.actors.agent.id, data: { slackUserId: 'U0AGENT', via: 'one_time_link' } });
      // Used: gone, for everyone.
      const again = await confirm(c.otherAgent, token);
      expect(again.status).toBe(410);
      expect(again.body.error.code).toBe('link_expired');
      expect((await prefs(c.otherAgent)).slackUserId).toBeNull();

      const late = await linkOf('U0LATE');
      c.clock.advance(15 * 60_000 + 1);
      expect((await confirm(c.otherAgent, late.token)).status).toBe(410);
      expect((await confirm(c.otherAgent, 'x'.repeat(43))).status).toBe(410);
      expect((await confirm(c.otherAgent, 'bad token!')).status).toBe(400);
    });

    it('cannot take over a Slack id another person has verified', async () => {
      const c = ctx();
      const first = await linkOf('U0SHARED');
      expect((await confirm(c.actors.supervisor, first.token)).status).toBe(200);
      const second = await linkOf('U0SHARED');
      const taken = await confirm(c.actors.specialist, second.token);
      expect(taken.status).toBe(400);
      expect(taken.body.error.details.problems[0]).toMatchObject({ field: 'token', code: 'slack_linked_elsewhere' });
      expect((await prefs(c.actors.supervisor)).slackUserId).toBe('U0SHARED');
      expect((await prefs(c.actors.specialist)).slackUserId).toBeNull();
    });
  },
  {
    configure: (config) => {
      config.slack = { ...config.slack, signingSecret: SECRET };
      config.publicUrl = 'https://escalon.example';
    },
  },
);
