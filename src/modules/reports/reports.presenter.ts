import { Type } from '@sinclair/typebox';
import { OneOf } from '../../http/schemas.js';
import { EscalationView } from '../escalations/index.js';
import { TicketView } from '../tickets/index.js';
import { toCsv } from './reports.csv.js';

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
