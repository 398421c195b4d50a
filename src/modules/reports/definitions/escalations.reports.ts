import { parseJson } from '../../../db/database.js';
import { ackMs, dayEnds, escalationRate, groupBy, levelReached, levelShares, overdueSeries, periodOf, resolveMs } from '../reports.policy.js';
import { escalationIdsOnPath, escalationsForOverdue, escalationsRequested, eventsOfKind, factsCreated, namesOf, recipientsOf, type EscalationFactRow } from '../reports.repository.js';
import { sql, type RawBuilder } from 'kysely';
import { dialectOf } from '../../../db/dialect.js';
import { periodKeySql, periodLabel, quantilesBy, sortedKeys, ticketKeySql, type KeySql } from '../reports.aggregate.js';
import type { DurationStats } from '../reports.policy.js';
import { and, factConditions } from '../reports.repository.js';
import type { ReportContext, ReportDefinition, ReportRow } from '../reports.types.js';
import { col, dimensionColumn, labelRows, percent, stat, ticketDimension } from './shared.js';

interface StateBits {
  returned?: { reason: string } | null;
  targets?: { acknowledgedBy: string | null }[];
}

/** The bucket of an escalation for an escalation group-by. */
function escalationDimension(ctx: ReportContext, e: EscalationFactRow): string {
  switch (ctx.groupBy) {
    case 'level': {
      const l = levelReached(e);
      return l === 'fallback' ? 'fallback' : String(l);
    }
    case 'path':
      return e.path_id ?? '';
    case 'kind':
      return e.trigger === 'auto' || e.trigger === 'sla' || e.trigger === 'pingpong' ? 'automatic' : e.kind;
    case 'trigger':
      return e.trigger;
    default:
      return ticketDimension(ctx, e, e.requested_at);
  }
}

/** escalationDimension in SQL over the escalations alias `e` and the facts alias `f`; `facts`: whether it reads f. */
function escalationKeySql(ctx: ReportContext): KeySql & { facts: boolean } {
  const text = (raw: unknown) => (raw === null || raw === undefined ? '' : String(raw));
  switch (ctx.groupBy) {
    case 'level':
      return { expr: sql`case when e.stage = 'fallback' then 'fallback' else cast(e.level_index + 1 as text) end`, label: text, facts: false };
    case 'path':
      return { expr: sql`coalesce(e.path_id, '')`, label: text, facts: false };
    case 'kind':
      return { expr: sql`case when e.trigger in ('auto', 'sla', 'pingpong') then 'automatic' else e.kind end`, label: text, facts: false };
    case 'trigger':
      return { expr: sql`e.trigger`, label: text, facts: false };
    case 'day':
    case 'week': {
      const period = ctx.groupBy;
      return { expr: periodKeySql(ctx, sql`e.requested_at`, period), label: (raw) => periodLabel(raw, period), facts: false };
    }
    case 'none':
      return { expr: sql`'all'`, label: () => 'all', facts: false };
    default:
      return { ...ticketKeySql(ctx, sql`e.requested_at`), facts: true };
  }
}

/**
 * Escalations requested in the range as escalationsRequested selects them, for an aggregate:
 * joined to their ticket's facts only when the key or a condition reads them (every ticket has
 * its facts row, so the join drops nothing).
 */
function escalationsFrom(ctx: ReportContext, keyNeedsFacts: boolean, more: RawBuilder<unknown> = sql``) {
  const conds = factConditions({ ...ctx, filters: { ...ctx.filters, pathId: undefined } });
  const path = ctx.filters.pathId === undefined ? sql`` : sql`and e.path_id = ${ctx.filters.pathId}`;
  const join = keyNeedsFacts || conds.length > 0;
  return sql`${join ? sql`escalations e inner join report_ticket_facts f on f.id = e.ticket_id` : sql`escalations e`} ${more}
    where e.requested_at >= ${ctx.fromMs} and e.requested_at < ${ctx.toMs} ${path} ${and(conds)}`;
}

/** The receiving teams of an escalation (alias `r`, one row per team; `teamIds`: only those). */
const teamRecipients = (teamIds?: readonly string[]) =>
  sql`inner join escalation_recipients r on r.escalation_id = e.id and r.kind = 'team' ${teamIds?.length ? sql`and r.ref_id in (${sql.join([...teamIds])})` : sql``}`;

/** Each distinct acknowledger of an escalation's targets (alias `p`, column `person`), as run reads them from the state JSON. */
function acknowledgers(ex: ReportContext['ex']): { from: RawBuilder<unknown>; person: RawBuilder<unknown> } {
  if (dialectOf(ex as never) === 'postgres') {
    const targets = sql`(e.state::jsonb -> 'targets')`;
    return { from: sql`cross join lateral jsonb_array_elements(case when jsonb_typeof(${targets}) = 'array' then ${targets} else '[]'::jsonb end) p(value)`, person: sql`(p.value ->> 'acknowledgedBy')` };
  }
  return { from: sql`cross join json_each(e.state, '$.targets') p`, person: sql`(case when p.type = 'object' then json_extract(p.value, '$.acknowledgedBy') end)` };
}

/** The columns of an escalation the times aggregate (acknowledgement, resolution, target) read. */
const TIMES_COLUMNS = sql`e.id, e.requested_at, e.ack_due_at, e.acknowledged_at, e.finished_at, e.status`;

/**
 * The times of escalations per bucket, as run computes them: `rows` selects one row per bucket
 * and escalation (its key `g` and TIMES_COLUMNS). One GROUP BY for the counts, one window
 * query for the medians and p90 of the times to acknowledge and to resolve and of the targets.
 */
async function escalationTimes(ctx: ReportContext, rows: RawBuilder<unknown>) {
  const ack = sql`case when x.acknowledged_at is null then null when x.acknowledged_at < x.requested_at then 0 else x.acknowledged_at - x.requested_at end`;
  const resolve = sql`case when x.status <> 'resolved' or x.finished_at is null then null when x.finished_at < x.requested_at then 0 else x.finished_at - x.requested_at end`;
  const [counts, stats] = await Promise.all([
    sql<Record<string, unknown>>`select x.g as g, count(*) as n, count(x.acknowledged_at) as acked,
        sum(case when x.acknowledged_at is not null and (x.ack_due_at is null or x.acknowledged_at <= x.ack_due_at) then 1 else 0 end) as in_time
      from (${rows}) x group by x.g`.execute(ctx.ex),
    quantilesBy(ctx.ex, sql`select x.g as g, ${ack} as v1, ${resolve} as v2, x.ack_due_at - x.requested_at as v3 from (${rows}) x`, 3, true),
  ]);
  const none: DurationStats = { count: 0, median: null, p90: null };
  return counts.rows.map((c) => {
    const [a, r, t] = stats.get(c.g === null || c.g === undefined ? '' : String(c.g)) ?? [none, none, none];
    return { g: c.g, escalations: Number(c.n), acknowledged: Number(c.acked), inTime: Number(c.in_time), ack: a!, resolve: r!, target: t! };
  });
}

const ESCALATION_DIMENSIONS = ['none', 'level', 'team', 'path', 'category', 'priority', 'channel', 'kind', 'trigger', 'day', 'week'] as const;

export const escalationsVolume: ReportDefinition = {
  name: 'escalations.volume',
  family: 'escalations',
  title: { ja: 'エスカレーション件数と率', en: 'Escalation volume and rate' },
  definition: {
    ja: '件数: 期間内に依頼されたエスカレーション。エスカレーション率: エスカレーションされたチケット ÷ 期間内に作成されたチケット(チーム・カテゴリ・優先度・チャネル・日・週ごとは同じ区分の作成チケットで割る。レベル・パス・種類・きっかけごとは全作成チケットで割る)。レベル2/3・フォールバック到達率: そのレベル以上(フォールバックは全レベルの先)に達したエスカレーションの割合。fallback_reached はフォールバックに達した件数。種類: 機能(functional)・階層(hierarchical)・自動(パスのルール、SLA、たらい回しによるもの)。きっかけ: manual(手動)・auto(パスのルール)・sla・pingpong。',
    en: 'Volume: escalations requested in the period. Escalation rate: escalated tickets ÷ tickets created in the period (by team, category, priority, channel, day or week: divided by the tickets created in the same bucket; by level, path, kind or trigger: by all tickets created). Reached level 2 / 3 / fallback: the share of escalations that got to that level or beyond (the fallback is past every level); `fallback_reached` counts those that reached the fallback. Kind: functional, hierarchical, or automatic (started by a path rule, an SLA or ping-pong). Trigger: manual, auto (path rule), sla, pingpong.',
  },
  groupBys: ESCALATION_DIMENSIONS,
  defaultGroupBy: 'level',
  drills: 'escalations',
  async run(ctx) {
    const [rows, created] = await Promise.all([escalationsRequested(ctx), factsCreated(ctx)]);
    const byTicketDim = ['team', 'category', 'priority', 'channel', 'day', 'week', 'none'].includes(ctx.groupBy);
    const createdBy = groupBy(created, (r) => ticketDimension(ctx, r, r.created_at));
    const groups = groupBy(rows, (e) => escalationDimension(ctx, e));
    const drill = new Map<string, string[]>();
    const out: ReportRow[] = [...groups].map(([k, list]) => {
      drill.set(k, list.map((e) => e.id));
      const escalatedTickets = new Set(list.map((e) => e.ticket_id)).size;
      const denominator = byTicketDim ? (createdBy.get(k)?.length ?? 0) : created.length;
      const shares = levelShares(list);
      return {
        bucket: k,
        escalations: list.length,
        escalated_tickets: escalatedTickets,
        tickets_created: denominator,
        escalation_rate: escalationRate(escalatedTickets, denominator),
        level2_share: shares.level2,
        level3_share: shares.level3,
        fallback_share: shares.fallback,
        fallback_reached: list.filter((e) => levelReached(e) === 'fallback').length,
      };
    });
    const names = await namesOf(ctx.ex, [...groups.keys()]);
    return {
      columns: [...dimensionColumn(ctx.groupBy), col('escalations', 'count'), col('escalated_tickets', 'count'), col('tickets_created', 'count'), col('escalation_rate', 'percent'), col('level2_share', 'percent'), col('level3_share', 'percent'), col('fallback_share', 'percent'), col('fallback_reached', 'count')],
      rows: labelRows(out, ctx.groupBy, names),
      drill,
    };
  },
  async figures(ctx) {
    const byTicketDim = ['team', 'category', 'priority', 'channel', 'day', 'week', 'none'].includes(ctx.groupBy);
    const key = escalationKeySql(ctx);
    const cKey = ticketKeySql(ctx, sql`f.created_at`);
    const [esc, created] = await Promise.all([
      sql<Record<string, unknown>>`select ${key.expr} as g, count(*) as n, count(distinct e.ticket_id) as tickets,
          sum(case when e.stage = 'fallback' or e.level_index + 1 >= 2 then 1 else 0 end) as l2,
          sum(case when e.stage = 'fallback' or e.level_index + 1 >= 3 then 1 else 0 end) as l3,
          sum(case when e.stage = 'fallback' then 1 else 0 end) as fb
        from ${escalationsFrom(ctx, key.facts)} group by 1`.execute(ctx.ex),
      sql<Record<string, unknown>>`select ${byTicketDim ? cKey.expr : sql`'all'`} as g, count(*) as n from report_ticket_facts f
        where f.created_at >= ${ctx.fromMs} and f.created_at < ${ctx.toMs} ${and(factConditions(ctx))} group by 1`.execute(ctx.ex),
    ]);
    const createdBy = new Map<string, number>();
    let createdAll = 0;
    for (const x of created.rows) {
      const k = byTicketDim ? cKey.label(x.g) : 'all';
      createdBy.set(k, (createdBy.get(k) ?? 0) + Number(x.n));
      createdAll += Number(x.n);
    }
    const groups = new Map(esc.rows.map((x) => [key.label(x.g), x]));
    const out: ReportRow[] = sortedKeys(groups.keys()).map((k) => {
      const x = groups.get(k)!;
      const n = Number(x.n);
      const escalatedTickets = Number(x.tickets);
      const denominator = byTicketDim ? (createdBy.get(k) ?? 0) : createdAll;
      return {
        bucket: k,
        escalations: n,
        escalated_tickets: escalatedTickets,
        tickets_created: denominator,
        escalation_rate: escalationRate(escalatedTickets, denominator),
        level2_share: percent(Number(x.l2), n),
        level3_share: percent(Number(x.l3), n),
        fallback_share: percent(Number(x.fb), n),
        fallback_reached: Number(x.fb),
      };
    });
    const names = await namesOf(ctx.ex, [...groups.keys()]);
    return {
      columns: [...dimensionColumn(ctx.groupBy), col('escalations', 'count'), col('escalated_tickets', 'count'), col('tickets_created', 'count'), col('escalation_rate', 'percent'), col('level2_share', 'percent'), col('level3_share', 'percent'), col('fallback_share', 'percent'), col('fallback_reached', 'count')],
      rows: labelRows(out, ctx.groupBy, names),
    };
  },
};

export const escalationsTimes: ReportDefinition = {
  name: 'escalations.times',
  family: 'escalations',
  title: { ja: '受領までと回答までの時間', en: 'Time to acknowledge and to resolve' },
  definition: {
    ja: '期間内に依頼されたエスカレーションについて、受領まで: 依頼から最初の受領まで。回答まで: 依頼から回答(解決)まで(回答されたものだけ)。中央値とp90(最近順位法、暦時間)。受け手チーム: エスカレーションの受け手に指定されたチーム。担当者: 受領した人。目標内受領率: 受領期限までに受領された割合。',
    en: 'For escalations requested in the period — time to acknowledge: request to the first acknowledgement; time to resolve: request to the answer (resolved ones only). Medians and p90 (nearest rank, wall clock). Receiving team: a team named as receiver. Person: who acknowledged. Acknowledged within target: the share acknowledged by the acknowledgement deadline.',
  },
  groupBys: ['none', 'level', 'target_team', 'person', 'path', 'day', 'week'],
  personal: ['person'],
  defaultGroupBy: 'level',
  drills: 'escalations',
  async run(ctx) {
    const rows = await escalationsRequested(ctx, ctx.groupBy === 'person');
    let keyOf: (e: EscalationFactRow) => string | string[] = (e) => escalationDimension(ctx, e);
    if (ctx.groupBy === 'target_team') {
      const recipients = await recipientsOf(ctx.ex, rows.map((e) => e.id));
      keyOf = (e) => (recipients.get(e.id) ?? []).filter((r) => r.kind === 'team').map((r) => r.ref_id);
    } else if (ctx.groupBy === 'person') {
      keyOf = (e) => [...new Set((parseJson<StateBits>(e.state, {}).targets ?? []).map((t) => t.acknowledgedBy).filter((x): x is string => !!x))];
    }
    const groups = groupBy(rows, keyOf);
    const drill = new Map<string, string[]>();
    const out: ReportRow[] = [...groups].map(([k, list]) => {
      drill.set(k, list.map((e) => e.id));
      const acks = list.map(ackMs).filter((x): x is number => x !== null);
      const resolves = list.map(resolveMs).filter((x): x is number => x !== null);
      const inTime = list.filter((e) => e.acknowledged_at !== null && (e.ack_due_at === null || e.acknowledged_at <= e.ack_due_at)).length;
      const a = stat(acks);
      const r = stat(resolves);
      return { bucket: k, escalations: list.length, acknowledged: acks.length, ack_median: a.median, ack_p90: a.p90, ack_within_target: percent(inTime, acks.length), resolved: resolves.length, resolve_median: r.median, resolve_p90: r.p90 };
    });
    const names = await namesOf(ctx.ex, [...groups.keys()]);
    return { columns: timesColumns(ctx), rows: labelRows(out, ctx.groupBy, names), drill };
  },
  async figures(ctx) {
    let rows: RawBuilder<unknown>;
    let label: (raw: unknown) => string = (raw) => (raw === null || raw === undefined ? '' : String(raw));
    if (ctx.groupBy === 'target_team') {
      rows = sql`select r.ref_id as g, ${TIMES_COLUMNS} from ${escalationsFrom(ctx, false, teamRecipients())}`;
    } else if (ctx.groupBy === 'person') {
      const a = acknowledgers(ctx.ex);
      rows = sql`select distinct ${a.person} as g, ${TIMES_COLUMNS} from ${escalationsFrom(ctx, false, a.from)} and ${a.person} is not null and ${a.person} <> ''`;
    } else {
      const key = escalationKeySql(ctx);
      label = key.label;
      rows = sql`select ${key.expr} as g, ${TIMES_COLUMNS} from ${escalationsFrom(ctx, key.facts)}`;
    }
    const groups = new Map((await escalationTimes(ctx, rows)).map((x) => [label(x.g), x]));
    const keys = sortedKeys(groups.keys());
    const out: ReportRow[] = keys.map((k) => {
      const { escalations, acknowledged, inTime, ack: a, resolve: r } = groups.get(k)!;
      return { bucket: k, escalations, acknowledged, ack_median: a.median, ack_p90: a.p90, ack_within_target: percent(inTime, acknowledged), resolved: r.count, resolve_median: r.median, resolve_p90: r.p90 };
    });
    const names = await namesOf(ctx.ex, keys);
    return { columns: timesColumns(ctx), rows: labelRows(out, ctx.groupBy, names) };
  },
};

const timesColumns = (ctx: ReportContext) => [
  ...dimensionColumn(ctx.groupBy),
  col('escalations', 'count'),
  col('acknowledged', 'count'),
  col('ack_median', 'duration_ms'),
  col('ack_p90', 'duration_ms'),
  col('ack_within_target', 'percent'),
  col('resolved', 'count'),
  col('resolve_median', 'duration_ms'),
  col('resolve_p90', 'duration_ms'),
];

export const escalationsExpiries: ReportDefinition = {
  name: 'escalations.expiries',
  family: 'escalations',
  title: { ja: '受領期限切れ(担当者・ローテーション別)', en: 'Acknowledgement timeouts per person and rotation' },
  definition: {
    ja: '期間内に、受け手が受領期限(とリマインド)を過ぎても受領しなかった回数。担当者別: その時の受け手それぞれに1回。対象別: 期限切れになった宛先(チーム・人・ローテーション)ごとに1回。週別: 期限切れになった宛先ごとに1回、期限切れになった週(レポート暦)で数える。パスで絞ると、そのパスのエスカレーションの期限切れだけ。担当者別・対象別は、スーパーバイザー・マネージャー・管理者のみ。',
    en: 'Times in the period a target let its acknowledgement deadline (and reminders) pass without acknowledging. Per person: one for each receiver of the target at the time. Per target: one per target (team, person or rotation) that expired. Per week: one per expired target, in the week it expired (report calendar). Filtered by path: only the expiries of that path\'s escalations. Per person and per target: supervisors, managers and administrators only.',
  },
  groupBys: ['person', 'target', 'week'],
  // Targets include people (user:…): per person and per target are for supervisors; per week is not.
  personal: ['person', 'target'],
  defaultGroupBy: 'person',
  drills: 'tickets',
  async run(ctx) {
    const events = await eventsOfKind(ctx, 'escalation.target_expired');
    let parsed = events.map((e) => ({ ticketId: e.ticket_id, at: e.created_at, ...parseJson<{ escalationId?: string; targetKey?: string; receivers?: string[] }>(e.data, {}) }));
    if (ctx.filters.pathId !== undefined) {
      // The ticket went through the path; the expiry must also be one of the path's escalations.
      const onPath = await escalationIdsOnPath(ctx.ex, ctx.filters.pathId, [...new Set(parsed.map((e) => e.escalationId ?? ''))]);
      parsed = parsed.filter((e) => e.escalationId !== undefined && onPath.has(e.escalationId));
    }
    const groups = groupBy(parsed, (e) => (ctx.groupBy === 'week' ? periodOf(ctx.cal, e.at, 'week') : ctx.groupBy === 'target' ? (e.targetKey ?? '') : [...new Set(e.receivers ?? [])]));
    const drill = new Map<string, string[]>();
    const out: ReportRow[] = [...groups].map(([k, list]) => {
      drill.set(k, [...new Set(list.map((e) => e.ticketId))]);
      return { bucket: k, expiries: list.length };
    });
    if (ctx.groupBy === 'week') return { columns: [col('week', 'dimension'), col('expiries', 'count')], rows: out.map((r) => ({ ...r, week: r.bucket })).sort((a, b) => a.bucket.localeCompare(b.bucket)), drill };
    const ids = [...groups.keys()].map((k) => (ctx.groupBy === 'target' ? k.split(':')[1] ?? k : k));
    const names = await namesOf(ctx.ex, ids);
    const labelled = out.map((r) => {
      const id = ctx.groupBy === 'target' ? (r.bucket.split(':')[1] ?? r.bucket) : r.bucket;
      const prefix = ctx.groupBy === 'target' ? `${r.bucket.split(':')[0]}: ` : '';
      return { ...r, [ctx.groupBy]: r.bucket === '' ? '—' : prefix + (names.get(id) ?? id) };
    });
    return { columns: [col(ctx.groupBy, 'dimension'), col('expiries', 'count')], rows: labelled, drill };
  },
};

export const escalationsReturns: ReportDefinition = {
  name: 'escalations.returns',
  family: 'escalations',
  title: { ja: '差し戻し理由とたらい回し', en: 'Returns by reason and ping-pong' },
  definition: {
    ja: '期間内に依頼されたエスカレーションのうち差し戻されたもの(理由別: 不要=不要なエスカレーション、宛先違い=誤ルーティング、情報不足)。たらい回し: チケットがチーム間を往復したために自動で開かれたエスカレーションの数。',
    en: 'Of the escalations requested in the period, those returned, by reason: not needed (unnecessary escalations), wrong target (misroutes), missing information. Ping-pong: escalations opened automatically because the ticket bounced between teams.',
  },
  groupBys: ['none', 'path', 'team', 'level', 'day', 'week'],
  defaultGroupBy: 'path',
  drills: 'escalations',
  async run(ctx) {
    const rows = await escalationsRequested(ctx, true);
    const groups = groupBy(rows, (e) => escalationDimension(ctx, e));
    const drill = new Map<string, string[]>();
    const out: ReportRow[] = [...groups].map(([k, list]) => {
      const reasons = list.map((e) => (e.status === 'returned' ? (parseJson<StateBits>(e.state, {}).returned?.reason ?? 'unknown') : null));
      const returned = list.filter((_, i) => reasons[i] !== null);
      drill.set(k, returned.map((e) => e.id));
      const n = (reason: string) => reasons.filter((r) => r === reason).length;
      return { bucket: k, escalations: list.length, returned: returned.length, not_needed: n('not_needed'), wrong_target: n('wrong_target'), missing_information: n('missing_information'), pingpong: list.filter((e) => e.trigger === 'pingpong').length };
    });
    const names = await namesOf(ctx.ex, [...groups.keys()]);
    return { columns: returnsColumns(ctx), rows: labelRows(out, ctx.groupBy, names), drill };
  },
  async figures(ctx) {
    const key = escalationKeySql(ctx);
    // The reason is read from the state JSON of the returned escalations only (the others' state is never parsed).
    const reason = dialectOf(ctx.ex as never) === 'postgres' ? sql`(e.state::jsonb -> 'returned' ->> 'reason')` : sql`json_extract(e.state, '$.returned.reason')`;
    const n = (r: string) => sql`sum(case when e.status = 'returned' and ${reason} = ${r} then 1 else 0 end)`;
    const r = await sql<Record<string, unknown>>`select ${key.expr} as g, count(*) as n, sum(case when e.status = 'returned' then 1 else 0 end) as returned,
        ${n('not_needed')} as not_needed, ${n('wrong_target')} as wrong_target, ${n('missing_information')} as missing_information,
        sum(case when e.trigger = 'pingpong' then 1 else 0 end) as pingpong
      from ${escalationsFrom(ctx, key.facts)} group by 1`.execute(ctx.ex);
    const counts = ['n', 'returned', 'not_needed', 'wrong_target', 'missing_information', 'pingpong'];
    const groups = new Map<string, Record<string, number>>();
    for (const x of r.rows) {
      const k = key.label(x.g);
      const acc = groups.get(k) ?? Object.fromEntries(counts.map((c) => [c, 0]));
      for (const c of counts) acc[c]! += Number(x[c] ?? 0);
      groups.set(k, acc);
    }
    const keys = sortedKeys(groups.keys());
    const out: ReportRow[] = keys.map((k) => {
      const x = groups.get(k)!;
      return { bucket: k, escalations: x.n!, returned: x.returned!, not_needed: x.not_needed!, wrong_target: x.wrong_target!, missing_information: x.missing_information!, pingpong: x.pingpong! };
    });
    const names = await namesOf(ctx.ex, keys);
    return { columns: returnsColumns(ctx), rows: labelRows(out, ctx.groupBy, names) };
  },
};

const returnsColumns = (ctx: ReportContext) => [
  ...dimensionColumn(ctx.groupBy),
  col('escalations', 'count'),
  col('returned', 'count'),
  col('not_needed', 'count'),
  col('wrong_target', 'count'),
  col('missing_information', 'count'),
  col('pingpong', 'count'),
];

export const escalationsOverdue: ReportDefinition = {
  name: 'escalations.overdue',
  family: 'escalations',
  title: { ja: '受領期限を過ぎたエスカレーションの推移', en: 'Escalations overdue over time' },
  definition: {
    ja: '各日の終わり(レポート暦のタイムゾーン)に、受領期限を過ぎても受領されず終了もしていないエスカレーションの数。',
    en: 'At the end of each day (report calendar time zone): escalations past their acknowledgement deadline, neither acknowledged nor finished by then.',
  },
  groupBys: ['day'],
  defaultGroupBy: 'day',
  drills: 'escalations',
  async run(ctx) {
    const rows = await escalationsForOverdue(ctx);
    const series = overdueSeries(rows, dayEnds(ctx.cal, ctx.fromMs, ctx.toMs));
    return {
      columns: [col('day', 'dimension'), col('overdue', 'count')],
      rows: series.map((d) => ({ bucket: d.day, day: d.day, overdue: d.overdue })),
      drill: new Map(series.map((d) => [d.day, d.ids])),
    };
  },
  async figures(ctx) {
    // Overdue at t: s < t <= e, with s = max(deadline, request) and e = min(acknowledgement,
    // finish) (none: never). So the count at each day's end t_i is #(s < t_i) − #(e < t_i) over
    // the escalations with s < e (the others are never overdue): two GROUP BYs of the index of
    // the first day end past s and past e, summed up in order.
    const ends = dayEnds(ctx.cal, ctx.fromMs, ctx.toMs);
    const endOf = sql`case when e.acknowledged_at is null then e.finished_at when e.finished_at is null or e.acknowledged_at < e.finished_at then e.acknowledged_at else e.finished_at end`;
    const startOf = sql`case when e.ack_due_at > e.requested_at then e.ack_due_at else e.requested_at end`;
    // The index of the first day end after an instant (ends.length: none), as a binary search of CASEs.
    const indexOf = (at: RawBuilder<unknown>, lo: number, hi: number): RawBuilder<unknown> => {
      if (lo === hi) return sql.lit(lo);
      const mid = Math.floor((lo + hi) / 2);
      return sql`case when ${at} < ${sql.lit(ends[mid]!.endMs)} then ${indexOf(at, lo, mid)} else ${indexOf(at, mid + 1, hi)} end`;
    };
    const path = ctx.filters.pathId === undefined ? sql`` : sql`and e.path_id = ${ctx.filters.pathId}`;
    const conds = factConditions({ ...ctx, filters: { ...ctx.filters, pathId: undefined } });
    const from = conds.length ? sql`escalations e inner join report_ticket_facts f on f.id = e.ticket_id` : sql`escalations e`;
    // escalationsForOverdue's two sets: still waiting (status index), and requested up to 30 days before the range.
    const spans = sql`select ${startOf} as s_at, ${endOf} as e_at from ${from}
        where e.status in ('pending', 'requested') and e.ack_due_at < ${ctx.toMs} ${path} ${and(conds)}
      union all select ${startOf} as s_at, ${endOf} as e_at from ${from}
        where e.requested_at >= ${ctx.fromMs - 30 * 86_400_000} and e.requested_at < ${ctx.toMs} and e.status not in ('pending', 'requested') and e.ack_due_at is not null ${path} ${and(conds)}`;
    const r = await sql<{ w: string; i: number | string; n: number | string }>`with x as (select s_at, e_at from (${spans}) y where e_at is null or s_at < e_at)
      select 's' as w, ${indexOf(sql`x.s_at`, 0, ends.length)} as i, count(*) as n from x group by 2
      union all select 'e' as w, ${indexOf(sql`x.e_at`, 0, ends.length)} as i, count(*) as n from x where x.e_at is not null group by 2`.execute(ctx.ex);
    const delta = new Array<number>(ends.length + 1).fill(0);
    for (const x of r.rows) delta[Number(x.i)]! += (x.w === 's' ? 1 : -1) * Number(x.n);
    let overdue = 0;
    const rows: ReportRow[] = ends.map(({ day }, i) => {
      overdue += delta[i]!;
      return { bucket: day, day, overdue };
    });
    return { columns: [col('day', 'dimension'), col('overdue', 'count')], rows };
  },
};

export const teamDelays: ReportDefinition = {
  name: 'escalations.team_delays',
  family: 'escalations',
  title: { ja: '受け手部門の受領・回答の遅れ(目標比)', en: "Receiving teams' acknowledgement and answer delays against target" },
  definition: {
    ja: '受け手チームごと・期間(日または週)ごとに、そのチームに届いたエスカレーションの受領まで・回答までの中央値とp90、受領目標(依頼から受領期限まで)の中央値、目標内受領率。各チームが自分の遅れを一目で見るための表。',
    en: 'Per receiving team and period (day or week): median and p90 time to acknowledge and to resolve of the escalations it received, the median acknowledgement target (request to deadline) and the share acknowledged within it — each team sees its own delays at a glance.',
  },
  groupBys: ['day', 'week'],
  defaultGroupBy: 'week',
  drills: 'escalations',
  async run(ctx) {
    const rows = await escalationsRequested({ ...ctx, filters: { ...ctx.filters, teamIds: undefined } });
    const recipients = await recipientsOf(ctx.ex, rows.map((e) => e.id));
    const wanted = ctx.filters.teamIds?.length ? new Set(ctx.filters.teamIds) : null;
    const period = ctx.groupBy === 'day' ? 'day' : 'week';
    const groups = groupBy(rows, (e) =>
      (recipients.get(e.id) ?? [])
        .filter((r) => r.kind === 'team' && (!wanted || wanted.has(r.ref_id)))
        .map((r) => `${periodOf(ctx.cal, e.requested_at, period)}|${r.ref_id}`),
    );
    const names = await namesOf(ctx.ex, [...groups.keys()].map((k) => k.split('|')[1]!));
    const drill = new Map<string, string[]>();
    const out: ReportRow[] = [...groups].map(([k, list]) => {
      const [p, team] = k.split('|') as [string, string];
      drill.set(k, list.map((e) => e.id));
      const a = stat(list.map(ackMs).filter((x): x is number => x !== null));
      const r = stat(list.map(resolveMs).filter((x): x is number => x !== null));
      const t = stat(list.filter((e) => e.ack_due_at !== null).map((e) => e.ack_due_at! - e.requested_at));
      const inTime = list.filter((e) => e.acknowledged_at !== null && (e.ack_due_at === null || e.acknowledged_at <= e.ack_due_at)).length;
      return { bucket: k, [period]: p, target_team: names.get(team) ?? team, escalations: list.length, ack_median: a.median, ack_p90: a.p90, ack_target_median: t.median, ack_within_target: percent(inTime, a.count), resolve_median: r.median, resolve_p90: r.p90 };
    });
    return { columns: delayColumns(period), rows: out, drill };
  },
  async figures(ctx) {
    const period = ctx.groupBy === 'day' ? 'day' : 'week';
    const noTeam = { ...ctx, filters: { ...ctx.filters, teamIds: undefined } };
    // The key: the period (an integer) and the receiving team, as one text.
    const rows = sql`select cast(${periodKeySql(ctx, sql`e.requested_at`, period)} as text) || '|' || r.ref_id as g, ${TIMES_COLUMNS}
      from ${escalationsFrom(noTeam, false, teamRecipients(ctx.filters.teamIds))}`;
    const groups = new Map(
      (await escalationTimes(ctx, rows)).map((x) => {
        const raw = String(x.g);
        const cut = raw.indexOf('|');
        const team = raw.slice(cut + 1);
        const p = periodLabel(raw.slice(0, cut), period);
        return [`${p}|${team}`, { ...x, p, team }];
      }),
    );
    const keys = sortedKeys(groups.keys());
    const names = await namesOf(ctx.ex, keys.map((k) => groups.get(k)!.team));
    const out: ReportRow[] = keys.map((k) => {
      const { p, team, escalations, acknowledged, inTime, ack: a, resolve: r, target: t } = groups.get(k)!;
      return { bucket: k, [period]: p, target_team: names.get(team) ?? team, escalations, ack_median: a.median, ack_p90: a.p90, ack_target_median: t.median, ack_within_target: percent(inTime, acknowledged), resolve_median: r.median, resolve_p90: r.p90 };
    });
    return { columns: delayColumns(period), rows: out };
  },
};

const delayColumns = (period: 'day' | 'week') => [
  col(period, 'dimension'),
  col('target_team', 'dimension'),
  col('escalations', 'count'),
  col('ack_median', 'duration_ms'),
  col('ack_p90', 'duration_ms'),
  col('ack_target_median', 'duration_ms'),
  col('ack_within_target', 'percent'),
  col('resolve_median', 'duration_ms'),
  col('resolve_p90', 'duration_ms'),
];

