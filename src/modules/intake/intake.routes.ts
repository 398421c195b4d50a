import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { auditActor } from '../audit/index.js';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, Nullable, errorResponses } from '../../http/schemas.js';
import { contactPage, privateTicketPage, PAGE_HEADERS } from './web-form.js';
import { allowFraming } from '../../http/hardening.js';
import { PrioritySchema, TemperatureSchema, TicketView, presentTicket } from '../tickets/index.js';

const OneLine = (max: number) => Type.String({ maxLength: max });
const ContactBody = Type.Object(
  {
    name: OneLine(200),
    email: OneLine(254),
    subject: OneLine(500),
    message: Type.String({ maxLength: 20_000 }),
    locale: Type.Optional(Type.Union([Type.Literal('ja'), Type.Literal('en')])),
    website: Type.Optional(Type.String({ maxLength: 500, description: 'honeypot: leave empty' })),
  },
  { additionalProperties: false },
);
const ContactResult = Type.Object({
  received: Type.Boolean(),
  ticketNumber: Type.Optional(Type.Integer()),
  checkEmail: Type.Optional(Type.Boolean({ description: 'the private link (public timeline and replies) was mailed to the address given; it is never in this response' })),
});
const TokenParams = Type.Object({ token: Type.String({ minLength: 20, maxLength: 200 }) }, { additionalProperties: false });
const PublicTicket = Type.Object({
  number: Type.Integer(),
  subject: Type.String(),
  status: Type.String(),
  createdAt: Type.String(),
  messages: Type.Array(Type.Object({ id: Type.String(), from: Type.Union([Type.Literal('you'), Type.Literal('support')]), body: Type.String(), createdAt: Type.String() })),
});
const CallBody = Type.Object(
  {
    direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
    durationSeconds: Type.Integer({ minimum: 0, maximum: 24 * 3600 }),
    summary: Type.String({ minLength: 1, maxLength: 20_000 }),
    caller: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'who called or was called (name or number), when not simply the requester' }))),
  },
  { additionalProperties: false },
);
const CallView = Type.Object({ id: Type.String(), ticketId: Type.String(), kind: Type.String(), direction: Type.String(), durationSeconds: Type.Integer(), caller: Nullable(Type.String()), summary: Type.String(), createdAt: Type.String() });
const Uuid = Type.String({ format: 'uuid' });
const NewCallBody = Type.Object(
  {
    ...CallBody.properties,
    ticket: Type.Object(
      {
        subject: Type.String({ minLength: 1, maxLength: 500 }),
        priority: Type.Optional(PrioritySchema),
        category: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
        product: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
        tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50 })),
        teamId: Type.Optional(Nullable(Uuid)),
        assigneeId: Type.Optional(Nullable(Uuid)),
        temperature: Type.Optional(TemperatureSchema),
        requesterId: Type.Optional(Nullable(Uuid)),
        customer: Type.Optional(
          Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 200 }), email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))), phone: Type.Optional(Nullable(Type.String({ maxLength: 50 }))) },
            { additionalProperties: false, description: 'a caller who is not a customer yet (found by email when one is given)' },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
const OutboundUrl = Type.String({ format: 'uri', maxLength: 2000, pattern: '^https?://', description: 'where agents\' replies are POSTed, signed like Escalon\'s webhooks; null: replies cannot be delivered on this channel' });
const IntegrationView = Type.Object({ id: Type.String(), name: Type.String(), active: Type.Boolean(), outboundUrl: Nullable(Type.String()), webhookPath: Type.String(), createdAt: Type.String(), updatedAt: Type.String() });
const WebhookResult = Type.Object({ ticketId: Type.String(), ticketNumber: Type.Integer(), eventId: Type.String(), created: Type.Boolean(), duplicate: Type.Boolean({ description: 'true: this message (by messageId, or the same signed request) was taken in before; nothing new was added' }) });

const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/** Web form, private ticket link, phone log, messaging webhook and its admin CRUD. */
export function intakeRoutes(app: AppInstance): void {
  const { intake, messaging, config } = app.deps;

  app.post(
    '/api/v1/public/contact',
    {
      config: { public: true, rateLimit: { max: config.contactRateLimitPerMinute, timeWindow: 60_000 } },
      schema: { tags: ['intake'], summary: 'Contact form: opens a ticket (channel web) and mails the private link to the address given (never in the response)', body: ContactBody, response: { 201: ContactResult, 202: ContactResult, 429: Type.Ref('ErrorBody'), ...errorResponses } },
    },
    async (req, reply) => {
      const r = await intake.submitContact(req.body, { ip: req.ip });
      // A filled honeypot looks accepted to the bot; nothing is created.
      if (!r.accepted) return reply.status(202).send({ received: true });
      return reply.status(201).send({ received: true, ticketNumber: r.ticketNumber, checkEmail: true });
    },
  );

  app.get(
    '/api/v1/public/tickets/:token',
    { config: { public: true, rateLimit: { max: 120, timeWindow: 60_000 } }, schema: { tags: ['intake'], summary: "The requester's view of their ticket (public messages only); 410 link_expired once the link expired or was replaced", params: TokenParams, response: { 200: PublicTicket, 410: Type.Ref('ErrorBody'), ...errorResponses } } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return intake.publicTicket(req.params.token);
    },
  );

  app.post(
    '/api/v1/public/tickets/:token/replies',
    {
      config: { public: true, rateLimit: { max: config.contactRateLimitPerMinute * 2, timeWindow: 60_000 } },
      schema: { tags: ['intake'], summary: 'The requester replies on their ticket', params: TokenParams, body: Type.Object({ message: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false }), response: { 201: Type.Object({ id: Type.String() }), 410: Type.Ref('ErrorBody'), 429: Type.Ref('ErrorBody'), ...errorResponses } },
    },
    async (req, reply) => reply.status(201).send(await intake.publicReply(req.params.token, req.body.message)),
  );

  app.post(
    '/api/v1/tickets/:id/calls',
    { config: { permission: 'tickets.write' }, schema: { tags: ['tickets'], summary: 'Log a phone call on a ticket (timeline event call.logged)', params: IdParams, body: CallBody, response: { 201: CallView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await intake.logCall(req.principal!, req.params.id, req.body)),
  );

  app.post(
    '/api/v1/calls',
    {
      config: { permission: 'tickets.write' },
      schema: { tags: ['tickets'], summary: 'New call: open a ticket for the caller (channel phone) with the call logged on it; to log a call on an existing ticket use POST /api/v1/tickets/{id}/calls', body: NewCallBody, response: { 201: Type.Object({ ticket: TicketView, call: CallView }), ...errorResponses } },
    },
    async (req, reply) => {
      const r = await intake.newCall(req.principal!, req.body);
      return reply.status(201).send({ ticket: presentTicket(r.ticket), call: r.call });
    },
  );

  app.get(
    '/api/v1/messaging-integrations',
    { config: { permission: 'intake.manage' }, schema: { tags: ['intake'], summary: 'Messaging integrations (signed chat webhooks)', response: { 200: Type.Object({ items: Type.Array(IntegrationView) }), ...errorResponses } } },
    async () => ({ items: await messaging.list() }),
  );
  app.post(
    '/api/v1/messaging-integrations',
    {
      config: { permission: 'intake.manage' },
      schema: { tags: ['intake'], summary: 'Create a messaging integration; the signing secret is shown only in this response', body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), outboundUrl: Type.Optional(Nullable(OutboundUrl)) }, { additionalProperties: false }), response: { 201: Type.Composite([IntegrationView, Type.Object({ secret: Type.String() })]), ...errorResponses } },
    },
    async (req, reply) => reply.status(201).send(await messaging.create(req.body.name, req.body.outboundUrl ?? null, auditActor(req))),
  );
  app.patch(
    '/api/v1/messaging-integrations/:id',
    { config: { permission: 'intake.manage' }, schema: { tags: ['intake'], summary: 'Rename, (de)activate or set the outbound URL of a messaging integration', params: IdParams, body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), active: Type.Optional(Type.Boolean()), outboundUrl: Type.Optional(Nullable(OutboundUrl)) }, { additionalProperties: false }), response: { 200: IntegrationView, ...errorResponses } } },
    async (req) => messaging.update(req.params.id, req.body, auditActor(req)),
  );
  app.delete(
    '/api/v1/messaging-integrations/:id',
    { config: { permission: 'intake.manage' }, schema: { tags: ['intake'], summary: 'Delete a messaging integration', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await messaging.remove(req.params.id, auditActor(req));
      return reply.status(204).send(null);
    },
  );

  // The webhook needs the exact bytes that were signed: a scope whose JSON parser keeps them.
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      rawBodies.set(req, body as Buffer);
      done(null, undefined);
    });
    scope.post(
      '/api/v1/integrations/messaging/:id',
      {
        config: { public: true, rateLimit: { max: 600, timeWindow: 60_000 } },
        schema: {
          tags: ['intake'],
          summary: 'Signed chat/messaging webhook: {messageId?, conversationId, from {id, name, email?}, text, sentAt}; headers X-Escalon-Timestamp (within ±60 s) and X-Escalon-Signature (v1=HMAC-SHA256 of "<timestamp>.<raw body>"); a repeated messageId (or request) adds nothing',
          params: IdParams,
          response: { 200: WebhookResult, ...errorResponses },
        },
      },
      async (req) => messaging.receive((req.params as { id: string }).id, req.headers, rawBodies.get(req)),
    );
  });

  // Pages: the embeddable form and the requester's private ticket page (no console needed).
  app.get(
    '/contact',
    { config: { public: true }, schema: { hide: true, querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 5 })) }) } },
    async (req, reply) => {
      const p = contactPage(req.query.lang === 'en' ? 'en' : 'ja');
      // Embeddable: framing is allowed; scripts only by hash.
      allowFraming(reply);
      return reply.headers({ ...PAGE_HEADERS, 'content-security-policy': p.csp }).type('text/html; charset=utf-8').send(p.html);
    },
  );
  app.get(
    '/t/:token',
    { config: { public: true }, schema: { hide: true, params: Type.Object({ token: Type.String({ maxLength: 200 }) }), querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 5 })) }) } },
    async (req, reply) => {
      const p = privateTicketPage(req.query.lang === 'en' ? 'en' : 'ja');
      return reply
        .headers({ ...PAGE_HEADERS, 'content-security-policy': `${p.csp}; frame-ancestors 'none'`, 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' })
        .type('text/html; charset=utf-8')
        .send(p.html);
    },
  );
}
