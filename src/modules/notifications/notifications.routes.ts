/** HTTP: the notification centre, live events, preferences, and the admin side of delivery. */
import type { ServerResponse } from 'node:http';
import { Type } from '@sinclair/typebox';
import { auditActor } from '../audit/index.js';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, OneOf, Page, PageQuery, errorResponses } from '../../http/schemas.js';
import { NOTIFICATION_EVENTS } from './templates/index.js';
import { CHANNELS, DELIVERY_STATES, TEAM_CHANNEL_KINDS } from './notifications.types.js';
import { SESSION_ENDED_EVENT, USER_DEACTIVATED_EVENT } from './live-events.js';
import { DeliveryView, NotificationView, TeamChannelView, TemplateView, WebhookView, presentDelivery, presentNotification, presentTeamChannel, presentTemplate, presentWebhook } from './notifications.presenter.js';

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM in your time zone' });
const Preferences = Type.Object(
  {
    channels: Type.Record(Type.String({ maxLength: 60 }), Type.Array(OneOf(CHANNELS), { maxItems: 4 }), {
      description: "channels per event ('escalation.requested'), per family ('escalation.*') or '*'; unset events use the defaults (in-app + email for escalations and breaches)",
    }),
    quietHours: Type.Union([Type.Object({ start: HHMM, end: HHMM }, { additionalProperties: false }), Type.Null()], { description: 'urgent tickets and SLA breaches still pass' }),
    slackUserId: Type.Union([Type.String({ pattern: '^[UW][A-Z0-9]{2,30}$' }), Type.Null()], {
      description: "your Slack member id (direct messages and the Acknowledge button); accepted only when Slack's users.info shows your Escalon email, confirmed",
    }),
  },
  { additionalProperties: false },
);
const PreferencesView = Type.Object({ ...Preferences.properties, slackVerified: Type.Boolean({ description: 'the Slack id is verified to be yours (only then is it used)' }) }, { additionalProperties: false });
const EventName = Type.String({ minLength: 1, maxLength: 60, pattern: '^(\\*|[a-z_]+\\.(\\*|[a-z_]+))$' });
const TemplateBody = Type.Object({ subject: Type.String({ minLength: 1, maxLength: 1000 }), text: Type.String({ minLength: 1, maxLength: 65536 }), html: Type.String({ minLength: 1, maxLength: 65536 }) }, { additionalProperties: false });
const TemplateParams = Type.Object({ event: OneOf(NOTIFICATION_EVENTS), locale: OneOf(['ja', 'en'] as const) }, { additionalProperties: false });

export function notificationsRoutes(app: AppInstance): void {
  const n = app.deps.notifications;
  const tags = ['notifications'];

  // ------------------------------------------------------------------ my notifications
  app.get(
    '/api/v1/notifications',
    {
      config: { signedIn: true },
      schema: {
        tags,
        summary: 'My notifications, newest first',
        querystring: Type.Object({ ...PageQuery, unread: Type.Optional(Type.Boolean({ description: 'true: unread only; false: read only' })) }, { additionalProperties: false }),
        response: { 200: Type.Composite([Page(NotificationView), Type.Object({ unread: Type.Integer() })]), ...errorResponses },
      },
    },
    async (req) => {
      const page = await n.listMine(req.principal!, { limit: req.query.limit ?? 50, ...(req.query.cursor && { cursor: req.query.cursor }), ...(req.query.unread !== undefined && { unread: req.query.unread }) });
      return { items: page.items.map(presentNotification), nextCursor: page.nextCursor, unread: page.unread };
    },
  );
  app.post(
    '/api/v1/notifications/:id/read',
    { config: { signedIn: true }, schema: { tags, summary: 'Mark one of my notifications read', params: IdParams, response: { 200: NotificationView, ...errorResponses } } },
    async (req) => presentNotification(await n.markRead(req.principal!.userId, req.params.id)),
  );
  app.post(
    '/api/v1/notifications/read-all',
    { config: { signedIn: true }, schema: { tags, summary: 'Mark all my notifications read', response: { 200: Type.Object({ updated: Type.Integer() }), ...errorResponses } } },
    (req) => n.markAllRead(req.principal!.userId),
  );
  app.get(
    '/api/v1/me/notification-preferences',
    { config: { signedIn: true }, schema: { tags, summary: 'My notification preferences', response: { 200: PreferencesView, ...errorResponses } } },
    (req) => n.preferences(req.principal!.userId),
  );
  app.put(
    '/api/v1/me/notification-preferences',
    { config: { signedIn: true }, schema: { tags, summary: 'Change my notification preferences (fields left out stay as they are)', body: Type.Partial(Preferences), response: { 200: PreferencesView, ...errorResponses } } },
    (req) => n.setPreferences(req.principal!.userId, req.body),
  );

  app.post(
    '/api/v1/me/slack-link',
    {
      config: { signedIn: true },
      schema: {
        tags,
        summary: 'Confirm a one-time link from the Slack command /escalon link: its Slack member becomes my verified Slack id',
        body: Type.Object({ token: Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'the token from the link' }) }, { additionalProperties: false }),
        response: { 200: PreferencesView, ...errorResponses },
      },
    },
    (req) => n.confirmSlackLink(auditActor(req)!, req.body.token),
  );

  // ------------------------------------------------------------------ live events (SSE)
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const s of streams) s.end();
  });
  app.get(
    '/api/v1/events/stream',
    {
      config: { signedIn: true },
      schema: {
        tags,
        summary: 'Server-sent events: ticket.created/updated/message, escalation.updated, notification.created/read (data: {type, ids}); the session cookie works (EventSource sends no headers)',
        produces: ['text/event-stream'],
      },
    },
    async (req, reply) => {
      const viewer = req.principal!;
      const me = viewer.userId;
      const sessionId = viewer.sessionId;
      reply.hijack();
      const res = reply.raw;
      const sees = app.deps.tickets.access.gate(viewer);
      let ended = false;
      // The stream closes when its session ends (logout, password change) or its user is
      // deactivated: announced on every node through the live events, re-checked on each ping.
      const end = () => {
        if (ended) return;
        ended = true;
        res.end();
      };
      // Listen first, then answer: nothing that happens after the client sees the stream open is missed.
      // subscribeAs leaves out events about tickets this viewer may not see (restricted teams).
      const unsubscribe = await app.deps.live.subscribeAs(me, sees, (e) => {
        if (e.type === SESSION_ENDED_EVENT) return void (sessionId && e.ids.includes(sessionId) && end());
        if (e.type === USER_DEACTIVATED_EVENT) return void (e.ids.includes(me) && end());
        if (ended) return;
        res.write(`event: ${e.type}\ndata: ${JSON.stringify({ type: e.type, ids: e.ids })}\n\n`);
      });
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 3000\n: connected\n\n');
      streams.add(res);
      const heartbeat = setInterval(() => {
        if (ended) return;
        res.write(': ping\n\n');
        // A missed announcement (listener reconnecting) or a session that simply expired.
        if (sessionId) void app.deps.auth.sessionAlive(sessionId).then((alive) => alive || end(), () => undefined);
      }, 25_000);
      const done = () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(res);
      };
      res.on('close', done);
      if (res.destroyed) done();
    },
  );

  // ------------------------------------------------------------------ admin: deliveries
  const dtags = ['deliveries'];
  app.get(
    '/api/v1/deliveries',
    {
      config: { permission: 'deliveries.manage' },
      schema: {
        tags: dtags,
        summary: 'Outgoing deliveries (email, Slack, Teams, webhooks), newest first',
        querystring: Type.Object({ ...PageQuery, state: Type.Optional(OneOf(DELIVERY_STATES)), channel: Type.Optional(OneOf(['email', 'slack', 'teams', 'webhook'] as const)) }, { additionalProperties: false }),
        response: { 200: Page(DeliveryView), ...errorResponses },
      },
    },
    async (req) => {
      const page = await n.listDeliveries({ limit: req.query.limit ?? 50, ...(req.query.cursor && { cursor: req.query.cursor }), ...(req.query.state && { state: req.query.state }), ...(req.query.channel && { channel: req.query.channel }) });
      return { items: page.items.map((d) => presentDelivery(d)), nextCursor: page.nextCursor };
    },
  );
  app.get(
    '/api/v1/deliveries/:id',
    { config: { permission: 'deliveries.manage' }, schema: { tags: dtags, summary: 'A delivery with every attempt and the channel response', params: IdParams, response: { 200: DeliveryView, ...errorResponses } } },
    async (req) => {
      const r = await n.getDelivery(req.params.id);
      return presentDelivery(r.delivery, r.attempts);
    },
  );
  app.post(
    '/api/v1/deliveries/:id/retry',
    { config: { permission: 'deliveries.manage' }, schema: { tags: dtags, summary: 'Send a failed or dead delivery again now', params: IdParams, response: { 200: DeliveryView, ...errorResponses } } },
    async (req) => {
      const r = await n.retryDelivery(req.params.id);
      return presentDelivery(r.delivery, r.attempts);
    },
  );

  // ------------------------------------------------------------------ admin: webhooks
  const wtags = ['webhooks'];
  const WebhookInput = Type.Object(
    {
      url: Type.String({ minLength: 8, maxLength: 2000 }),
      events: Type.Array(EventName, { minItems: 1, maxItems: 50, description: "event names, 'escalation.*' or '*'" }),
      active: Type.Optional(Type.Boolean()),
      retryWindowHours: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 168 }), Type.Null()], { description: 'how long a failing delivery is retried before it is dead (hours, 1–168); null: the default, 24' })),
    },
    { additionalProperties: false },
  );
  app.get('/api/v1/webhooks', { config: { permission: 'settings.manage' }, schema: { tags: wtags, summary: 'Webhook subscriptions', response: { 200: Type.Object({ items: Type.Array(WebhookView) }), ...errorResponses } } }, async () => ({
    items: (await n.listWebhooks()).map((r) => presentWebhook(r)),
  }));
  app.post(
    '/api/v1/webhooks',
    { config: { permission: 'settings.manage' }, schema: { tags: wtags, summary: 'Subscribe a URL to events; the signing secret is returned once', body: WebhookInput, response: { 201: WebhookView, ...errorResponses } } },
    async (req, reply) => {
      const r = await n.createWebhook(req.body, auditActor(req));
      return reply.status(201).send(presentWebhook(r.row, r.secret));
    },
  );
  app.patch(
    '/api/v1/webhooks/:id',
    {
      config: { permission: 'settings.manage' },
      schema: { tags: wtags, summary: 'Change a subscription (rotateSecret returns a new secret once)', params: IdParams, body: Type.Composite([Type.Partial(WebhookInput), Type.Object({ rotateSecret: Type.Optional(Type.Boolean()) })], { additionalProperties: false }), response: { 200: WebhookView, ...errorResponses } },
    },
    async (req) => {
      const r = await n.updateWebhook(req.params.id, req.body, auditActor(req));
      return presentWebhook(r.row, r.secret);
    },
  );
  app.delete('/api/v1/webhooks/:id', { config: { permission: 'settings.manage' }, schema: { tags: wtags, summary: 'Remove a subscription', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await n.deleteWebhook(req.params.id, auditActor(req));
    return reply.status(204).send(null);
  });

  // ------------------------------------------------------------------ admin: team channels
  app.get('/api/v1/team-channels', { config: { permission: 'settings.manage' }, schema: { tags, summary: "Teams' Slack and Microsoft Teams channels (secrets never shown)", response: { 200: Type.Object({ items: Type.Array(TeamChannelView) }), ...errorResponses } } }, async () => ({
    items: (await n.listTeamChannels()).map(presentTeamChannel),
  }));
  app.post(
    '/api/v1/team-channels',
    {
      config: { permission: 'settings.manage' },
      schema: {
        tags,
        summary: "Add a chat channel to a team: slack_webhook {url}, slack_bot {token, channel}, teams_webhook {url}; optional locale and timeZone of the messages",
        body: Type.Object(
          {
            teamId: Id,
            kind: OneOf(TEAM_CHANNEL_KINDS),
            label: Type.Optional(Type.String({ maxLength: 100 })),
            config: Type.Object(
              {
                url: Type.Optional(Type.String({ maxLength: 2000 })),
                token: Type.Optional(Type.String({ maxLength: 500 })),
                channel: Type.Optional(Type.String({ maxLength: 100 })),
                locale: Type.Optional(OneOf(['ja', 'en'] as const)),
                timeZone: Type.Optional(Type.String({ maxLength: 64 })),
              },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: TeamChannelView, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(presentTeamChannel(await n.createTeamChannel(req.body, auditActor(req)))),
  );
  app.delete('/api/v1/team-channels/:id', { config: { permission: 'settings.manage' }, schema: { tags, summary: 'Remove a team channel', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await n.deleteTeamChannel(req.params.id, auditActor(req));
    return reply.status(204).send(null);
  });

  // ------------------------------------------------------------------ admin: templates
  app.get('/api/v1/notification-templates', { config: { permission: 'settings.manage' }, schema: { tags, summary: 'Edited templates (events without one use the defaults)', response: { 200: Type.Object({ items: Type.Array(TemplateView) }), ...errorResponses } } }, async () => ({
    items: (await n.listTemplates()).map(presentTemplate),
  }));
  app.get(
    '/api/v1/notification-templates/:event/:locale',
    { config: { permission: 'settings.manage' }, schema: { tags, summary: 'The template in use for an event and language', params: TemplateParams, response: { 200: TemplateView, ...errorResponses } } },
    async (req) => {
      const edited = (await n.listTemplates()).find((t) => t.event === req.params.event && t.language === req.params.locale);
      if (edited) return presentTemplate(edited);
      return { event: req.params.event, locale: req.params.locale, ...n.defaultTemplate(req.params.event, req.params.locale), edited: false, updatedAt: null };
    },
  );
  app.put(
    '/api/v1/notification-templates/:event/:locale',
    {
      config: { permission: 'settings.manage' },
      schema: { tags, summary: 'Replace a template (Handlebars); errors are reported now, with line and column', params: TemplateParams, body: TemplateBody, response: { 200: TemplateView, ...errorResponses } },
    },
    async (req) => presentTemplate(await n.putTemplate(req.principal!.userId, req.params.event, req.params.locale, req.body, auditActor(req))),
  );
  app.delete('/api/v1/notification-templates/:event/:locale', { config: { permission: 'settings.manage' }, schema: { tags, summary: 'Go back to the default template', params: TemplateParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await n.deleteTemplate(req.params.event, req.params.locale, auditActor(req));
    return reply.status(204).send(null);
  });

  // ------------------------------------------------------------------ Slack interactivity (public, signed)
  void app.register(async (scope) => {
    // Slack signs the raw form body: keep it as a string in this scope only.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post(
      '/api/v1/integrations/slack/commands',
      {
        config: { public: true },
        schema: {
          tags: ['integrations'],
          summary: "Slack slash command '/escalon link': answers privately with a one-time link to confirm in Escalon; verified with the signing secret",
          response: { 200: Type.Object({ text: Type.String(), response_type: Type.String() }), ...errorResponses },
        },
      },
      async (req) => {
        const raw = typeof req.body === 'string' ? req.body : '';
        return { ...(await n.slackCommand(raw, req.headers)), response_type: 'ephemeral' };
      },
    );
    scope.post(
      '/api/v1/integrations/slack/interactions',
      {
        config: { public: true },
        schema: {
          tags: ['integrations'],
          summary: "Slack interactivity (Acknowledge button); verified with the app's signing secret and a fresh timestamp",
          response: { 200: Type.Object({ text: Type.String(), response_type: Type.String(), replace_original: Type.Boolean() }), ...errorResponses },
        },
      },
      async (req) => {
        const raw = typeof req.body === 'string' ? req.body : '';
        const r = await n.slackInteraction(raw, req.headers);
        return { text: r.text, response_type: 'ephemeral', replace_original: false };
      },
    );
  });
}
