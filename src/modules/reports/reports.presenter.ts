import { Type } from '@sinclair/typebox';
import { OneOf } from '../../http/schemas.js';
import { EscalationView } from '../escalations/index.js';
import { TicketView } from '../tickets/index.js';
import { toCsv } from './reports.csv.js';
import { DASHBOARD_FIGURES, DASHBOARD_PERIODS } from './reports.dashboard.js';

const BilingualSchema = Type.Object({ ja: Type.String(), en: Type.String() });
const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()]);

export const ReportListView = Type.Object({
  items: Type.Array(
    Type.Object({
      name: Type.String(),
      family: OneOf(['tickets', 'escalations', 'sla', 'csat', 'hands', 'incidents'] as const),
      title: BilingualSchema,
      definition: Type.Object({ ja: Type.String(), en: Type.String() }, { description: "how each number is computed: the console's help" }),
      groupBys: Type.Array(Type.String()),
      defaultGroupBy: Type.String(),
      drills: OneOf(['tickets', 'escalations', 'incidents'] as const),
      filters: Type.Array(OneOf(['team', 'path', 'category', 'priority', 'channel'] as const), { description: 'the filters the report applies; another one is refused with 400' }),
      chart: Type.Optional(OneOf(['count', 'duration_ms', 'duration_s', 'percent'] as const, { description: 'the kind of measure the console charts' })),
    }),
  ),
  timeZone: Type.String({ description: "the report calendar's time zone: a date in `from` / `to` is midnight there, and days and weeks are cut there" }),
});

export const ReportResultSchema = Type.Object({
  report: Type.String(),
  title: BilingualSchema,
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  groupBy: Type.String(),
  timeZone: Type.String({ description: 'days and weeks are cut in this zone (the report calendar)' }),
  columns: Type.Array(Type.Object({ key: Type.String(), kind: OneOf(['dimension', 'count', 'duration_ms', 'duration_s', 'percent'] as const, { description: 'duration_ms: milliseconds; duration_s: seconds (raise hand)' }), label: BilingualSchema })),
  rows: Type.Array(Type.Object({ bucket: Type.String({ description: 'drill=<bucket> lists what is behind the row' }) }, { additionalProperties: Cell })),
});

export const DrillResultSchema = Type.Object({
  report: Type.String(),
  bucket: Type.String(),
  kind: OneOf(['tickets', 'escalations', 'incidents'] as const),
  total: Type.Integer({ description: 'how many are behind the bucket; the lists hold the first 200' }),
  tickets: Type.Array(TicketView),
  escalations: Type.Array(EscalationView),
  incidents: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), severity: Type.String(), state: Type.String(), declaredAt: Type.String({ format: 'date-time' }) })),
});

const TICKET_HEADER = {
  ja: ['番号', '件名', '状態', '優先度', 'カテゴリ', '製品', 'チャネル', 'チームID', '担当者ID', 'タグ', '作成日時', '更新日時', '解決日時'],
  en: ['Number', 'Subject', 'Status', 'Priority', 'Category', 'Product', 'Channel', 'Team id', 'Assignee id', 'Tags', 'Created', 'Updated', 'Solved'],
};

/** A ticket view as CSV rows (the same columns in both languages). */
export function ticketCsv(items: readonly TicketView[], lang: 'ja' | 'en', bom: boolean): string {
  return toCsv(
    TICKET_HEADER[lang],
    items.map((t) => [t.number, t.subject, t.status, t.priority, t.category, t.product, t.channel, t.teamId, t.assigneeId, t.tags.join(' '), t.createdAt, t.updatedAt, t.solvedAt]),
    { bom },
  );
}

const DashboardFigureSchema = Type.Object({
  key: OneOf(DASHBOARD_FIGURES),
  kind: OneOf(['count', 'percent', 'duration_ms'] as const),
  value: Type.Union([Type.Number(), Type.Null()], { description: 'null: nothing to measure yet (no acknowledgement, no rating)' }),
  report: Type.String({ description: "the report behind the figure (GET /api/v1/reports/{report}); 'hands': GET /api/v1/hands/report" }),
  groupBy: Type.String(),
  bucket: Type.Union([Type.String(), Type.Null()], { description: 'drill=<bucket> on the report lists what is behind the figure; null: open the report' }),
});

export const DashboardSchema = Type.Object({
  timeZone: Type.String({ description: "the reader's time zone: today and this week are cut in it" }),
  weekStartsOn: OneOf(['monday'] as const, { description: 'weeks are ISO weeks, as in the reports' }),
  now: Type.String({ format: 'date-time' }),
  periods: Type.Array(
    Type.Object({
      period: OneOf(DASHBOARD_PERIODS),
      from: Type.String({ format: 'date-time' }),
      to: Type.String({ format: 'date-time' }),
      figures: Type.Array(DashboardFigureSchema, { description: 'hands_within_target only for supervisors, managers and administrators' }),
    }),
  ),
  nearing: Type.Array(Type.Object({ bucket: Type.String(), openClocks: Type.Integer() }), { description: 'running SLA clocks now by the share of their target used (sla.nearing)' }),
  days: Type.Array(Type.Object({ day: Type.String(), created: Type.Integer(), solved: Type.Integer(), backlog: Type.Integer() }), { description: 'this week per day (tickets.volume)' }),
});
