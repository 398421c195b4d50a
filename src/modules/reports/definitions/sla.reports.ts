import { parseJson } from '../../../db/database.js';
import { compileCalendar, TWENTY_FOUR_SEVEN, type CalendarDefinition, type CompiledCalendar } from '../../calendars/index.js';
import { elapsedPercent, groupBy, NEARING_BUCKETS, nearingBucket, periodOf, slaAchievement, warningsHeeded } from '../reports.policy.js';
import { clocksById, clocksEnded, clocksRunning, eventsOfKind, namesOf, type ClockFactRow } from '../reports.repository.js';
import { sql, type RawBuilder } from 'kysely';
import { dialectOf } from '../../../db/dialect.js';
import { quarterHourLabel, quarterHourSql, sortedKeys, sumByLabel, type KeySql } from '../reports.aggregate.js';
import { and, factConditions } from '../reports.repository.js';
import type { ReportContext, ReportDefinition, ReportRow } from '../reports.types.js';
import { col, dimensionColumn, labelRows, percent } from './shared.js';

const CLOCK_KINDS = ['first_response', 'next_response', 'resolution'] as const;

function clockDimension(ctx: ReportContext, c: ClockFactRow, at: number): string {
  switch (ctx.groupBy) {
    case 'clock':
      return c.kind;
    case 'policy':
      return c.policy_id;
    case 'priority':
      return c.priority;
    case 'team':
      return c.team_id ?? '';
    case 'day':
    case 'week':
      return periodOf(ctx.cal, at, ctx.groupBy);
    default:
      return 'all';
  }
}

/** clockDimension in SQL over the clocks alias `c` (and the facts alias `f`), the period cut at `at`. */
function clockKeySql(ctx: ReportContext, at: RawBuilder<unknown>): KeySql & { facts: boolean } {
  const text = (raw: unknown) => (raw === null || raw === undefined ? '' : String(raw));
  switch (ctx.groupBy) {
    case 'clock':
      return { expr: sql`c.kind`, label: text, facts: false };
    case 'policy':
      return { expr: sql`c.policy_id`, label: text, facts: false };
    case 'priority':
      return { expr: sql`f.priority`, label: text, facts: true };
    case 'team':
      return { expr: sql`coalesce(f.team_id, '')`, label: text, facts: true };
    case 'day':
    case 'week': {
      const period = ctx.groupBy;
      return { expr: quarterHourSql(at), label: (raw) => quarterHourLabel(ctx.cal, raw, period), facts: false };
    }
    default:
      return { expr: sql`'all'`, label: () => 'all', facts: false };
  }
}

/**
 * The clocks of the facts' conditions: joined to their facts row only when a condition or the
 * key reads it (every ticket has one, written in the transaction that creates the ticket and
 * backfilled by 0021, so the join drops no clock; skipping it spares a lookup per clock).
 */
function clocksFrom(ctx: ReportContext, keyNeedsFacts: boolean) {
  const conds = factConditions(ctx);
  const join = keyNeedsFacts || conds.length > 0;
  return { from: join ? sql`sla_clocks c inner join report_ticket_facts f on f.id = c.ticket_id` : sql`sla_clocks c`, conds: and(conds) };
}

/**
 * The ended clocks per bucket, as clocksEnded then slaAchievement count them: met in the range,
 * plus breached in the range and not met in it (each clock once).
 */
async function endedCounts(ctx: ReportContext, key: KeySql & { facts: boolean }): Promise<Map<string, Record<string, number>>> {
  const { from, conds } = clocksFrom(ctx, key.facts);
  const met = await sql<Record<string, unknown>>`select ${key.expr} as g, count(c.breached_at) as breached, count(*) - count(c.breached_at) as achieved
    from ${from} where c.met_at >= ${ctx.fromMs} and c.met_at < ${ctx.toMs} and c.superseded_at is null ${conds} group by 1`.execute(ctx.ex);
  const breached = await sql<Record<string, unknown>>`select ${key.expr} as g, count(*) as breached, 0 as achieved
    from ${from} where c.breached_at >= ${ctx.fromMs} and c.breached_at < ${ctx.toMs} and c.superseded_at is null
      and (c.met_at is null or c.met_at < ${ctx.fromMs} or c.met_at >= ${ctx.toMs}) ${conds} group by 1`.execute(ctx.ex);
  return sumByLabel([...met.rows, ...breached.rows], key.label, ['breached', 'achieved']);
}

export const slaAchievementReport: ReportDefinition = {
  name: 'sla.achievement',
  family: 'sla',
  title: { ja: 'SLA達成率', en: 'SLA achievement' },
  definition: {
    ja: '期間内に終わったSLA(期間内に達成または違反したもの、ポリシー再適用で置き換わったものを除く)のうち、違反せずに達成した割合。違反後に達成したものは違反として数える。SLA種別(初回応答・次回応答・解決)、ポリシー、優先度、チームごと。',
    en: 'Of the SLA clocks that ended in the period (met or breached in it; clocks superseded by a re-applied policy left out), the share met without a breach; a clock met after its breach counts as breached. Per clock type (first response, next response, resolution), policy, priority and team.',
  },
  groupBys: ['none', 'clock', 'policy', 'priority', 'team', 'day', 'week'],
  defaultGroupBy: 'clock',
  drills: 'tickets',
  async run(ctx) {
    const clocks = await clocksEnded(ctx);
    const groups = groupBy(clocks, (c) => clockDimension(ctx, c, c.breached_at ?? c.met_at!));
    const drill = new Map<string, string[]>();
    const rows: ReportRow[] = [...groups].map(([k, list]) => {
      drill.set(k, [...new Set(list.map((c) => c.ticket_id))]);
      const a = slaAchievement(list);
      return { bucket: k, ended: a.ended, achieved: a.achieved, breached: a.breached, achievement: a.achievement };
    });
    const names = await namesOf(ctx.ex, [...groups.keys()]);
    return { columns: [...dimensionColumn(ctx.groupBy), col('ended', 'count'), col('achieved', 'count'), col('breached', 'count'), col('achievement', 'percent')], rows: labelRows(rows, ctx.groupBy, names), drill };
  },
  async figures(ctx) {
    const counts = await endedCounts(ctx, clockKeySql(ctx, sql`coalesce(c.breached_at, c.met_at)`));
    const keys = sortedKeys(counts.keys());
    const rows: ReportRow[] = keys.map((k) => {
      const { achieved, breached } = counts.get(k)!;
      return { bucket: k, ended: achieved! + breached!, achieved: achieved!, breached: breached!, achievement: percent(achieved!, achieved! + breached!) };
    });
    const names = await namesOf(ctx.ex, keys);
    return { columns: [...dimensionColumn(ctx.groupBy), col('ended', 'count'), col('achieved', 'count'), col('breached', 'count'), col('achievement', 'percent')], rows: labelRows(rows, ctx.groupBy, names) };
  },
};

export const slaBreaches: ReportDefinition = {
  name: 'sla.breaches',
  family: 'sla',
  title: { ja: 'SLA違反の推移', en: 'SLA breaches over time' },
  definition: {
    ja: '日または週ごとの、SLA違反の数(違反した時点で数える)。SLA種別ごとの内訳つき。',
    en: 'SLA breaches per day or week (counted when the breach happened), with the split by clock type.',
  },
  groupBys: ['day', 'week'],
  defaultGroupBy: 'day',
  drills: 'tickets',
  async run(ctx) {
    const clocks = (await clocksEnded(ctx)).filter((c) => c.breached_at !== null && c.breached_at >= ctx.fromMs && c.breached_at < ctx.toMs);
    const period = ctx.groupBy === 'week' ? 'week' : 'day';
    const groups = groupBy(clocks, (c) => periodOf(ctx.cal, c.breached_at!, period));
    const drill = new Map<string, string[]>();
    const rows: ReportRow[] = [...groups].map(([k, list]) => {
      drill.set(k, [...new Set(list.map((c) => c.ticket_id))]);
      return { bucket: k, [period]: k, breached: list.length, ...Object.fromEntries(CLOCK_KINDS.map((kind) => [kind, list.filter((c) => c.kind === kind).length])) };
    });
    return { columns: [col(period, 'dimension'), col('breached', 'count'), ...CLOCK_KINDS.map((k) => col(k, 'count'))], rows, drill };
  },
  async figures(ctx) {
    // The clocks breached in the range (clocksEnded's second half; the first adds none that breached in it).
    const period = ctx.groupBy === 'week' ? 'week' : 'day';
    const { from, conds } = clocksFrom(ctx, false);
    const r = await sql<Record<string, unknown>>`select ${quarterHourSql(sql`c.breached_at`)} as g, c.kind as kind, count(*) as n
      from ${from} where c.breached_at >= ${ctx.fromMs} and c.breached_at < ${ctx.toMs} and c.superseded_at is null ${conds} group by 1, 2`.execute(ctx.ex);
    const byKey = new Map<string, Record<string, number>>();
    for (const x of r.rows) {
      const k = quarterHourLabel(ctx.cal, x.g, period);
      let acc = byKey.get(k);
      if (!acc) byKey.set(k, (acc = { breached: 0, ...Object.fromEntries(CLOCK_KINDS.map((kind) => [kind, 0])) }));
      acc.breached! += Number(x.n);
      if (String(x.kind) in acc && x.kind !== 'breached') acc[String(x.kind)]! += Number(x.n);
    }
    const rows: ReportRow[] = sortedKeys(byKey.keys()).map((k) => ({ bucket: k, [period]: k, ...byKey.get(k)! }));
    return { columns: [col(period, 'dimension'), col('breached', 'count'), ...CLOCK_KINDS.map((k) => col(k, 'count'))], rows };
  },
};

export const slaNearing: ReportDefinition = {
  name: 'sla.nearing',
  family: 'sla',
  title: { ja: '期限が近いSLA', en: 'Open clocks nearing their SLA' },
  definition: {
    ja: '今進行中のSLAを、目標に対する経過の割合(SLA自身の営業暦で計算)で区分: 50–75 %、76–85 %、86–95 %、95 %超。50 %未満は数えない。期間の指定に関係なく「今」の状態。',
    en: "Running SLA clocks now, by the share of their target already used (on the clock's own business calendar): 50–75 %, 76–85 %, 86–95 %, over 95 %; below 50 % not counted. Always the state now, whatever the date range.",
  },
  groupBys: ['bucket'],
  defaultGroupBy: 'bucket',
  drills: 'tickets',
  async run(ctx) {
    const clocks = await clocksRunning(ctx);
    const calOf = calendarsOfClocks();
    const bucketed = clocks.map((c) => ({ c, b: nearingBucket(elapsedPercent(c, ctx.now, calOf(c.calendar))) })).filter((x) => x.b !== null);
    const drill = new Map<string, string[]>();
    const rows: ReportRow[] = NEARING_BUCKETS.map((b) => {
      const list = bucketed.filter((x) => x.b === b).map((x) => x.c);
      drill.set(b, [...new Set(list.map((c) => c.ticket_id))]);
      return { bucket: b, open_clocks: list.length, ...Object.fromEntries(CLOCK_KINDS.map((kind) => [kind, list.filter((c) => c.kind === kind).length])) };
    });
    return { columns: nearingColumns(), rows, drill };
  },
  async figures(ctx) {
    // clocksRunning's clocks (0010's and 0029's partial indexes: the predicates repeat theirs literally).
    const { from, conds } = clocksFrom(ctx, false);
    const running = sql`c.state = 'running' and c.superseded_at is null and c.due_at is not null ${conds}`;
    // On the 24/7 calendar (no calendar of its own) the running segment is wall time: the share
    // in SQL, with the same double-precision operations as elapsedPercent ((used / target) × 100).
    const used = sql`(c.consumed_ms + case when c.segment_started_at is null then 0 when c.segment_started_at < ${ctx.now} then ${ctx.now} - c.segment_started_at else 0 end)`;
    const share = sql`(cast(${used} as ${sql.raw(dialectOf(ctx.ex as never) === 'postgres' ? 'float8' : 'real')}) / (c.target_seconds * 1000)) * 100`;
    const bucket = sql`case when c.target_seconds * 1000 <= 0 then '>95' when ${share} > 95 then '>95' when ${share} > 85 then '86-95' when ${share} > 75 then '76-85' when ${share} >= 50 then '50-75' end`;
    const [wall, own] = await Promise.all([
      sql<{ b: string; kind: string; n: number | string }>`select b, kind, count(*) as n from (select ${bucket} as b, c.kind as kind from ${from} where c.state = 'running' and c.superseded_at is null and c.calendar is null and c.due_at is not null ${conds}) x
        where b is not null group by b, kind`.execute(ctx.ex),
      // A clock on its own calendar: its business time in JS, once per distinct clock state.
      sql<Record<string, unknown>>`select c.calendar, c.kind, c.state, c.target_seconds, c.consumed_ms, c.segment_started_at, count(*) as n
        from ${from} where ${running} and c.calendar is not null group by c.calendar, c.kind, c.state, c.target_seconds, c.consumed_ms, c.segment_started_at`.execute(ctx.ex),
    ]);
    const counts = new Map<string, Map<string, number>>(NEARING_BUCKETS.map((b) => [b, new Map()]));
    const add = (b: string | null, kind: string, n: number) => {
      const m = b === null ? undefined : counts.get(b);
      if (m) m.set(kind, (m.get(kind) ?? 0) + n);
    };
    for (const x of wall.rows) add(x.b, x.kind, Number(x.n));
    const calOf = calendarsOfClocks();
    for (const x of own.rows) {
      const c = { state: String(x.state), target_seconds: Number(x.target_seconds), consumed_ms: Number(x.consumed_ms), segment_started_at: x.segment_started_at === null ? null : Number(x.segment_started_at) };
      add(nearingBucket(elapsedPercent(c, ctx.now, calOf(x.calendar as string))), String(x.kind), Number(x.n));
    }
    const rows: ReportRow[] = NEARING_BUCKETS.map((b) => {
      const m = counts.get(b)!;
      return { bucket: b, open_clocks: [...m.values()].reduce((a, n) => a + n, 0), ...Object.fromEntries(CLOCK_KINDS.map((kind) => [kind, m.get(kind) ?? 0])) };
    });
    return { columns: nearingColumns(), rows };
  },
};

const nearingColumns = () => [col('bucket', 'dimension'), col('open_clocks', 'count'), ...CLOCK_KINDS.map((k) => col(k, 'count'))];

/** The compiled calendar of a clock's calendar JSON (none: 24/7; one that does not compile: 24/7), compiled once per report. */
function calendarsOfClocks(): (json: string | null) => CompiledCalendar {
  const cals = new Map<string, CompiledCalendar>();
  return (json) => {
    if (json === null) return TWENTY_FOUR_SEVEN;
    let c = cals.get(json);
    if (!c) {
      try {
        c = compileCalendar(parseJson<CalendarDefinition>(json, { timezone: 'UTC', weekly: {} } as unknown as CalendarDefinition));
      } catch {
        c = TWENTY_FOUR_SEVEN;
      }
      cals.set(json, c);
    }
    return c;
  };
}

export const slaWarnings: ReportDefinition = {
  name: 'sla.warnings',
  family: 'sla',
  title: { ja: '警告が生かされたSLA', en: 'SLA warnings heeded' },
  definition: {
    ja: '期間内に警告が出たSLA(1つのSLAに複数の警告があっても1つ)のうち、その後違反せずに達成したものの割合。',
    en: 'Of the clocks warned in the period (one per clock however many warnings it had), the share then met without a breach.',
  },
  groupBys: ['none', 'clock', 'policy', 'priority', 'team'],
  defaultGroupBy: 'clock',
  drills: 'tickets',
  async run(ctx) {
    const events = await eventsOfKind(ctx, 'sla.warning');
    const ids = [...new Set(events.map((e) => parseJson<{ clockId?: string }>(e.data, {}).clockId).filter((x): x is string => !!x))];
    const clocks = await clocksById(ctx.ex, ids);
    const groups = groupBy(clocks, (c) => clockDimension(ctx, c, ctx.fromMs));
    const drill = new Map<string, string[]>();
    const rows: ReportRow[] = [...groups].map(([k, list]) => {
      drill.set(k, [...new Set(list.map((c) => c.ticket_id))]);
      const w = warningsHeeded(list);
      return { bucket: k, warned: w.warned, heeded: w.heeded, heeded_rate: w.rate };
    });
    const names = await namesOf(ctx.ex, [...groups.keys()]);
    return { columns: warningsColumns(ctx), rows: labelRows(rows, ctx.groupBy, names), drill };
  },
  async figures(ctx) {
    // The clocks named by the warnings of the period on tickets the viewer sees (one per clock),
    // with their own ticket's facts (alias f outside; the warnings' subquery has its own f), as clocksById reads them.
    const key = clockKeySql(ctx, sql.lit(ctx.fromMs));
    const pg = dialectOf(ctx.ex as never) === 'postgres';
    const clockId = pg ? sql`(ev.data::jsonb ->> 'clockId')` : sql`(case when json_valid(ev.data) then json_extract(ev.data, '$.clockId') end)`;
    const r = await sql<Record<string, unknown>>`select ${key.expr} as g, count(*) as warned, sum(case when c.met_at is not null and c.breached_at is null then 1 else 0 end) as heeded
      from sla_clocks c inner join report_ticket_facts f on f.id = c.ticket_id
      where c.id in (select ${clockId} from ticket_events ev inner join report_ticket_facts f on f.id = ev.ticket_id
        where ev.kind = 'sla.warning' and ev.created_at >= ${ctx.fromMs} and ev.created_at < ${ctx.toMs} ${and(factConditions(ctx))})
      group by 1`.execute(ctx.ex);
    const counts = sumByLabel(r.rows, key.label, ['warned', 'heeded']);
    const keys = sortedKeys(counts.keys());
    const rows: ReportRow[] = keys.map((k) => {
      const { warned, heeded } = counts.get(k)!;
      return { bucket: k, warned: warned!, heeded: heeded!, heeded_rate: percent(heeded!, warned!) };
    });
    const names = await namesOf(ctx.ex, keys);
    return { columns: warningsColumns(ctx), rows: labelRows(rows, ctx.groupBy, names) };
  },
};

const warningsColumns = (ctx: ReportContext) => [...dimensionColumn(ctx.groupBy), col('warned', 'count'), col('heeded', 'count'), col('heeded_rate', 'percent')];
