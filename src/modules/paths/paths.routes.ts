/** HTTP: escalation paths (versions, review, simulator) and the playbook. */
import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, OneOf, Page, PageQuery, errorResponses } from '../../http/schemas.js';
import { ChannelSchema, PathDefinitionSchema, PrioritySchema, TemperatureSchema } from './path.schema.js';
import { PathDiffView, PathVersionView, PathView, SimulationView } from './paths.presenter.js';
import { PLAYBOOK_CSP, renderPlaybookHtml, renderPlaybookMarkdown } from './playbook.presenter.js';

const Reason = Type.Optional(Type.String({ maxLength: 2000, description: 'why this version was saved (shown in the version history)' }));
const PathBody = Type.Object({ ...PathDefinitionSchema.properties, reason: Reason }, { additionalProperties: false });
const NoContent = { 204: Type.Null() };

export function pathsRoutes(app: AppInstance): void {
  const paths = app.deps.escalationPaths;
  const tags = ['escalation paths'];

  app.get(
    '/api/v1/escalation-paths',
    {
      config: { permission: 'escalations.read' },
      schema: {
        tags,
        summary: 'List escalation paths',
        querystring: Type.Object(
          {
            active: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'paths per page (default: every path in one page)' })),
            cursor: PageQuery.cursor,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(PathView), ...errorResponses },
      },
    },
    (req) => paths.list(req.query),
  );

  app.post(
    '/api/v1/escalation-paths',
    { config: { permission: 'paths.manage' }, schema: { tags, summary: 'Create an escalation path (version 1)', body: PathBody, response: { 201: PathView, ...errorResponses } } },
    async (req, reply) => {
      const { reason, ...def } = req.body;
      return reply.status(201).send(await paths.create(req.principal!, def, reason));
    },
  );

  app.get(
    '/api/v1/escalation-paths/reviews/due',
    { config: { permission: 'escalations.read' }, schema: { tags, summary: 'Paths whose periodic review is due', response: { 200: Type.Object({ items: Type.Array(PathView) }), ...errorResponses } } },
    () => paths.dueReviews(),
  );

  app.post(
    '/api/v1/escalation-paths/simulate',
    {
      config: { permission: 'escalations.read' },
      schema: {
        tags,
        summary: 'Simulate: which path a ticket would match, and who would be reached when',
        body: Type.Object(
          {
            ticket: Type.Object(
              {
                subject: Type.String({ maxLength: 500 }),
                body: Type.Optional(Type.String({ maxLength: 100_000 })),
                category: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
                product: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
                tags: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
                priority: Type.Optional(PrioritySchema),
                channel: Type.Optional(ChannelSchema),
                customerTier: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
                temperature: Type.Optional(TemperatureSchema),
                teamId: Type.Optional(Type.Union([Id, Type.Null()])),
                assigneeId: Type.Optional(Type.Union([Id, Type.Null()])),
              },
              { additionalProperties: false },
            ),
            arrivalAt: Type.Optional(Type.String({ format: 'date-time', description: 'when the ticket arrives (default now)' })),
            pathId: Type.Optional(Id),
            levelIndex: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: SimulationView, ...errorResponses },
      },
    },
    (req) => paths.simulate(req.body),
  );

  app.get(
    '/api/v1/escalation-paths/:id',
    { config: { permission: 'escalations.read' }, schema: { tags, summary: 'Get an escalation path (current version)', params: IdParams, response: { 200: PathView, ...errorResponses } } },
    (req) => paths.get(req.params.id),
  );

  app.put(
    '/api/v1/escalation-paths/:id',
    { config: { permission: 'paths.manage' }, schema: { tags, summary: 'Save a new version of a path', params: IdParams, body: PathBody, response: { 200: PathView, ...errorResponses } } },
    (req) => {
      const { reason, ...def } = req.body;
      return paths.update(req.principal!, req.params.id, def, reason);
    },
  );

  app.delete(
    '/api/v1/escalation-paths/:id',
    {
      config: { permission: 'paths.manage' },
      schema: {
        tags,
        summary: 'Delete a path (running escalations keep their version; history stays)',
        params: IdParams,
        querystring: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { ...NoContent, ...errorResponses },
      },
    },
    async (req, reply) => {
      await paths.remove(req.principal!, req.params.id, req.query.reason);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/escalation-paths/:id/versions',
    { config: { permission: 'escalations.read' }, schema: { tags, summary: 'Every saved version, newest first', params: IdParams, response: { 200: Type.Object({ items: Type.Array(PathVersionView) }), ...errorResponses } } },
    (req) => paths.versions(req.params.id),
  );

  app.get(
    '/api/v1/escalation-paths/:id/versions/diff',
    {
      config: { permission: 'escalations.read' },
      schema: {
        tags,
        summary: 'Field-level changes between two versions',
        params: IdParams,
        querystring: Type.Object({ from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 200: PathDiffView, ...errorResponses },
      },
    },
    (req) => paths.diff(req.params.id, req.query.from, req.query.to),
  );

  const Count = Type.Integer({ minimum: 0 });
  app.get(
    '/api/v1/escalation-paths/:id/evidence',
    {
      config: { permission: 'escalations.read' },
      schema: {
        tags,
        summary: 'Evidence for the periodic review: use, acknowledgement speed, returns by reason (misroutes, unnecessary), ping-pong; only escalations of tickets the reader may see count',
        params: IdParams,
        querystring: Type.Object({ since: Type.Optional(Type.String({ format: 'date-time', description: 'default: the last review, or one review interval back' })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            pathId: Type.String(),
            since: Type.String(),
            escalations: Count,
            byTrigger: Type.Record(Type.String(), Count),
            byStatus: Type.Record(Type.String(), Count),
            acknowledged: Count,
            acknowledgedInTime: Count,
            medianAckSeconds: Type.Union([Type.Number(), Type.Null()]),
            returned: Type.Object({ not_needed: Count, wrong_target: Count, missing_information: Count }),
            misroutes: Count,
            unnecessary: Count,
            advancedPastFirstLevel: Count,
            pingPong: Count,
          }),
          ...errorResponses,
        },
      },
    },
    (req) => paths.evidence(req.params.id, req.query.since ? Date.parse(req.query.since) : undefined, (rows) => app.deps.tickets.access.filter(req.principal!, rows, (r) => r.ticket_id)),
  );

  app.post(
    '/api/v1/escalation-paths/:id/review',
    { config: { permission: 'paths.manage' }, schema: { tags, summary: 'Mark the path reviewed now (records who and when)', params: IdParams, response: { 200: PathView, ...errorResponses } } },
    (req) => paths.review(req.principal!, req.params.id),
  );

  app.get(
    '/api/v1/playbook',
    {
      config: { permission: 'escalations.read' },
      schema: {
        tags,
        summary: 'The playbook of every active path (HTML, or Markdown with ?format=md), in the reader’s language',
        querystring: Type.Object(
          { format: Type.Optional(OneOf(['html', 'md'] as const)), lang: Type.Optional(OneOf(['ja', 'en'] as const)) },
          { additionalProperties: false },
        ),
        response: { 200: Type.String(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const lang = req.query.lang ?? req.principal!.locale;
      const { paths: list, directory, rows, calendarNames, articles } = await paths.playbookData();
      const reader = { timeZone: req.principal!.timeZone, calendarNames, articles, consoleUrl: app.deps.config.publicUrl };
      const now = app.deps.clock.now();
      const due = new Map(rows.map((r) => [r.id, Number(r.review_due_at)]));
      if (req.query.format === 'md') return reply.type('text/markdown; charset=utf-8').send(renderPlaybookMarkdown(list, directory, lang, now, due, reader));
      return reply.type('text/html; charset=utf-8').header('content-security-policy', PLAYBOOK_CSP).send(renderPlaybookHtml(list, directory, lang, now, due, reader));
    },
  );
}
