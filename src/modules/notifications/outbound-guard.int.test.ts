import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { reply, startReceiver, type LoopbackReceiver } from '../../integrations/loopback-test-support.js';
import { signWebhook } from '../../integrations/webhook-signer.js';

let receiver: LoopbackReceiver;
beforeAll(async () => {
  receiver = await startReceiver((_req, res) => reply(res, 204, ''));
});
afterAll(async () => receiver.close());

/** Production defaults: no ESCALON_OUTBOUND_ALLOW, so loopback receivers are refused. */
describeEachDb(
  'outbound URLs without an allow list',
  (ctx) => {
    const admin = () => ctx().actors.admin;

    it('refuses forbidden literal hosts when a webhook, channel or messaging URL is saved, with a code', async () => {
      for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:3000/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest', 'http://10.0.0.8/']) {
        const res = await ctx().request('POST', '/api/v1/webhooks', admin(), { url, events: ['*'] });
        expect(res.status, url).toBe(400);
        expect(res.body.error.details.problems[0]).toMatchObject({ field: 'url', code: 'outbound_address_refused' });
      }
      const ok = await ctx().request('POST', '/api/v1/webhooks', admin(), { url: 'https://hooks.example.com/escalon', events: ['*'] });
      expect(ok.status).toBe(201);
      expect((await ctx().request('PATCH', `/api/v1/webhooks/${ok.body.id}`, admin(), { url: 'http://192.168.1.1/' })).status).toBe(400);

      const team = await ctx().request('POST', '/api/v1/teams', admin(), { name: 'Guarded' });
      const channel = await ctx().request('POST', '/api/v1/team-channels', admin(), { teamId: team.body.id, kind: 'teams_webhook', config: { url: 'http://[fd00:ec2::254]/' } });
      expect(channel.status).toBe(400);
      expect(channel.body.error.details.problems[0]).toMatchObject({ field: 'config.url', code: 'outbound_address_refused' });

      const messaging = await ctx().request('POST', '/api/v1/messaging-integrations', admin(), { name: 'Chat', outboundUrl: 'http://172.16.0.1/out' });
      expect(messaging.status).toBe(400);
      expect(messaging.body.error.details.problems[0]).toMatchObject({ field: 'outboundUrl', code: 'outbound_address_refused' });
    });

    it('refuses at connection time a saved name that now resolves to loopback, and says why in the delivery log', async () => {
      const sub = await ctx().request('POST', '/api/v1/webhooks', admin(), { url: 'https://hooks.example.com/rebind', events: ['escalation.requested'] });
      expect(sub.status).toBe(201);
      // The name passed the check when saved; now it points at an internal service (DNS rebinding).
      await ctx().deps.database.db.updateTable('webhook_subscriptions').set({ url: `${receiver.url.replace('127.0.0.1', 'localhost')}/internal` }).where('id', '=', sub.body.id).execute();
      const t = await ctx().request('POST', '/api/v1/tickets', ctx().actors.agent, { subject: 'Guarded', priority: 'normal' });
      const e = await ctx().request('POST', `/api/v1/tickets/${t.body.id}/escalations`, ctx().actors.agent, { target: { type: 'user', userId: ctx().actors.manager.id }, ackTimeoutSeconds: 1800, brief: { ask: 'Approve', tried: 'Checked' } });
      expect(e.status).toBe(201);
      await ctx().deps.jobs.drain();
      const list = await ctx().request('GET', '/api/v1/deliveries?channel=webhook&limit=100', admin());
      const d = list.body.items.find((x: { recipient: string }) => x.recipient === `webhook:${sub.body.id}`);
      expect(d).toBeTruthy();
      expect(d.state).toBe('dead');
      expect(d.lastResponse).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
      expect(receiver.requests).toHaveLength(0);
    });

    it('refuses a messaging outbound URL that now resolves to loopback when a reply is sent', async () => {
      const c = ctx();
      const created = await c.request('POST', '/api/v1/messaging-integrations', admin(), { name: 'Guarded chat', outboundUrl: 'https://chat.example.com/out' });
      expect(created.status).toBe(201);
      await c.deps.database.db.updateTable('messaging_integrations').set({ outbound_url: `${receiver.url.replace('127.0.0.1', 'localhost')}/outbound` }).where('id', '=', created.body.id).execute();
      const body = JSON.stringify({ conversationId: 'conv-guarded', from: { id: 'u1', name: 'Mika' }, text: 'Hello' });
      const inbound = await c.app.inject({ method: 'POST', url: created.body.webhookPath, headers: { 'content-type': 'application/json', ...signWebhook(created.body.secret, body, c.clock.now()) }, payload: body });
      expect(inbound.statusCode).toBeLessThan(300);
      const ticketId = JSON.parse(inbound.body).ticketId as string;
      expect((await c.request('POST', `/api/v1/tickets/${ticketId}/messages`, c.actors.agent, { body: 'Answer', visibility: 'public' })).status).toBe(201);
      await c.deps.jobs.drain();
      const list = await c.request('GET', '/api/v1/deliveries?limit=100', admin());
      const d = list.body.items.find((x: { ticketId: string | null }) => x.ticketId === ticketId);
      expect(d).toBeTruthy();
      expect(d.lastResponse).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
      expect(receiver.requests).toHaveLength(0);
    });
  },
  { env: { ESCALON_OUTBOUND_ALLOW: '' } },
);
