import type { Executor } from '../../db/database.js';
import type { CompiledCalendar } from '../calendars/index.js';
import type { Permission } from '../auth/index.js';
import type { TicketScope } from '../tickets/index.js';

/** Words in both console languages. */
export interface Bilingual {
  ja: string;
  en: string;
}

/** The filters every report takes (all optional; they combine). */
export const FILTER_NAMES = ['teamIds', 'pathId', 'category', 'priority', 'channel'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export interface ReportFilters {
  teamIds?: string[];
  pathId?: string;
  category?: string;
  priority?: string;
  channel?: string;
}

export interface ReportParams {
  fromMs: number;
  toMs: number;
  filters: ReportFilters;
  groupBy: string;
}

/** What a report's query gets: the range, the viewer's ticket scope, the report calendar. */
export interface ReportContext extends ReportParams {
  ex: Executor;
  scope: TicketScope;
  now: number;
  cal: CompiledCalendar;
}

/** duration_s: seconds (raise hand answers in seconds, so minutes would read 0.2). */
export type ColumnKind = 'dimension' | 'count' | 'duration_ms' | 'duration_s' | 'percent';

export interface ReportColumn {
  key: string;
  kind: ColumnKind;
  label: Bilingual;
}

export type Cell = string | number | null;

/** One row: `bucket` names it for drill-down; the other keys are the columns'. */
export type ReportRow = { bucket: string } & Record<string, Cell>;

export interface ReportOutput {
  columns: ReportColumn[];
  rows: ReportRow[];
  /** The ids behind each bucket (drill-down): tickets, escalations or incidents. */
  drill: Map<string, string[]>;
}

/**
 * One report of the registry. Adding one (raise hand, incidents) is one file with one of these,
 * listed in reports.registry.ts.
 */
export interface ReportDefinition {
  name: string;
  family: 'tickets' | 'escalations' | 'sla' | 'csat' | 'hands' | 'incidents';
  title: Bilingual;
  /** The definition of each number, as in the README's Reports section. */
  definition: Bilingual;
  groupBys: readonly string[];
  defaultGroupBy: string;
  /**
   * The group-bys that name people (per agent, per acknowledger, per expired receiver): only
   * supervisors, managers and administrators (escalations.supervise) may run them; the others
   * get 403 and do not see them listed.
   */
  personal?: readonly string[];
  /** A permission the viewer needs besides tickets.read (incidents: incidents.read). */
  permission?: Permission;
  /** What the drill-down of a bucket lists. */
  drills: 'tickets' | 'escalations' | 'incidents';
  /** The filters the report applies (default: all of them); another one is refused with 400, not ignored. */
  filters?: readonly FilterName[];
  /** The kind of measure the console charts (default: the counts, else the first measure). */
  chart?: Exclude<ColumnKind, 'dimension'>;
  run(ctx: ReportContext): Promise<ReportOutput>;
  /**
   * The figures alone, aggregated in SQL (no drill-down lists): what the report page, the CSV and
   * the dashboard read. Without it they use `run`. The drill-down of a bucket still runs `run`.
   */
  figures?(ctx: ReportContext): Promise<ReportFigures>;
}

/** A report's columns and rows without the drill-down lists. */
export type ReportFigures = Omit<ReportOutput, 'drill'>;
