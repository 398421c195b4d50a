import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { OneOf, errorResponses } from '../../http/schemas.js';
import { ChannelSchema, PrioritySchema, StatusSchema, TicketView } from '../tickets/index.js';
import { DashboardSchema, ReportListView, ReportResultSchema, DrillResultSchema, ticketCsv } from './reports.presenter.js';
import type { ReportQuery } from './reports.service.js';
import { DASHBOARD_FIGURES, DASHBOARD_PERIODS } from './reports.dashboard.js';

const Label = Type.String({ minLength: 1, maxLength: 100 });
const Uuid = Type.String({ format: 'uuid' });
const Lang = OneOf(['ja', 'en'] as const, { description: "language of the CSV header; default: the reader's" });
const Bom = Type.Boolean({ default: true, description: 'CSV only: start with a UTF-8 byte-order mark (default true, so Japanese Excel reads UTF-8); bom=false gives plain UTF-8' });

const ReportQuerystring = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40, description: 'start (inclusive): YYYY-MM-DD (00:00 in the time zone of the report calendar, which cuts the days of the report) or an ISO-8601 instant; default: 30 days before `to`' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'end (exclusive); default: now. At most 400 days after `from`' })),
    team: Type.Optional(Type.Array(Uuid, { maxItems: 20, description: "the ticket's team (several: any of them)" })),
    path: Type.Optional(Type.String({ format: 'uuid', description: 'escalation path: escalations on it, tickets escalated on it' })),
    category: Type.Optional(Label),
    priority: Type.Optional(PrioritySchema),
    channel: Type.Optional(ChannelSchema),
    groupBy: Type.Optional(Type.String({ maxLength: 30, pattern: '^[a-z_]+$', description: "one of the report's groupBys (GET /api/v1/reports)" })),
    format: Type.Optional(OneOf(['json', 'csv'] as const, { default: 'json' })),
    bom: Type.Optional(Bom),
    lang: Type.Optional(Lang),
    drill: Type.Optional(Type.String({ maxLength: 200, description: 'a row\'s bucket: the tickets or escalations behind it (first 200) instead of the report' })),
  },
  { additionalProperties: false },
);

const queryOf = (q: { from?: string; to?: string; team?: string[]; path?: string; category?: string; priority?: string; channel?: string; groupBy?: string }): ReportQuery => ({
  from: q.from,
  to: q.to,
  groupBy: q.groupBy,
  filters: { teamIds: q.team, pathId: q.path, category: q.category, priority: q.priority, channel: q.channel },
});

const attachment = (filename: string) => `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`;

export function reportsRoutes(app: AppInstance): void {
  const { reports } = app.deps;

  app.get(
    '/api/v1/reports',
    {
      config: { permission: 'tickets.read' },
      schema: { tags: ['reports'], summary: 'The reports: names, titles and definitions (ja/en), group-bys', response: { 200: ReportListView, ...errorResponses } },
    },
    async (req) => ({ items: reports.list(req.principal!), timeZone: (await reports.facts.calendar()).timezone }),
  );

  app.get(
    '/api/v1/reports/dashboard',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['reports'],
        summary: "The supervisor's dashboard: today's and this week's first figures (reader's time zone, weeks from Monday), each with the report and bucket behind it; only tickets the reader may see count",
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: DashboardSchema, ...errorResponses },
      },
    },
    (req) => reports.dashboard(req.principal!),
  );

  app.get(
    '/api/v1/reports/dashboard/drill',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['reports'],
        summary: 'The tickets or escalations behind one figure of the dashboard (first 200; the reader\'s visible ones only)',
        querystring: Type.Object({ period: OneOf(DASHBOARD_PERIODS), figure: OneOf(DASHBOARD_FIGURES) }, { additionalProperties: false }),
        response: { 200: DrillResultSchema, ...errorResponses },
      },
    },
    (req) => reports.dashboardDrill(req.principal!, req.query.period, req.query.figure),
  );

  // Before /reports/:name so "tickets.csv" is this route, not a report name.
  app.get(
    '/api/v1/reports/tickets.csv',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['reports'],
        summary: 'A ticket view as CSV (the filters of GET /api/v1/tickets; at most 10,000 rows), UTF-8 with BOM unless bom=false',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Array(StatusSchema, { maxItems: 20 })),
            priority: Type.Optional(Type.Array(PrioritySchema, { maxItems: 20 })),
            team: Type.Optional(Type.Array(Type.String({ description: 'team id, or "mine"' }), { maxItems: 20 })),
            assignee: Type.Optional(Type.String({ description: 'user id, "me", or "none"' })),
            category: Type.Optional(Type.Array(Label, { maxItems: 20 })),
            channel: Type.Optional(ChannelSchema),
            tag: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 })),
            text: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            sort: Type.Optional(OneOf(['created', '-created', 'updated', '-updated'] as const, { default: '-created' })),
            bom: Type.Optional(Bom),
            lang: Type.Optional(Lang),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.String({ description: 'text/csv' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const me = req.principal!.userId;
      let teamIds = q.team;
      if (teamIds?.includes('mine')) teamIds = [...teamIds.filter((t) => t !== 'mine'), ...(await app.deps.teamIdsOfUser(me))];
      const filter = {
        status: q.status,
        priority: q.priority,
        teamId: teamIds,
        assigneeId: q.assignee === 'me' ? me : q.assignee === 'none' ? undefined : q.assignee,
        unassigned: q.assignee === 'none',
        category: q.category,
        channel: q.channel,
        tag: q.tag?.map((t) => t.toLowerCase()),
        text: q.text,
      };
      const items: TicketView[] = [];
      let cursor: string | undefined;
      do {
        const page = await app.deps.tickets.list(req.principal, filter, { limit: 200, cursor, sort: q.sort });
        items.push(...(page.items as TicketView[]));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < 10_000);
      const lang = q.lang ?? req.principal!.locale;
      const body = ticketCsv(items.slice(0, 10_000), lang, q.bom !== false);
      return reply.type('text/csv; charset=utf-8').header('Content-Disposition', attachment('tickets.csv')).send(Buffer.from(body, 'utf8'));
    },
  );

  app.get(
    '/api/v1/reports/:name',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags: ['reports'],
        summary: 'Run one report (JSON or CSV), or drill into one of its buckets; only tickets the reader may see count',
        params: Type.Object({ name: Type.String({ maxLength: 60, pattern: '^[a-z_.]+$' }) }, { additionalProperties: false }),
        querystring: ReportQuerystring,
        response: { 200: Type.Union([ReportResultSchema, DrillResultSchema]), ...errorResponses },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const viewer = req.principal!;
      if (q.drill !== undefined) return reports.drill(viewer, req.params.name, queryOf(q), q.drill);
      if (q.format === 'csv') {
        const csv = await reports.csv(viewer, req.params.name, queryOf(q), q.lang ?? viewer.locale, q.bom !== false);
        return reply.type('text/csv; charset=utf-8').header('Content-Disposition', attachment(csv.filename)).send(Buffer.from(csv.body, 'utf8'));
      }
      return reports.run(viewer, req.params.name, queryOf(q));
    },
  );
}
