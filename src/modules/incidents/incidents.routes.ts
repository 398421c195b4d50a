import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, Nullable, OneOf, Page, PageQuery, errorResponses } from '../../http/schemas.js';
import { auditActor } from '../audit/index.js';
import {
  AudienceSchema,
  CustomerView,
  EventView,
  ImpactSchema,
  IncidentView,
  Link,
  LinkedTicketView,
  Localised,
  RcaView,
  RoleSchema,
  SeveritySchema,
  TaskStateSchema,
  TaskView,
  UpdateStateSchema,
  UpdateView,
} from './incidents.presenter.js';
import { INCIDENT_STATES, SEVERITIES, SLA_RULES } from './incidents.types.js';

const tags = ['incidents'];
const Instant = Type.String({ format: 'date-time', description: 'ISO-8601 instant' });
const ServiceRef = Type.Object({ id: Id, impact: ImpactSchema }, { additionalProperties: false });
const TicketIds = Type.Array(Id, { minItems: 1, maxItems: 1000, description: 'ticket ids (a queue selection)' });
const TicketParams = Type.Object({ id: Id, ticketId: Id }, { additionalProperties: false });
const TaskParams = Type.Object({ id: Id, taskId: Id }, { additionalProperties: false });
const Minutes = Type.Integer({ minimum: 1, maximum: 100_000 });
const SeverityDef = Type.Object(
  {
    meaning: Localised,
    firstInternalMinutes: Minutes,
    firstCustomerMinutes: Minutes,
    updateIntervalMinutes: Minutes,
    resolveTargetMinutes: Minutes,
    escalationPathId: Type.Optional(Nullable(Type.String({ format: 'uuid', description: 'the escalation path taken when the resolution target passes; null or absent: the workspace default (escalationPathId)' }))),
  },
  { additionalProperties: false },
);
const Settings = Type.Object(
  {
    severities: Type.Object(Object.fromEntries(SEVERITIES.map((s) => [s, SeverityDef])) as Record<(typeof SEVERITIES)[number], typeof SeverityDef>, { additionalProperties: false }),
    commanderAfterMinutes: Minutes,
    slaRule: OneOf(SLA_RULES, { description: 'SLA clocks of linked tickets: pause while linked, or continue' }),
    candidates: Type.Object(
      { minTickets: Type.Integer({ minimum: 2, maximum: 1000 }), windowMinutes: Minutes, subjectSimilarity: Type.Number({ minimum: 0.1, maximum: 1 }) },
      { additionalProperties: false },
    ),
    escalationPathId: Type.Optional(Nullable(Type.String({ format: 'uuid', description: 'the escalation path an incident takes when it passes its resolution target (null: none), unless its severity names one' }))),
    outreachTeamId: Type.Optional(
      Nullable(Type.String({ format: 'uuid', description: "the team of outreach tickets (opened for affected customers who never wrote in) when no affected service has an owner team and the commander is in no team; null or absent: none" })),
    ),
  },
  { additionalProperties: false },
);
const Sections = Type.Object(
  { occurred: Type.Optional(Type.String({ maxLength: 20000 })), impact: Type.Optional(Type.String({ maxLength: 20000 })), cause: Type.Optional(Type.String({ maxLength: 20000 })), response: Type.Optional(Type.String({ maxLength: 20000 })), prevention: Type.Optional(Type.String({ maxLength: 20000 })) },
  { additionalProperties: false },
);
const Subscribers = Type.Object({ userIds: Type.Optional(Type.Array(Id, { maxItems: 500 })), teamIds: Type.Optional(Type.Array(Id, { maxItems: 100 })) }, { additionalProperties: false });

export function incidentsRoutes(app: AppInstance): void {
  const inc = app.deps.incidents;
  const read = { permission: 'incidents.read' as const };
  const write = { permission: 'incidents.write' as const };

  app.get('/api/v1/incidents/settings', { config: read, schema: { tags, summary: 'Severities (meaning, cadence and resolution targets), the SLA rule of linked tickets, candidate thresholds', response: { 200: Settings, ...errorResponses } } }, () => inc.settings());
  app.put(
    '/api/v1/incidents/settings',
    { config: { permission: 'settings.manage' }, schema: { tags, summary: 'Replace the incident settings (administrators; audited)', body: Settings, response: { 200: Settings, ...errorResponses } } },
    (req) => inc.putSettings(req.body, auditActor(req)),
  );
  app.get(
    '/api/v1/incidents/candidates',
    {
      config: { permission: 'incidents.declare' },
      schema: {
        tags,
        summary: 'Suggested incidents: clusters of new tickets (same category or product, or similar subjects) over the workspace thresholds',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ reason: Type.Object({ kind: Type.String(), value: Type.String() }), firstAt: Type.String(), lastAt: Type.String(), tickets: Type.Array(Type.Object({ id: Type.String(), number: Type.Integer(), subject: Type.String() })) })),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const items = await inc.candidates();
      // Only tickets the supervisor may see are shown (and a cluster needs them all to be declared at once).
      const visible = await app.deps.tickets.access.visibleIds(req.principal!, items.flatMap((c) => c.tickets.map((t) => t.id)));
      return { items: items.map((c) => ({ ...c, tickets: c.tickets.filter((t) => visible.has(t.id)) })).filter((c) => c.tickets.length > 0) };
    },
  );
  app.get(
    '/api/v1/incidents',
    {
      config: read,
      schema: { tags, summary: 'Incidents, newest first', querystring: Type.Object({ ...PageQuery, state: Type.Optional(OneOf(INCIDENT_STATES)) }, { additionalProperties: false }), response: { 200: Page(IncidentView), ...errorResponses } },
    },
    (req) => inc.list({ states: req.query.state ? [req.query.state] : undefined, limit: req.query.limit ?? 50, cursor: req.query.cursor }),
  );
  app.post(
    '/api/v1/incidents',
    {
      config: { permission: 'incidents.declare' },
      schema: {
        tags,
        summary: 'Declare a major incident, from a ticket or a selection of tickets (supervisors and above)',
        body: Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 300 }),
            summary: Type.Optional(Type.String({ maxLength: 20000 })),
            severity: SeveritySchema,
            ticketIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
            services: Type.Optional(Type.Array(ServiceRef, { maxItems: 100 })),
            startedAt: Type.Optional(Instant),
            problemRef: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'the problem record (e.g. PRB0012 in the ITSM tool)' }))),
            links: Type.Optional(Type.Array(Link, { maxItems: 50 })),
            internalOnly: Type.Optional(Type.Boolean({ description: 'never on the status page, never told to customers' })),
            commanderId: Type.Optional(Id),
            subscribers: Type.Optional(Subscribers),
          },
          { additionalProperties: false },
        ),
        response: { 201: IncidentView, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await inc.declare(req.principal!, req.body, auditActor(req))),
  );
  app.get('/api/v1/incidents/:id', { config: read, schema: { tags, summary: 'Get an incident', params: IdParams, response: { 200: IncidentView, ...errorResponses } } }, (req) => inc.get(req.params.id));
  app.patch(
    '/api/v1/incidents/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change an active incident (title, summary, severity, problem record, links, affected services)',
        params: IdParams,
        body: Type.Object(
          { title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })), summary: Type.Optional(Type.String({ maxLength: 20000 })), severity: Type.Optional(SeveritySchema), problemRef: Type.Optional(Nullable(Type.String({ maxLength: 200 }))), links: Type.Optional(Type.Array(Link, { maxItems: 50 })), services: Type.Optional(Type.Array(ServiceRef, { maxItems: 100 })) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: IncidentView, ...errorResponses },
      },
    },
    (req) => inc.change(req.principal!, req.params.id, req.body),
  );
  app.get(
    '/api/v1/incidents/:id/tickets',
    { config: read, schema: { tags, summary: 'Linked tickets the caller may see', params: IdParams, querystring: Type.Object(PageQuery, { additionalProperties: false }), response: { 200: Page(LinkedTicketView), ...errorResponses } } },
    (req) => inc.linkedTickets(req.principal!, req.params.id, { limit: req.query.limit ?? 50, cursor: req.query.cursor }),
  );
  app.post(
    '/api/v1/incidents/:id/tickets',
    { config: write, schema: { tags, summary: 'Link tickets (write access to each is needed)', params: IdParams, body: Type.Object({ ticketIds: TicketIds }, { additionalProperties: false }), response: { 200: IncidentView, ...errorResponses } } },
    (req) => inc.link(req.principal!, req.params.id, req.body.ticketIds),
  );
  app.get(
    '/api/v1/incidents/:id/suggested-tickets',
    {
      config: read,
      schema: {
        tags,
        summary: 'New tickets that look like part of the incident (subject, category, product, organisation), for linking',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), number: Type.Integer(), subject: Type.String(), reasons: Type.Array(Type.String({ description: 'subject, category, product or organization' })) })) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await inc.suggestions(req.principal!, req.params.id) }),
  );
  app.patch(
    '/api/v1/incidents/:id/tickets/:ticketId',
    {
      config: write,
      schema: { tags, summary: 'Leave a linked ticket out of the resolution reply (it needs personal follow-up)', params: TicketParams, body: Type.Object({ excludeFromResolution: Type.Boolean() }, { additionalProperties: false }), response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      await inc.setExcluded(req.principal!, req.params.id, req.params.ticketId, req.body.excludeFromResolution);
      return reply.status(204).send(null);
    },
  );
  app.delete('/api/v1/incidents/:id/tickets/:ticketId', { config: write, schema: { tags, summary: 'Unlink a ticket', params: TicketParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await inc.unlink(req.principal!, req.params.id, req.params.ticketId);
    return reply.status(204).send(null);
  });
  app.get(
    '/api/v1/tickets/:id/incidents',
    { config: { permission: 'tickets.read' }, schema: { tags: ['tickets', 'incidents'], summary: "The incidents a ticket is linked to, with their latest public update (the ticket's banner)", params: IdParams, response: { 200: Type.Object({ items: Type.Array(IncidentView) }), ...errorResponses } } },
    async (req) => ({ items: await inc.incidentsOfTicket(req.principal!, req.params.id) }),
  );

  const CustomersList = Type.Object({ audiences: Type.Array(Type.Object({ kind: Type.String(), ref: Type.String() })), items: Type.Array(CustomerView) });
  const AudienceBody = Type.Object({ kind: OneOf(['organization', 'tier'] as const), ref: Type.String({ minLength: 1, maxLength: 100, description: 'an organisation id, or a tier (standard, silver, gold, platinum)' }) }, { additionalProperties: false });
  app.get('/api/v1/incidents/:id/customers', { config: { permission: 'customers.read' }, schema: { tags, summary: 'Affected customers (from linked tickets, organisations and tiers), with their language', params: IdParams, response: { 200: CustomersList, ...errorResponses } } }, (req) => inc.affectedCustomers(req.params.id));
  app.post('/api/v1/incidents/:id/audiences', { config: write, schema: { tags, summary: 'Add affected customers by organisation or tier', params: IdParams, body: AudienceBody, response: { 200: CustomersList, ...errorResponses } } }, (req) => inc.addAudience(req.principal!, req.params.id, req.body));
  app.delete(
    '/api/v1/incidents/:id/audiences/:kind/:ref',
    { config: write, schema: { tags, summary: 'Remove an organisation or tier from the affected customers', params: Type.Object({ id: Id, kind: Type.String({ maxLength: 20 }), ref: Type.String({ maxLength: 100 }) }), response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await inc.removeAudience(req.principal!, req.params.id, req.params);
      return reply.status(204).send(null);
    },
  );
  app.get('/api/v1/incidents/:id/subscribers', { config: read, schema: { tags, summary: 'Internal stakeholders told of every update', params: IdParams, response: { 200: Subscribers, ...errorResponses } } }, (req) => inc.subscribers(req.params.id));
  app.put('/api/v1/incidents/:id/subscribers', { config: write, schema: { tags, summary: 'Replace the internal stakeholders (people and teams)', params: IdParams, body: Subscribers, response: { 200: Subscribers, ...errorResponses } } }, (req) => inc.setSubscribers(req.principal!, req.params.id, req.body));

  app.put(
    '/api/v1/incidents/:id/roles/:role',
    {
      config: write,
      schema: { tags, summary: 'Assign or hand over a task force role (recorded); null stands the role down', params: Type.Object({ id: Id, role: RoleSchema }), body: Type.Object({ userId: Nullable(Id) }, { additionalProperties: false }), response: { 200: IncidentView, ...errorResponses } },
    },
    (req) => inc.assignRole(req.principal!, req.params.id, req.params.role, req.body.userId),
  );

  const TaskKind = OneOf(['action', 'corrective'] as const, { description: 'action plan task, or an RCA corrective action' });
  app.get('/api/v1/incidents/:id/tasks', { config: read, schema: { tags, summary: 'The action plan (or, kind=corrective, the corrective actions)', params: IdParams, querystring: Type.Object({ kind: Type.Optional(TaskKind) }, { additionalProperties: false }), response: { 200: Type.Object({ items: Type.Array(TaskView) }), ...errorResponses } } }, async (req) => ({ items: await inc.tasks(req.params.id, req.query.kind) }));
  app.post(
    '/api/v1/incidents/:id/tasks',
    { config: write, schema: { tags, summary: 'Add a task; its owner is reminded at its due time', params: IdParams, body: Type.Object({ kind: Type.Optional(TaskKind), title: Type.String({ minLength: 1, maxLength: 500 }), ownerId: Type.Optional(Nullable(Id)), dueAt: Type.Optional(Nullable(Instant)) }, { additionalProperties: false }), response: { 201: TaskView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await inc.addTask(req.principal!, req.params.id, req.body)),
  );
  app.patch(
    '/api/v1/incidents/:id/tasks/:taskId',
    { config: write, schema: { tags, summary: 'Change a task (owner, due time, state)', params: TaskParams, body: Type.Object({ title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), ownerId: Type.Optional(Nullable(Id)), dueAt: Type.Optional(Nullable(Instant)), state: Type.Optional(TaskStateSchema) }, { additionalProperties: false, minProperties: 1 }), response: { 200: TaskView, ...errorResponses } } },
    (req) => inc.changeTask(req.principal!, req.params.id, req.params.taskId, req.body),
  );

  app.get('/api/v1/incidents/:id/updates', { config: read, schema: { tags, summary: 'Updates, newest first', params: IdParams, response: { 200: Type.Object({ items: Type.Array(UpdateView) }), ...errorResponses } } }, async (req) => ({ items: await inc.updates(req.params.id) }));
  app.post(
    '/api/v1/incidents/:id/updates',
    {
      config: write,
      schema: {
        tags,
        summary: 'Post an update in Japanese and English: staff hear of it; a public one is also a reply on every linked ticket (in the customer\'s language) and on the status page',
        params: IdParams,
        body: Type.Object({ state: UpdateStateSchema, body: Localised, audience: AudienceSchema, nextUpdateAt: Type.Optional(Nullable(Instant)) }, { additionalProperties: false }),
        response: { 201: UpdateView, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await inc.postUpdate(req.principal!, req.params.id, req.body)),
  );
  app.get('/api/v1/incidents/:id/timeline', { config: read, schema: { tags, summary: "The incident's events in order (the RCA timeline)", params: IdParams, response: { 200: Type.Object({ items: Type.Array(EventView) }), ...errorResponses } } }, async (req) => ({ items: await inc.events(req.params.id) }));
  app.post(
    '/api/v1/incidents/:id/resolve',
    {
      config: write,
      schema: {
        tags,
        summary: 'Declare the resolution (commander or manager): every linked ticket gets it as a reply and is solved, unless excluded; the task force stands down; services return',
        params: IdParams,
        body: Type.Object({ resolution: Localised, excludeTicketIds: Type.Optional(Type.Array(Id, { maxItems: 10000 })) }, { additionalProperties: false }),
        response: { 200: IncidentView, ...errorResponses },
      },
    },
    (req) => inc.resolve(req.principal!, req.params.id, req.body),
  );
  app.post('/api/v1/incidents/:id/close', { config: { permission: 'incidents.approve' }, schema: { tags, summary: 'Close a resolved incident whose RCA is approved (managers)', params: IdParams, response: { 200: IncidentView, ...errorResponses } } }, (req) => inc.close(req.principal!, req.params.id));

  app.post(
    '/api/v1/incidents/:id/rca',
    { config: { permission: 'incidents.declare' }, schema: { tags, summary: 'Request the RCA of a resolved incident, with an owner and due date (the owner is reminded when it is overdue)', params: IdParams, body: Type.Object({ ownerId: Id, dueAt: Instant }, { additionalProperties: false }), response: { 201: RcaView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await inc.requestRca(req.principal!, req.params.id, req.body)),
  );
  app.get('/api/v1/incidents/:id/rca', { config: read, schema: { tags, summary: 'The RCA: internal fields and the customer-facing report', params: IdParams, response: { 200: RcaView, ...errorResponses } } }, (req) => inc.rca(req.params.id));
  app.patch(
    '/api/v1/incidents/:id/rca',
    {
      config: write,
      schema: {
        tags,
        summary: 'Write the RCA; submit=true sends it for a manager\'s review (every customer section in both languages needed)',
        params: IdParams,
        body: Type.Object(
          {
            internal: Type.Optional(Type.Object({ summary: Type.Optional(Type.String({ maxLength: 20000 })), rootCause: Type.Optional(Type.String({ maxLength: 20000 })), contributingFactors: Type.Optional(Type.String({ maxLength: 20000 })), wentWell: Type.Optional(Type.String({ maxLength: 20000 })), wentBadly: Type.Optional(Type.String({ maxLength: 20000 })), notes: Type.Optional(Type.String({ maxLength: 20000 })) }, { additionalProperties: false })),
            customer: Type.Optional(Type.Object({ ja: Type.Optional(Sections), en: Type.Optional(Sections) }, { additionalProperties: false })),
            submit: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: RcaView, ...errorResponses },
      },
    },
    (req) => inc.saveRca(req.principal!, req.params.id, req.body as never),
  );
  app.post('/api/v1/incidents/:id/rca/approve', { config: { permission: 'incidents.approve' }, schema: { tags, summary: 'Approve the customer-facing RCA (managers)', params: IdParams, response: { 200: RcaView, ...errorResponses } } }, (req) => inc.approveRca(req.principal!, req.params.id));
  app.post('/api/v1/incidents/:id/rca/share', { config: { permission: 'incidents.approve' }, schema: { tags, summary: 'Share the approved report: on the status page and by mail to its subscribers', params: IdParams, response: { 200: RcaView, ...errorResponses } } }, (req) => inc.shareRca(req.principal!, req.params.id));
  app.get(
    '/api/v1/incidents/:id/rca/report',
    {
      config: read,
      schema: { tags, summary: 'The customer-facing report (障害報告書) as printable HTML or Markdown', params: IdParams, querystring: Type.Object({ lang: Type.Optional(OneOf(['ja', 'en'] as const)), format: Type.Optional(OneOf(['html', 'md'] as const)) }, { additionalProperties: false }), response: { 200: Type.String(), ...errorResponses } },
    },
    async (req, reply) => {
      const inc0 = await inc.get(req.params.id);
      const r = await inc.rcaRow(req.params.id);
      const format = req.query.format ?? 'html';
      const body = app.deps.statusPage.report(inc0.title, r.customer, req.query.lang ?? 'ja', format);
      return reply.type(format === 'md' ? 'text/markdown; charset=utf-8' : 'text/html; charset=utf-8').send(body);
    },
  );
}
