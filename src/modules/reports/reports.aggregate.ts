/**
 * Aggregation in SQL for the reports' figures (issue 18 §Speed): counts per bucket with GROUP
 * BY, and medians / p90 by nearest rank from a window over the sorted values of each bucket, so
 * a report over 90 days of a 1,000,000-ticket desk reads a few hundred rows, not every row of
 * the period. The figures are the same as the definitions of reports.policy.ts computed in JS
 * (each report's `run` still does, for the drill-down; the tests compare both).
 */
import { sql, type RawBuilder } from 'kysely';
import { dialectOf } from '../../db/dialect.js';
import type { Executor } from '../../db/database.js';
import type { CompiledCalendar } from '../calendars/index.js';
import { DAY_MS, isoWeekOf, periodOf, type DurationStats, type Period } from './reports.policy.js';
import type { ReportContext } from './reports.types.js';

const QUARTER_HOUR = 900_000;

/**
 * The zone's UTC offset (ms) over [fromMs, toMs) as segments: the offset in force until each
 * change (a change is found to the quarter hour, where zones change: the local day of an instant
 * is then exactly that of dayOf, which reads the offset at the instant's quarter hour).
 */
export function offsetSegments(cal: CompiledCalendar, fromMs: number, toMs: number): { until: number | null; offset: number }[] {
  const off = (ms: number) => cal.zone.offset(ms) * 60_000;
  const out: { until: number | null; offset: number }[] = [];
  let t = Math.floor(fromMs / QUARTER_HOUR) * QUARTER_HOUR;
  let current = off(t);
  for (; t < toMs; t += DAY_MS) {
    const next = Math.min(t + DAY_MS, Math.ceil(toMs / QUARTER_HOUR) * QUARTER_HOUR);
    if (off(next) === current) continue;
    // The first quarter hour in (t, next] with another offset.
    let lo = t / QUARTER_HOUR;
    let hi = next / QUARTER_HOUR;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (off(mid * QUARTER_HOUR) === current) lo = mid;
      else hi = mid;
    }
    out.push({ until: hi * QUARTER_HOUR, offset: current });
    current = off(hi * QUARTER_HOUR);
  }
  out.push({ until: null, offset: current });
  return out;
}

/** The local epoch day (report calendar zone) of an instant column, over the instants of [fromMs, toMs). */
export function localDaySql(cal: CompiledCalendar, at: RawBuilder<unknown>, fromMs: number, toMs: number): RawBuilder<number> {
  const segs = offsetSegments(cal, fromMs, toMs);
  const offset =
    segs.length === 1
      ? sql.lit(segs[0]!.offset)
      : sql`(case ${sql.join(
          segs.filter((s) => s.until !== null).map((s) => sql`when ${at} < ${sql.lit(s.until)} then ${sql.lit(s.offset)}`),
          sql` `,
        )} else ${sql.lit(segs[segs.length - 1]!.offset)} end)`;
  return sql<number>`((${at} + ${offset}) / 86400000)`;
}

/** The ISO week index of a local epoch day (weeks from Monday; 1970-01-01 was a Thursday). */
const weekSql = (day: RawBuilder<number>) => sql<number>`((${day} + 3) / 7)`;

/** A period key in SQL (integer: local day, or Monday-based week index) and its label in JS ("2026-10-03", "2026-W40"). */
export function periodKeySql(ctx: Pick<ReportContext, 'cal' | 'fromMs' | 'toMs'>, at: RawBuilder<unknown>, period: Period): RawBuilder<number> {
  const day = localDaySql(ctx.cal, at, ctx.fromMs, ctx.toMs);
  return period === 'day' ? day : weekSql(day);
}

const isoDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export const periodLabel = (raw: unknown, period: Period): string => {
  const n = Number(raw);
  return period === 'day' ? isoDate(n) : isoWeekOf(isoDate(n * 7 - 3));
};

/** A bucket key in SQL and how its value reads as the bucket (as the JS definitions name it). */
export interface KeySql {
  expr: RawBuilder<unknown>;
  label: (raw: unknown) => string;
}

const text = (raw: unknown) => (raw === null || raw === undefined ? '' : String(raw));

/** The SQL of reports.shared's ticketDimension over the facts alias `f`, the period cut at `at`. */
export function ticketKeySql(ctx: ReportContext, at: RawBuilder<unknown> | number): KeySql {
  switch (ctx.groupBy) {
    case 'team':
      return { expr: sql`coalesce(f.team_id, '')`, label: text };
    case 'category':
      return { expr: sql`coalesce(f.category, '')`, label: text };
    case 'priority':
      return { expr: sql`f.priority`, label: text };
    case 'channel':
      return { expr: sql`f.channel`, label: text };
    case 'agent':
      return { expr: sql`coalesce(f.assignee_id, '')`, label: text };
    case 'day':
    case 'week': {
      const period = ctx.groupBy;
      if (typeof at === 'number') {
        const label = periodOf(ctx.cal, at, period);
        return { expr: sql`'x'`, label: () => label };
      }
      return { expr: periodKeySql(ctx, at, period), label: (raw) => periodLabel(raw, period) };
    }
    default:
      return { expr: sql`'all'`, label: () => 'all' };
  }
}

/** Instants cut into quarter hours (an exact key for dayOf), for periods of instants outside the range. */
export const quarterHourSql = (at: RawBuilder<unknown>) => sql<number>`(${at} / ${sql.lit(QUARTER_HOUR)})`;
export const quarterHourLabel = (cal: CompiledCalendar, raw: unknown, period: Period) => periodOf(cal, Number(raw) * QUARTER_HOUR, period);

/**
 * The nearest-rank median and p90 (reports.policy's quantile) of each value column of `source`,
 * per bucket: `source` selects a column `g` (the bucket key) and `v1`…`vN`. One window per value
 * column sorts each bucket; only the rows at the two ranks come back. The rank is
 * ceil(p × count) in double precision, as JS computes it (0.9 × 70 = 63.000…01 → 64).
 * `nullable`: a null value is no value: each column counts and ranks its non-null values alone
 * (sorted last, they are never at a rank), so one scan gives the statistics of measures that
 * only some rows have (an acknowledgement, a resolution). A bucket whose column has no value gets count 0
 * and nulls, or no entry at all when none of its columns has one.
 */
export async function quantilesBy(ex: Executor, source: RawBuilder<unknown>, values: number, nullable = false): Promise<Map<string, DurationStats[]>> {
  const pg = dialectOf(ex as never) === 'postgres';
  const r90 = (n: RawBuilder<unknown>) => (pg ? sql`ceil(0.9::float8 * ${n})` : sql`ceil(0.9 * ${n})`);
  const vs = Array.from({ length: values }, (_, i) => i + 1);
  // Without nulls (the sources coalesce them): one count of the bucket for every column, and the plain sort (the nullable form's
  // per-column counts and NULLS LAST made tickets.times ~1.5 times slower on SQLite).
  const windows = vs.map((i) =>
    nullable
      ? sql`row_number() over (partition by g order by ${sql.ref(`v${i}`)} asc nulls last) as ${sql.ref(`rn${i}`)}, count(${sql.ref(`v${i}`)}) over (partition by g) as ${sql.ref(`n${i}`)}`
      : sql`row_number() over (partition by g order by ${sql.ref(`v${i}`)}) as ${sql.ref(`rn${i}`)}`,
  );
  const nOf = (i: number) => sql.ref(nullable ? `n${i}` : 'n1');
  const pick = vs.map((i) => {
    const rn = sql.ref(`rn${i}`);
    return sql`${rn} = (${nOf(i)} + 1) / 2 or ${rn} = ${r90(nOf(i))}`;
  });
  const r = await sql<Record<string, unknown>>`select * from (
      select s.*, ${nullable ? sql`` : sql`count(*) over (partition by g) as n1,`} ${sql.join(windows)} from (${source}) s
    ) w where ${sql.join(pick, sql` or `)}`.execute(ex);
  const out = new Map<string, DurationStats[]>();
  for (const row of r.rows) {
    const g = row.g === null || row.g === undefined ? '' : String(row.g);
    let stats = out.get(g);
    const countOf = (i: number) => Number(row[nullable ? `n${i}` : 'n1']);
    if (!stats) out.set(g, (stats = vs.map((i) => ({ count: countOf(i), median: null, p90: null }))));
    for (const i of vs) {
      const n = countOf(i);
      if (n === 0) continue;
      const rank = Number(row[`rn${i}`]);
      const v = row[`v${i}`] === null ? null : Number(row[`v${i}`]);
      if (rank === Math.max(1, Math.ceil(0.5 * n))) stats[i - 1]!.median = v;
      if (rank === Math.max(1, Math.ceil(0.9 * n))) stats[i - 1]!.p90 = v;
    }
  }
  return out;
}

/** Rows of a GROUP BY keyed by the label of their `g` column (several raw keys may share a label: the counts add up). */
export function sumByLabel<T extends Record<string, unknown>>(rows: readonly T[], label: (raw: unknown) => string, columns: readonly string[]): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const k = label(r.g);
    let acc = out.get(k);
    if (!acc) out.set(k, (acc = Object.fromEntries(columns.map((c) => [c, 0]))));
    for (const c of columns) acc[c]! += Number(r[c] ?? 0);
  }
  return out;
}

/** Keys in the order reports.policy's groupBy gives them (code-unit order). */
export const sortedKeys = (keys: Iterable<string>): string[] => [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
