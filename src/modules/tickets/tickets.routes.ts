import { auditActor } from '../audit/index.js';
import { invalid } from '../../lib/errors.js';
import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, OneOf, Page, PageQuery, errorResponses, Nullable } from '../../http/schemas.js';
import { BULK_MAX_IDS } from './tickets.policy.js';
import { TICKET_LIST_FILTERS, ticketFilterOf } from './ticket-filters.js';
import { PREVIEW_TYPES } from './attachment.policy.js';
import { AttachmentView, ChannelSchema, PrioritySchema, StatusSchema, TemperatureSchema, TicketView, TimelineEventView } from './tickets.presenter.js';

const Label = Type.String({ minLength: 1, maxLength: 100 });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50 });
const Uuid = Type.String({ format: 'uuid' });
const Cc = Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 50, description: 'addresses copied on public replies to the customer' });

const editable = {
  subject: Type.String({ minLength: 1, maxLength: 500 }),
  status: StatusSchema,
  priority: PrioritySchema,
  category: Nullable(Label),
  product: Nullable(Label),
  tags: Tags,
  teamId: Nullable(Uuid),
  assigneeId: Nullable(Uuid),
  requesterId: Nullable(Uuid),
  temperature: TemperatureSchema,
  cc: Cc,
};

const CreateTicket = Type.Object(
  {
    subject: editable.subject,
    description: Type.Optional(Type.String({ maxLength: 100_000, description: "the inquiry; recorded as the requester's first message" })),
    status: Type.Optional(StatusSchema),
    priority: Type.Optional(PrioritySchema),
    category: Type.Optional(editable.category),
    product: Type.Optional(editable.product),
    tags: Type.Optional(Tags),
    channel: Type.Optional(ChannelSchema),
    requesterId: Type.Optional(editable.requesterId),
    requesterEmail: Type.Optional(Type.String({ maxLength: 254, description: 'finds or creates the customer by email' })),
    requesterName: Type.Optional(Type.String({ maxLength: 200 })),
    teamId: Type.Optional(editable.teamId),
    assigneeId: Type.Optional(editable.assigneeId),
    temperature: Type.Optional(TemperatureSchema),
    cc: Type.Optional(Cc),
  },
  { additionalProperties: false },
);


export function ticketsRoutes(app: AppInstance): void {
  const { tickets, attachments } = app.deps;

  app.post(
    '/api/v1/tickets',
    { config: { permission: 'tickets.write' }, schema: { tags: ['tickets'], summary: 'Create a ticket', body: CreateTicket, response: { 201: TicketView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await tickets.create(req.principal, req.body)),
  );

  app.get(
    '/api/v1/tickets',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['tickets'],
        summary: 'List tickets (queues): filter, search, sort, paginate with cursors',
        querystring: Type.Object(
          {
            ...PageQuery,
            ...TICKET_LIST_FILTERS,
            sort: Type.Optional(OneOf(['created', '-created', 'updated', '-updated'] as const, { default: '-created' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(TicketView), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      return tickets.list(
        req.principal,
        await ticketFilterOf(q, req.principal!.userId, app.deps.teamIdsOfUser, app.deps.clock.now()),
        { limit: q.limit ?? 50, cursor: q.cursor, sort: q.sort },
      );
    },
  );

  app.post(
    '/api/v1/tickets/bulk',
    {
      config: { permission: 'tickets.write' },
      schema: {
        tags: ['tickets'],
        summary: `Change many tickets at once (assign, team, status, priority, tags): each ticket changes as with PATCH, on its own timeline; the result says per ticket whether it changed (at most ${BULK_MAX_IDS})`,
        body: Type.Object(
          {
            ids: Type.Array(Uuid, { minItems: 1, maxItems: BULK_MAX_IDS, uniqueItems: true, description: 'the selection' }),
            changes: Type.Object(
              {
                status: Type.Optional(editable.status),
                priority: Type.Optional(editable.priority),
                teamId: Type.Optional(editable.teamId),
                assigneeId: Type.Optional(editable.assigneeId),
                addTags: Type.Optional(Tags),
                removeTags: Type.Optional(Tags),
              },
              { additionalProperties: false, minProperties: 1 },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            updated: Type.Integer({ description: 'tickets changed' }),
            unchanged: Type.Integer({ description: 'tickets that already had these values' }),
            failed: Type.Integer(),
            results: Type.Array(
              Type.Object({
                id: Type.String(),
                ok: Type.Boolean(),
                number: Type.Optional(Type.Integer()),
                version: Type.Optional(Type.Integer()),
                changed: Type.Optional(Type.Integer({ description: 'fields changed on this ticket (0: it already had these values)' })),
                error: Type.Optional(Type.Object({ code: Type.String({ description: 'not_found (no such ticket, or not visible to you), conflict (closed, or changed at the same moment), forbidden (read-only for you)' }), message: Type.String(), details: Type.Optional(Type.Unknown()) })),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const results = await tickets.bulkUpdate(req.principal!, req.body.ids, req.body.changes);
      return {
        updated: results.filter((r) => r.ok && r.changed > 0).length,
        unchanged: results.filter((r) => r.ok && r.changed === 0).length,
        failed: results.filter((r) => !r.ok).length,
        results,
      };
    },
  );

  app.get(
    '/api/v1/tickets/by-number/:number',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['tickets'],
        summary: 'The ticket a number leads to: the number of a merged ticket leads to the ticket it was merged into (via lists the numbers passed)',
        params: Type.Object({ number: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ ticket: TicketView, via: Type.Array(Type.Integer()) }), ...errorResponses },
      },
    },
    (req) => app.deps.ticketMerge.resolveNumber(req.principal!, req.params.number),
  );

  app.post(
    '/api/v1/tickets/:id/merge',
    {
      config: { permission: 'tickets.write' },
      schema: {
        tags: ['tickets'],
        summary: "Merge this ticket into another: its messages, notes, files and CCs go onto the target's timeline (marked merged), it is closed pointing at the target, its requester is told once; 409 different_customer unless confirmDifferentCustomer",
        params: IdParams,
        body: Type.Object({ into: Uuid, confirmDifferentCustomer: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Object({ source: TicketView, target: TicketView, movedMessages: Type.Integer() }), ...errorResponses },
      },
    },
    (req) => app.deps.ticketMerge.merge(req.principal!, req.params.id, req.body),
  );

  app.get(
    '/api/v1/tickets/:id',
    { config: { permission: 'tickets.read' }, schema: { tags: ['tickets'], summary: 'Get a ticket, with its SLA clocks', params: IdParams, response: { 200: TicketView, ...errorResponses } } },
    async (req) => {
      const view = await tickets.get(req.principal, req.params.id);
      const slaClocks = await app.deps.slaClocksFor?.(req.params.id);
      return slaClocks ? { ...view, slaClocks } : view;
    },
  );

  app.patch(
    '/api/v1/tickets/:id',
    {
      config: { permission: 'tickets.write' },
      schema: {
        tags: ['tickets'],
        summary: 'Change ticket fields; each change is recorded on the timeline',
        params: IdParams,
        body: Type.Object(
          {
            subject: Type.Optional(editable.subject),
            status: Type.Optional(editable.status),
            priority: Type.Optional(editable.priority),
            category: Type.Optional(editable.category),
            product: Type.Optional(editable.product),
            tags: Type.Optional(editable.tags),
            teamId: Type.Optional(editable.teamId),
            assigneeId: Type.Optional(editable.assigneeId),
            requesterId: Type.Optional(editable.requesterId),
            temperature: Type.Optional(editable.temperature),
            cc: Type.Optional(editable.cc),
            expectedVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'refuse with 409 if the ticket changed since this version' })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: TicketView, ...errorResponses },
      },
    },
    (req) => tickets.update(req.principal, req.params.id, req.body),
  );

  app.post(
    '/api/v1/tickets/:id/messages',
    {
      config: { permission: 'tickets.write' },
      schema: {
        tags: ['tickets'],
        summary: 'Add a public reply or an internal note',
        params: IdParams,
        body: Type.Object(
          {
            body: Type.String({ minLength: 1, maxLength: 100_000 }),
            visibility: OneOf(['public', 'internal'] as const, { description: 'public: a reply the customer sees; internal: a note for staff' }),
            bodyFormat: Type.Optional(OneOf(['text', 'markdown'] as const, { description: 'text (default): shown as written; markdown: rendered in the console and mailed as HTML plus a plain-text part' })),
            attachmentIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, uniqueItems: true, description: 'files uploaded to this ticket (POST …/attachments) to send with the message' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: TimelineEventView, ...errorResponses },
      },
    },
    async (req, reply) => {
      const max = attachments.limits.maxCount;
      if ((req.body.attachmentIds?.length ?? 0) > max) throw invalid([{ field: 'attachmentIds', message: `at most ${max} files go with one message`, code: 'attachment_too_many', params: { max } }]);
      const event = await tickets.addMessage(req.principal!, req.params.id, req.body);
      const delivery = (await app.deps.deliveriesFor?.([event.id]))?.get(event.id);
      return reply.status(201).send(delivery ? { ...event, delivery } : event);
    },
  );

  app.get(
    '/api/v1/tickets/:id/timeline',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['tickets'],
        summary: 'The append-only timeline of a ticket, oldest first',
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, visibility: Type.Optional(Type.Literal('public')) }, { additionalProperties: false }),
        response: { 200: Page(TimelineEventView), ...errorResponses },
      },
    },
    async (req) => {
      const page = await tickets.timeline(req.principal, req.params.id, { limit: req.query.limit ?? 100, cursor: req.query.cursor, publicOnly: req.query.visibility === 'public' });
      const replies = page.items.filter((e) => e.kind === 'message.added' && e.visibility === 'public' && e.author.type === 'user').map((e) => e.id);
      const deliveries = replies.length > 0 ? await app.deps.deliveriesFor?.(replies) : undefined;
      return deliveries ? { ...page, items: page.items.map((e) => (deliveries.has(e.id) ? { ...e, delivery: deliveries.get(e.id)! } : e)) } : page;
    },
  );

  app.register(async (scope) => {
    // Raw uploads: the body is the file itself (streamed to disk by the service, never buffered
    // whole); the filename travels in the query string.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    (scope as unknown as AppInstance).post(
      '/api/v1/tickets/:id/attachments',
      {
        config: { permission: 'tickets.write' },
        schema: {
          tags: ['tickets'],
          summary: 'Upload an attachment: the request body is the file; Content-Type is its declared type (the stored type is sniffed from the bytes)',
          description: 'Refused with 413 payload_too_large (details.code attachment_too_large) above the size limit and 415 unsupported_media_type (details.code attachment_type_not_allowed) for a type not allowed; GET /api/v1/attachments/limits tells both.',
          params: IdParams,
          querystring: Type.Object({ filename: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false }),
          response: { 201: AttachmentView, ...errorResponses },
        },
      },
      async (req, reply) => {
        const declaredType = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim() || 'application/octet-stream';
        const length = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
        const body = req.body as NodeJS.ReadableStream | undefined;
        try {
          return reply.status(201).send(await attachments.store(req.principal, req.params.id, { filename: req.query.filename, declaredType, declaredLength: Number.isFinite(length) ? length : null, content: (body ?? []) as AsyncIterable<Buffer> }, { source: 'upload' }));
        } catch (err) {
          // What the client still sends is read and dropped, so it gets the answer instead of a reset.
          (body as { resume?: () => void } | undefined)?.resume?.();
          throw err;
        }
      },
    );
  });

  app.get(
    '/api/v1/attachments/limits',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['tickets'],
        summary: 'What may be uploaded: the largest file, files per message, the allowed types (the console says so before uploading)',
        response: {
          200: Type.Object({
            maxBytes: Type.Integer({ description: 'ESCALON_ATTACHMENT_MAX_BYTES' }),
            maxCount: Type.Integer({ description: 'files per reply or note (ESCALON_ATTACHMENT_MAX_COUNT)' }),
            allowedTypes: Type.Array(Type.String(), { description: 'MIME types or type/* patterns; * allows any (ESCALON_ATTACHMENT_TYPES)' }),
            previewTypes: Type.Array(Type.String(), { description: 'types shown inline as images; all others are downloaded' }),
          }),
          ...errorResponses,
        },
      },
    },
    async () => ({ ...attachments.limits, previewTypes: [...PREVIEW_TYPES] }),
  );

  app.get(
    '/api/v1/tickets/:id/attachments',
    { config: { permission: 'tickets.read' }, schema: { tags: ['tickets'], summary: "List a ticket's attachments", params: IdParams, response: { 200: Type.Object({ items: Type.Array(AttachmentView) }), ...errorResponses } } },
    async (req) => ({ items: await attachments.list(req.principal, req.params.id) }),
  );

  app.get(
    '/api/v1/attachments/:id',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['tickets'],
        summary: 'Download an attachment',
        description: 'Raster images (png, jpeg, gif, webp) are sent inline for previews unless download=1; every other type (HTML and SVG included) only as a download, sandboxed and never sniffed by the browser.',
        params: IdParams,
        querystring: Type.Object({ download: Type.Optional(Type.Literal('1', { description: 'send even an image as a download' })) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const inline = req.query.download !== '1';
      const f = await attachments.open(req.principal, req.params.id, auditActor(req), { preview: inline });
      const disposition = f.previewable && inline ? 'inline' : 'attachment';
      reply
        .header('Content-Type', f.contentType)
        .header('Content-Length', f.size)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        // The bytes of an id never change: the browser keeps them (privately) instead of asking again.
        .header('Cache-Control', 'private, max-age=86400, immutable')
        .header('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
      return reply.send(f.stream);
    },
  );
}
