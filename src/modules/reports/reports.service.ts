import { DateTime, IANAZone } from 'luxon';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, forbidden, invalid, notFound } from '../../lib/errors.js';
import type { CompiledCalendar } from '../calendars/index.js';
import { dashboardFigures, figureSource, type DashboardFigureKey, type DashboardPeriod, type DashboardRun, type DashboardView, type HandsWithinTarget } from './reports.dashboard.js';
import { can, type Principal } from '../auth/index.js';
import { presentTicket, toTicket, type TicketAccess, type TicketView } from '../tickets/index.js';
import { DAY_MS } from './reports.policy.js';
import { toCsv } from './reports.csv.js';
import type { ReportFacts } from './report-facts.service.js';
import { findReport, REPORTS } from './reports.registry.js';
import { incidentsByIds, ticketsByIds } from './reports.repository.js';
import { FILTER_NAMES, type Bilingual, type FilterName, type ReportColumn, type ReportDefinition, type ReportFilters, type ReportOutput, type ReportRow } from './reports.types.js';

export interface ReportQuery {
  from?: string;
  to?: string;
  groupBy?: string;
  filters: ReportFilters;
}

export interface ReportResultView {
  report: string;
  title: Bilingual;
  from: string;
  to: string;
  groupBy: string;
  timeZone: string;
  columns: ReportColumn[];
  rows: ReportRow[];
}

/** The longest range one report reads (the 90-day target with room for a quarter and a year). */
export const MAX_RANGE_DAYS = 400;
export const DEFAULT_RANGE_DAYS = 30;
/** Drill-downs list this many items at most (the total says how many there are). */
export const DRILL_LIMIT = 200;

const parseInstant = (field: string, v: string, zone: string): number => {
  // A bare date is the start of that day in the report calendar's zone (the zone the report cuts its days in: a Tokyo desk's
  // "7 December" is 00:00 JST, not 09:00); an instant is taken as it is.
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(v) ? DateTime.fromISO(v, { zone }).toMillis() : Date.parse(v);
  if (Number.isNaN(ms)) throw invalid([{ field, message: 'must be a date (YYYY-MM-DD) or an ISO-8601 instant', code: 'invalid_date_or_instant' }]);
  return ms;
};

/**
 * The group-bys of a report open to the viewer: per-person ones (def.personal) only for roles
 * that supervise escalations (supervisor, manager, admin) — an agent sees team and path figures,
 * not who let their acknowledgement timeouts expire.
 */
export function groupBysFor(viewer: Pick<Principal, 'role'>, def: Pick<ReportDefinition, 'groupBys' | 'personal'>): string[] {
  if (can(viewer.role, 'escalations.supervise')) return [...def.groupBys];
  return def.groupBys.filter((g) => !def.personal?.includes(g));
}

/** The filters a report applies: its own list, else every filter. */
const filtersOf = (def: Pick<ReportDefinition, 'filters'>): readonly FilterName[] => def.filters ?? FILTER_NAMES;
/** The query parameter of a filter (GET /api/v1/reports/{name}?team=…). */
const filterParam = (f: FilterName): string => (f === 'teamIds' ? 'team' : f === 'pathId' ? 'path' : f);
const present = (v: unknown) => v !== undefined && !(Array.isArray(v) && v.length === 0);

export class ReportsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: TicketAccess,
    readonly facts: ReportFacts,
    private readonly escalationViews: (viewer: Principal, ids: string[]) => Promise<unknown[]>,
    /** The raised hands claimed within target in a range (hands module; supervisors only). */
    private readonly handsWithinTarget?: HandsWithinTarget,
  ) {}

  /** The reports this viewer may run, with the group-bys open to them (see groupBysFor). */
  list(viewer: Principal) {
    return REPORTS.filter((r) => !r.permission || can(viewer.role, r.permission)).flatMap((r) => {
      const groupBys = groupBysFor(viewer, r);
      if (groupBys.length === 0) return [];
      const defaultGroupBy = groupBys.includes(r.defaultGroupBy) ? r.defaultGroupBy : groupBys[0]!;
      return [{ name: r.name, family: r.family, title: r.title, definition: r.definition, groupBys, defaultGroupBy, drills: r.drills, filters: [...filtersOf(r)].map(filterParam), ...(r.chart && { chart: r.chart }) }];
    });
  }

  private params(viewer: Principal, name: string, q: ReportQuery, zone: string) {
    const def = findReport(name);
    if (!def) throw notFound('Report', name);
    if (def.permission && !can(viewer.role, def.permission)) throw forbidden(`Report ${name} needs the ${def.permission} permission.`);
    const now = this.clock.now();
    const toMs = q.to === undefined ? now : parseInstant('to', q.to, zone);
    const fromMs = q.from === undefined ? toMs - DEFAULT_RANGE_DAYS * DAY_MS : parseInstant('from', q.from, zone);
    if (fromMs >= toMs) throw invalid([{ field: 'from', message: 'must be before to', code: 'start_not_before_end' }]);
    if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) throw invalid([{ field: 'from', message: `the range may span at most ${MAX_RANGE_DAYS} days`, code: 'range_too_long', params: { days: MAX_RANGE_DAYS } }]);
    const open = groupBysFor(viewer, def);
    if (open.length === 0) throw forbidden(`Report ${name} breaks figures down per person: supervisors, managers and administrators only.`);
    const groupBy = q.groupBy ?? (open.includes(def.defaultGroupBy) ? def.defaultGroupBy : open[0]!);
    if (def.groupBys.includes(groupBy) && !open.includes(groupBy)) throw forbidden(`Grouping ${name} by ${groupBy} shows figures per person: supervisors, managers and administrators only.`);
    if (!def.groupBys.includes(groupBy)) throw invalid([{ field: 'groupBy', message: `must be one of ${def.groupBys.join(', ')} for ${name}`, code: 'one_of', params: { values: def.groupBys.join(', ') } }]);
    const accepted = filtersOf(def);
    const refused = FILTER_NAMES.filter((f) => !accepted.includes(f) && present(q.filters[f]));
    if (refused.length)
      throw invalid(refused.map((f) => ({ field: filterParam(f), message: `${name} cannot be filtered by ${filterParam(f)} (it filters by: ${accepted.map(filterParam).join(', ') || 'nothing'})`, code: 'filter_not_applicable', params: { filter: filterParam(f) } })));
    return { def, fromMs, toMs, groupBy, now };
  }

  /** Runs a report: its figures only (`figures`, aggregated in SQL when the report has it), or with the drill-down lists. */
  private async execute(viewer: Principal, name: string, q: ReportQuery, zone: string | undefined, want: 'figures'): Promise<{ view: ReportResultView; def: ReportDefinition }>;
  private async execute(viewer: Principal, name: string, q: ReportQuery, zone: string | undefined, want: 'drill'): Promise<{ view: ReportResultView; out: ReportOutput; def: ReportDefinition }>;
  private async execute(viewer: Principal, name: string, q: ReportQuery, zone: string | undefined, want: 'figures' | 'drill') {
    const base = await this.facts.calendar();
    const cal = zone ? inZone(base, zone) : base;
    const p = this.params(viewer, name, q, cal.timezone);
    const scope = await this.access.scope(viewer);
    const ctx = { ex: this.db, scope, now: p.now, cal, fromMs: p.fromMs, toMs: p.toMs, filters: q.filters, groupBy: p.groupBy };
    const out = want === 'figures' && p.def.figures ? await p.def.figures(ctx) : await p.def.run(ctx);
    const view: ReportResultView = {
      report: name,
      title: p.def.title,
      from: new Date(p.fromMs).toISOString(),
      to: new Date(p.toMs).toISOString(),
      groupBy: p.groupBy,
      timeZone: cal.timezone,
      columns: out.columns,
      rows: out.rows,
    };
    return { view, out, def: p.def };
  }

  async run(viewer: Principal, name: string, q: ReportQuery): Promise<ReportResultView> {
    return (await this.execute(viewer, name, q, undefined, 'figures')).view;
  }

  /**
   * The supervisor's dashboard: the first figures of today and of this week, in the reader's
   * time zone (weeks start on Monday, as the reports' ISO weeks do), each from a report of the
   * registry (so visibility and definitions are the reports' own) with the report, group-by
   * and bucket that open what is behind it.
   */
  async dashboard(viewer: Principal): Promise<DashboardView> {
    const { zone, now, ranges, query } = this.dashboardFrame(viewer);
    const run: DashboardRun = async (name, fromMs, groupBy) => (await this.execute(viewer, name, query(fromMs, groupBy), zone, 'figures')).view;
    const hands = this.handsWithinTarget && can(viewer.role, 'escalations.supervise') ? this.handsWithinTarget : null;
    return dashboardFigures({ run, hands: hands && ((fromMs) => hands(viewer, fromMs, now)), now, zone, ranges });
  }

  /** Today and this week in the reader's zone (weeks from Monday, like the reports' ISO weeks). */
  private dashboardFrame(viewer: Principal) {
    const zone = viewer.timeZone && IANAZone.isValidZone(viewer.timeZone) ? viewer.timeZone : 'UTC';
    const now = this.clock.now();
    const local = DateTime.fromMillis(now, { zone });
    const ranges: Record<DashboardPeriod, number> = { today: local.startOf('day').toMillis(), week: local.startOf('week').toMillis() };
    const query = (fromMs: number, groupBy: string): ReportQuery => ({ from: new Date(fromMs).toISOString(), to: new Date(Math.max(now, fromMs + 1000)).toISOString(), groupBy, filters: {} });
    return { zone, now, ranges, query };
  }

  /** What is behind one figure of the dashboard: the same report, cut in the same zone. */
  async dashboardDrill(viewer: Principal, period: DashboardPeriod, figure: DashboardFigureKey) {
    const source = figureSource(figure, period);
    if (!source) throw invalid([{ field: 'figure', message: `${figure} has no tickets or escalations to list: open its report`, code: 'figure_not_drillable' }]);
    const { zone, ranges, query } = this.dashboardFrame(viewer);
    const { view, out, def } = await this.execute(viewer, source.report, query(ranges[period], source.groupBy), zone, 'drill');
    const bucket = source.bucketOf(view);
    return this.present(viewer, source.report, def, bucket ?? '', bucket === null ? [] : (out.drill.get(bucket) ?? []));
  }

  /** The tickets or escalations behind one bucket of a report (the viewer's visible ones only). */
  async drill(viewer: Principal, name: string, q: ReportQuery, bucket: string) {
    const { out, def } = await this.execute(viewer, name, q, undefined, 'drill');
    const ids = out.drill.get(bucket);
    if (ids === undefined) throw new AppError('not_found', `Report ${name} has no bucket "${bucket}" for this range and these filters.`, { buckets: [...out.drill.keys()].slice(0, 50) });
    return this.present(viewer, name, def, bucket, ids);
  }

  private async present(viewer: Principal, name: string, def: ReportDefinition, bucket: string, ids: string[]) {
    const shown = ids.slice(0, DRILL_LIMIT);
    if (def.drills === 'tickets') {
      const rows = await ticketsByIds(this.db, shown);
      const tickets: TicketView[] = rows.map((r) => presentTicket(toTicket(r)));
      return { report: name, bucket, kind: 'tickets' as const, total: ids.length, tickets, escalations: [], incidents: [] };
    }
    if (def.drills === 'incidents') {
      const incidents = (await incidentsByIds(this.db, shown)).map((i) => ({ id: i.id, title: i.title, severity: i.severity, state: i.state, declaredAt: new Date(Number(i.declared_at)).toISOString() }));
      return { report: name, bucket, kind: 'incidents' as const, total: ids.length, tickets: [], escalations: [], incidents };
    }
    const escalations = await this.escalationViews(viewer, shown);
    return { report: name, bucket, kind: 'escalations' as const, total: ids.length, tickets: [], escalations, incidents: [] };
  }

  /** The report as CSV: header in the reader's language, durations in minutes (one decimal), hand times in seconds. */
  async csv(viewer: Principal, name: string, q: ReportQuery, lang: 'ja' | 'en', bom: boolean): Promise<{ filename: string; body: string }> {
    const { view } = await this.execute(viewer, name, q, undefined, 'figures');
    const minutes = lang === 'ja' ? '(分)' : ' (min)';
    const seconds = lang === 'ja' ? '(秒)' : ' (s)';
    const header = view.columns.map((c) => c.label[lang] + (c.kind === 'duration_ms' ? minutes : c.kind === 'duration_s' ? seconds : c.kind === 'percent' ? ' (%)' : ''));
    const rows = view.rows.map((r) =>
      view.columns.map((c) => {
        const v = c.kind === 'dimension' && r[c.key] === undefined ? r.bucket : r[c.key];
        return c.kind === 'duration_ms' && typeof v === 'number' ? Math.round(v / 6000) / 10 : (v ?? null);
      }),
    );
    // Named by the report calendar's days, first and last included (the range's end is exclusive).
    const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: view.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    const fromMs = Date.parse(view.from);
    const day = (ms: number) => dayFmt.format(new Date(ms));
    return { filename: `${name}_${day(fromMs)}_${day(Math.max(fromMs, Date.parse(view.to) - 1))}.csv`, body: toCsv(header, rows, { bom }) };
  }
}

/**
 * The report calendar cutting days in another zone (the dashboard's reader). Only the zone
 * changes: the dashboard's reports measure wall-clock time, and the business intervals are
 * cached apart so the report calendar's cache never holds another zone's days.
 */
function inZone(cal: CompiledCalendar, zone: string): CompiledCalendar {
  if (cal.timezone === zone) return cal;
  return { ...cal, timezone: zone, zone: IANAZone.create(zone), dayCache: new Map() };
}
