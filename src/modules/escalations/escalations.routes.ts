/** HTTP: escalating a ticket, the draft the console pre-fills, and the escalation lifecycle. */
import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, OneOf, PageQuery, Page, errorResponses } from '../../http/schemas.js';
import { TargetSchema, MatchFactView } from '../paths/index.js';
import { TraceFactView } from '../oncall/index.js';
import { BriefSchema, ReturnSchema } from './escalation.schema.js';
import { LEVEL_KINDS } from '../paths/index.js';
import { ESCALATION_STATUSES } from './escalation.types.js';
import { AwaitingReplyItem, ESCALATION_MESSAGE_KINDS, EscalationMessageView, EscalationView } from './escalations.presenter.js';

// Every brief field may be left out (category and temperature come from the ticket, the
// background from the timeline); a level's required fields are then checked by name.
const BriefInput = Type.Partial(
  Type.Object(
    {
      ...BriefSchema.properties,
      impact: Type.Partial(BriefSchema.properties.impact, { additionalProperties: false }),
    },
    { additionalProperties: false },
  ),
  { additionalProperties: false },
);

const Person = Type.Object({ id: Type.String(), name: Type.String() });
const TicketSummary = Type.Object({ id: Type.String(), number: Type.Integer(), subject: Type.String(), status: Type.String(), priority: Type.String(), createdAt: Type.String(), updatedAt: Type.String() });
const DraftView = Type.Object({
  ticketId: Type.String(),
  suggestedPathId: Type.Union([Type.String(), Type.Null()]),
  matches: Type.Array(Type.Object({ pathId: Type.String(), pathName: Type.String(), version: Type.Integer(), score: Type.Integer(), reasons: Type.Array(Type.String()), facts: Type.Array(MatchFactView) })),
  path: Type.Union([
    Type.Object({
      id: Type.String(),
      version: Type.Integer(),
      name: Type.String(),
      purpose: Type.String(),
      levels: Type.Array(Type.Object({ levelIndex: Type.Integer(), name: Type.String(), kind: Type.String() })),
    }),
    Type.Null(),
  ]),
  level: Type.Union([
    Type.Object({
      levelIndex: Type.Integer(),
      name: Type.String(),
      kind: Type.String(),
      contact: Type.Object({ department: Type.Union([Type.String(), Type.Null()]), person: Type.Union([Type.String(), Type.Null()]), phone: Type.Union([Type.String(), Type.Null()]), email: Type.Union([Type.String(), Type.Null()]) }),
      ackTimeoutSeconds: Type.Integer(),
      ackDueAt: Type.String(),
      requiredBriefFields: Type.Array(Type.String()),
      targets: Type.Array(Type.Object({ key: Type.String(), receivers: Type.Array(Person), trace: Type.Array(Type.String()), traceFacts: Type.Array(TraceFactView) })),
    }),
    Type.Null(),
  ]),
  brief: BriefSchema,
  direct: Type.Object(
    {
      mySupervisors: Type.Array(Person, { description: 'who "my supervisor" reaches (empty: none of your teams names one)' }),
      teams: Type.Array(Person, { description: 'teams a direct escalation can reach' }),
      people: Type.Array(Person, { description: 'active people a direct escalation can reach' }),
    },
    { description: 'direct escalation without a path (offered when no path applies)' },
  ),
  customerTickets: Type.Object({ open: Type.Array(TicketSummary), recent: Type.Array(TicketSummary) }),
});

const Note = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export function escalationsRoutes(app: AppInstance): void {
  const escalations = app.deps.escalations;
  const tags = ['escalations'];

  app.post(
    '/api/v1/tickets/:id/escalations',
    {
      config: { permission: 'escalations.write' },
      schema: {
        tags,
        summary: 'Escalate a ticket along a path (from a level) or to a direct target, with the brief',
        params: IdParams,
        body: Type.Object(
          {
            pathId: Type.Optional(Id),
            levelIndex: Type.Optional(Type.Integer({ minimum: 0, description: 'start at this level of the path (default 0)' })),
            target: Type.Optional(TargetSchema),
            to: Type.Optional(OneOf(['my_supervisor'] as const, { description: 'direct escalation to the supervisors of your teams (their managers when no supervisor is named); 409 when there is none' })),
            kind: Type.Optional(OneOf(LEVEL_KINDS, { description: 'direct escalations: functional or hierarchical' })),
            ackTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 30 * 86400, description: 'direct escalations: time to acknowledge (default 1800)' })),
            brief: Type.Optional(BriefInput),
          },
          { additionalProperties: false },
        ),
        response: { 201: EscalationView, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await escalations.escalate(req.principal!, req.params.id, req.body)),
  );

  app.get(
    '/api/v1/tickets/:id/escalations/draft',
    {
      config: { permission: 'escalations.write' },
      schema: {
        tags,
        summary: 'What escalating would look like: suggested path, pre-filled brief, customer tickets, contact and deadline',
        params: IdParams,
        querystring: Type.Object({ pathId: Type.Optional(Id), levelIndex: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
        response: { 200: DraftView, ...errorResponses },
      },
    },
    (req) => escalations.draft(req.principal!, req.params.id, req.query.pathId, req.query.levelIndex),
  );

  app.get(
    '/api/v1/escalations',
    {
      config: { permission: 'escalations.read' },
      schema: {
        tags,
        summary: 'List escalations, newest first',
        querystring: Type.Object(
          {
            ...PageQuery,
            state: Type.Optional(OneOf(ESCALATION_STATUSES)),
            target: Type.Optional(OneOf(['me'] as const, { description: 'only escalations currently addressed to me' })),
            team: Type.Optional(OneOf(['mine'] as const, { description: 'only escalations whose targets name one of my teams' })),
            pathId: Type.Optional(Id),
            level: Type.Optional(Type.Integer({ minimum: 0 })),
            overdue: Type.Optional(Type.Boolean({ description: 'requested and past the acknowledgement deadline' })),
            requestedBy: Type.Optional(OneOf(['me'] as const, { description: 'only escalations I raised' })),
            ticketId: Type.Optional(Id),
            customer: Type.Optional(Type.String({ format: 'uuid', description: "only escalations of this customer's tickets" })),
            open: Type.Optional(Type.Boolean({ description: 'only escalations still running (pending, requested, acknowledged)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(EscalationView), ...errorResponses },
      },
    },
    (req) => escalations.list(req.principal!, { ...req.query, limit: req.query.limit ?? 50 }),
  );

  app.get(
    '/api/v1/me/awaiting-reply',
    {
      config: { permission: 'escalations.read' },
      schema: {
        tags,
        summary: 'Tickets awaiting your reply to the customer: escalations you raised that were resolved, until an agent replies publicly or the ticket is solved',
        response: { 200: Type.Object({ items: Type.Array(AwaitingReplyItem) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await escalations.awaitingReply(req.principal!) }),
  );

  app.get(
    '/api/v1/escalations/:id',
    { config: { permission: 'escalations.read' }, schema: { tags, summary: 'Get an escalation (brief first)', params: IdParams, response: { 200: EscalationView, ...errorResponses } } },
    (req) => escalations.get(req.principal, req.params.id),
  );

  app.post(
    '/api/v1/escalations/:id/acknowledge',
    {
      config: { permission: 'escalations.write' },
      schema: {
        tags,
        summary: 'Acknowledge (take ownership); stops reminders and advancement for your target',
        params: IdParams,
        body: Type.Optional(Type.Object({ targetKey: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false })),
        response: { 200: EscalationView, ...errorResponses },
      },
    },
    (req) => escalations.acknowledge(req.principal!, req.params.id, req.body?.targetKey),
  );

  app.post(
    '/api/v1/escalations/:id/return',
    { config: { permission: 'escalations.write' }, schema: { tags, summary: 'Return it (差し戻し) with a reason', params: IdParams, body: ReturnSchema, response: { 200: EscalationView, ...errorResponses } } },
    (req) => escalations.returnEscalation(req.principal!, req.params.id, req.body.reason, req.body.text),
  );

  app.post(
    '/api/v1/escalations/:id/resolve',
    {
      config: { permission: 'escalations.write' },
      schema: {
        tags,
        summary: 'Resolve the escalation with the answer for the person who escalated',
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { answer: Type.Optional(Type.String({ maxLength: 20000, description: 'required for functional escalations; optional for hierarchical ones' })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: EscalationView, ...errorResponses },
      },
    },
    (req) => escalations.resolve(req.principal!, req.params.id, req.body?.answer),
  );

  app.post(
    '/api/v1/escalations/:id/advance',
    { config: { permission: 'escalations.write' }, schema: { tags, summary: 'Escalate further: reach the next level now', params: IdParams, body: Type.Optional(Note), response: { 200: EscalationView, ...errorResponses } } },
    (req) => escalations.advance(req.principal!, req.params.id, req.body?.reason),
  );

  app.get(
    '/api/v1/escalations/:id/messages',
    { config: { permission: 'escalations.read' }, schema: { tags, summary: 'The conversation on an open escalation (information added, questions asked), oldest first', params: IdParams, response: { 200: Type.Object({ items: Type.Array(EscalationMessageView) }), ...errorResponses } } },
    async (req) => ({ items: await escalations.messages(req.principal, req.params.id) }),
  );

  app.post(
    '/api/v1/escalations/:id/messages',
    {
      config: { permission: 'escalations.write' },
      schema: {
        tags,
        summary: 'Add information (the person who escalated) or ask a question (a receiver) without returning the escalation; the other side is told',
        params: IdParams,
        body: Type.Object(
          {
            body: Type.String({ minLength: 1, maxLength: 20000 }),
            kind: Type.Optional(Type.Union(ESCALATION_MESSAGE_KINDS.map((k) => Type.Literal(k)), { description: 'default: info from the person who escalated, question from a receiver' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: EscalationMessageView, ...errorResponses },
      },
    },
    async (req, reply) => {
      const m = await escalations.addMessage(req.principal!, req.params.id, { body: req.body.body, kind: req.body.kind });
      return reply.code(201).send(m);
    },
  );

  app.post(
    '/api/v1/escalations/:id/cancel',
    { config: { permission: 'escalations.write' }, schema: { tags, summary: 'Cancel the escalation', params: IdParams, response: { 200: EscalationView, ...errorResponses } } },
    (req) => escalations.cancel(req.principal!, req.params.id),
  );
}
