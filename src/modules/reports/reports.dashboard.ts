/**
 * The supervisor's dashboard (issue 18, Screens): the figures a supervisor looks at first, for
 * today and for this week, each read from a report of the registry. Nothing here queries the
 * database: `run` is the reports service running one report for the reader, so the numbers,
 * their definitions and what the reader may see are exactly the reports'.
 */
import type { ReportResultView } from './reports.service.js';
import type { Principal } from '../auth/index.js';

export type DashboardRun = (name: string, fromMs: number, groupBy: string) => Promise<ReportResultView>;
export type HandsWithinTarget = (viewer: Principal, fromMs: number, toMs: number) => Promise<{ hands: number; claimedWithinTarget: number; shareWithinTarget: number | null }>;

export const DASHBOARD_PERIODS = ['today', 'week'] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];

export const DASHBOARD_FIGURES = [
  'tickets_created',
  'tickets_solved',
  'backlog',
  'escalations_opened',
  'escalations_overdue',
  'ack_median',
  'ack_p90',
  'sla_achievement',
  'sla_breaches',
  'csat',
  'hands_within_target',
] as const;
export type DashboardFigureKey = (typeof DASHBOARD_FIGURES)[number];

export interface DashboardFigure {
  key: DashboardFigureKey;
  kind: 'count' | 'percent' | 'duration_ms';
  value: number | null;
  /** The report behind the figure ('hands': the raised hands report), its group-by, and the bucket to drill into (null: the report page itself). */
  report: string;
  groupBy: string;
  bucket: string | null;
}

export interface DashboardPeriodView {
  period: DashboardPeriod;
  from: string;
  to: string;
  figures: DashboardFigure[];
}

export interface DashboardView {
  timeZone: string;
  weekStartsOn: 'monday';
  now: string;
  periods: DashboardPeriodView[];
  /** Running SLA clocks now, by the share of their target used (sla.nearing). */
  nearing: { bucket: string; openClocks: number }[];
  /** This week per day (the chart): created, solved, backlog at the end of the day. */
  days: { day: string; created: number; solved: number; backlog: number }[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const sum = (r: ReportResultView, key: string): number => r.rows.reduce((a, row) => a + (num(row[key]) ?? 0), 0);
/** The one bucket of a report run over one period (null when it has none or several). */
const only = (r: ReportResultView): string | null => (r.rows.length === 1 ? r.rows[0]!.bucket : null);

/**
 * Where a drillable figure comes from: the report, its group-by for the period, and which of
 * its buckets holds what is behind the number (the dashboard's drill-down runs just this).
 */
export function figureSource(key: DashboardFigureKey, period: DashboardPeriod): { report: string; groupBy: string; bucketOf: (r: ReportResultView) => string | null } | null {
  const cut = period === 'today' ? 'day' : 'week';
  switch (key) {
    case 'tickets_created':
      return { report: 'tickets.volume', groupBy: cut, bucketOf: only };
    case 'escalations_opened':
      return { report: 'escalations.volume', groupBy: 'none', bucketOf: only };
    case 'escalations_overdue':
      return { report: 'escalations.overdue', groupBy: 'day', bucketOf: (r) => r.rows[r.rows.length - 1]?.bucket ?? null };
    case 'ack_median':
    case 'ack_p90':
      return { report: 'escalations.times', groupBy: 'none', bucketOf: only };
    case 'sla_achievement':
      return { report: 'sla.achievement', groupBy: 'none', bucketOf: only };
    case 'sla_breaches':
      return { report: 'sla.breaches', groupBy: cut, bucketOf: only };
    case 'csat':
      return { report: 'csat', groupBy: 'none', bucketOf: only };
    default:
      return null;
  }
}

export async function dashboardFigures(input: {
  run: DashboardRun;
  hands: ((fromMs: number) => Promise<{ shareWithinTarget: number | null }>) | null;
  now: number;
  zone: string;
  ranges: Record<DashboardPeriod, number>;
}): Promise<DashboardView> {
  const { run } = input;
  const periodOf = async (period: DashboardPeriod): Promise<DashboardPeriodView> => {
    const from = input.ranges[period];
    const cut = period === 'today' ? 'day' : 'week';
    const [volume, escalations, overdue, times, achievement, breaches, csat, hands] = await Promise.all([
      run('tickets.volume', from, cut),
      run('escalations.volume', from, 'none'),
      run('escalations.overdue', from, 'day'),
      run('escalations.times', from, 'none'),
      run('sla.achievement', from, 'none'),
      run('sla.breaches', from, cut),
      run('csat', from, 'none'),
      input.hands ? input.hands(from) : Promise.resolve(null),
    ]);
    const first = <T extends ReportResultView>(r: T, key: string) => num(r.rows[0]?.[key]);
    const last = overdue.rows[overdue.rows.length - 1];
    const figures: DashboardFigure[] = [
      { key: 'tickets_created', kind: 'count', value: sum(volume, 'created'), report: 'tickets.volume', groupBy: cut, bucket: only(volume) },
      { key: 'tickets_solved', kind: 'count', value: sum(volume, 'solved'), report: 'tickets.volume', groupBy: cut, bucket: null },
      { key: 'backlog', kind: 'count', value: num(volume.rows[volume.rows.length - 1]?.backlog) ?? 0, report: 'tickets.volume', groupBy: 'day', bucket: null },
      { key: 'escalations_opened', kind: 'count', value: sum(escalations, 'escalations'), report: 'escalations.volume', groupBy: 'none', bucket: only(escalations) },
      { key: 'escalations_overdue', kind: 'count', value: num(last?.overdue) ?? 0, report: 'escalations.overdue', groupBy: 'day', bucket: last?.bucket ?? null },
      { key: 'ack_median', kind: 'duration_ms', value: first(times, 'ack_median'), report: 'escalations.times', groupBy: 'none', bucket: only(times) },
      { key: 'ack_p90', kind: 'duration_ms', value: first(times, 'ack_p90'), report: 'escalations.times', groupBy: 'none', bucket: only(times) },
      { key: 'sla_achievement', kind: 'percent', value: first(achievement, 'achievement'), report: 'sla.achievement', groupBy: 'none', bucket: only(achievement) },
      { key: 'sla_breaches', kind: 'count', value: sum(breaches, 'breached'), report: 'sla.breaches', groupBy: cut, bucket: only(breaches) },
      { key: 'csat', kind: 'percent', value: first(csat, 'csat'), report: 'csat', groupBy: 'none', bucket: only(csat) },
    ];
    if (hands) {
      const share = hands.shareWithinTarget === null ? null : Math.round(hands.shareWithinTarget * 1000) / 10;
      figures.push({ key: 'hands_within_target', kind: 'percent', value: share, report: 'hands', groupBy: '', bucket: null });
    }
    return { period, from: new Date(from).toISOString(), to: new Date(input.now).toISOString(), figures };
  };
  const [today, week, nearing, days] = await Promise.all([
    periodOf('today'),
    periodOf('week'),
    run('sla.nearing', input.ranges.today, 'bucket'),
    run('tickets.volume', input.ranges.week, 'day'),
  ]);
  return {
    timeZone: input.zone,
    weekStartsOn: 'monday',
    now: new Date(input.now).toISOString(),
    periods: [today, week],
    nearing: nearing.rows.map((r) => ({ bucket: r.bucket, openClocks: num(r.open_clocks) ?? 0 })),
    days: days.rows.map((r) => ({ day: r.bucket, created: num(r.created) ?? 0, solved: num(r.solved) ?? 0, backlog: num(r.backlog) ?? 0 })),
  };
}
