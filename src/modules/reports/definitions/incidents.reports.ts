import { parseJson } from '../../../db/database.js';
import { cadenceKept, firstUpdate, resolvedWithinTarget, SEVERITIES, timeToResolve, type ReportIncident } from '../../incidents/index.js';
import { durationSpread, groupBy, percent, periodOf } from '../reports.policy.js';
import { incidentsIn, serviceNames, type IncidentFactRow } from '../reports.repository.js';
import type { ReportContext, ReportDefinition, ReportOutput, ReportRow } from '../reports.types.js';
import { col, dimensionColumn, labelRows } from './shared.js';

/**
 * Major incidents in the registry (issue 18): how many by severity, how fast and how regularly
 * they were communicated, how fast they were resolved. Figures per incident come from
 * incidents-report.policy.ts. Every reader of incidents sees every incident, so these need
 * incidents.read and no ticket condition applies; ticket filters do not apply either (refused).
 */

// The cadence snapshot taken at declaration (migration 0020); a target missing from it reads 0 minutes (counted as missed, never as met).
const toReportIncident = (r: IncidentFactRow): ReportIncident => {
  const t = parseJson<Partial<ReportIncident['targets']>>(r.cadence, {});
  return {
    internalOnly: r.internal_only === 1,
    startedAt: r.started_at,
    declaredAt: r.declared_at,
    resolvedAt: r.resolved_at,
    targets: { firstInternalMinutes: t.firstInternalMinutes ?? 0, firstCustomerMinutes: t.firstCustomerMinutes ?? 0, updateIntervalMinutes: t.updateIntervalMinutes ?? 0, resolveTargetMinutes: t.resolveTargetMinutes ?? 0 },
    updates: r.updates,
  };
};

/** The buckets of one incident for the group-by (service: each of its services; none: '' shown as —). */
function incidentDimension(ctx: ReportContext, r: IncidentFactRow, at: number): string | string[] {
  switch (ctx.groupBy) {
    case 'severity':
      return r.severity;
    case 'service':
      return r.serviceIds.length ? r.serviceIds : '';
    case 'day':
    case 'week':
      return periodOf(ctx.cal, at, ctx.groupBy);
    default:
      return 'all';
  }
}

const severityOrder = (k: string) => {
  const i = (SEVERITIES as readonly string[]).indexOf(k);
  return i < 0 ? SEVERITIES.length : i;
};

/** Groups incidents, runs `measure` per group, orders severities SEV1 first (else by bucket), names services. */
async function grouped(ctx: ReportContext, list: IncidentFactRow[], at: (r: IncidentFactRow) => number, measure: (rows: IncidentFactRow[]) => Record<string, number | null>, columns: ReportOutput['columns']): Promise<ReportOutput> {
  const groups = groupBy(list, (r) => incidentDimension(ctx, r, at(r)));
  const drill = new Map<string, string[]>();
  const rows: ReportRow[] = [...groups]
    .sort(([a], [b]) => (ctx.groupBy === 'severity' ? severityOrder(a) - severityOrder(b) : 0) || a.localeCompare(b))
    .map(([k, rs]) => {
      drill.set(k, rs.map((r) => r.id));
      return { bucket: k, ...measure(rs) };
    });
  const names = ctx.groupBy === 'service' ? await serviceNames(ctx.ex, [...groups.keys()]) : new Map<string, string>();
  return { columns: [...dimensionColumn(ctx.groupBy), ...columns], rows: labelRows(rows, ctx.groupBy, names), drill };
}

const common = { family: 'incidents', permission: 'incidents.read', drills: 'incidents', filters: [] } as const;

export const incidentsVolume: ReportDefinition = {
  ...common,
  name: 'incidents.volume',
  title: { ja: '重大障害: 重大度別の件数', en: 'Incidents by severity' },
  definition: {
    ja: '期間内に宣言された重大障害の数(社内限定を含む)。うち社内限定、今も対応中、今は解決済み(クローズを含む)の数。重大度、サービス(複数のサービスに影響した障害はそれぞれに数える。サービスなしは「—」)、日、週ごと(宣言日、レポート暦のタイムゾーン)。',
    en: 'Major incidents declared in the period (internal-only ones included); of them, the internal-only ones, those still active now and those resolved now (closed included). Per severity, service (an incident affecting several services counts in each; none: "—"), day or week (of the declaration, in the report calendar\'s time zone).',
  },
  groupBys: ['severity', 'service', 'day', 'week', 'none'],
  defaultGroupBy: 'severity',
  async run(ctx) {
    const list = await incidentsIn(ctx, 'declared');
    return grouped(
      ctx,
      list,
      (r) => r.declared_at,
      (rs) => ({ incidents: rs.length, internal_only: rs.filter((r) => r.internal_only === 1).length, active: rs.filter((r) => r.state === 'active').length, incidents_resolved: rs.filter((r) => r.state !== 'active').length }),
      [col('incidents', 'count'), col('internal_only', 'count'), col('active', 'count'), col('incidents_resolved', 'count')],
    );
  },
};

export const incidentsUpdates: ReportDefinition = {
  ...common,
  name: 'incidents.updates',
  title: { ja: '重大障害: 初回連絡と更新間隔', en: 'Incidents: first update and update cadence' },
  definition: {
    ja: '期間内に宣言された重大障害について。初回社内連絡=宣言から最初の更新(どの更新も社内に届く)まで、初回顧客連絡=宣言から最初の公開更新まで(社内限定の障害は対象外)。どちらも中央値(p50)・p90・最大と、重大度の目標(宣言時の設定: 社内 firstInternalMinutes、顧客 firstCustomerMinutes)以内の割合(まだ更新がなく目標を過ぎたものは目標外、目標前のものは数えない)。更新間隔の遵守率=更新の間隔のうち、次の更新が期限(前の更新が約束した時刻、なければ前の更新から重大度の更新間隔)までに来た割合。社内は全更新、顧客は公開更新のみで数える。間隔は次の更新か解決で終わり、対応中の最後の間隔は期限を過ぎた時点で未達として数える。重大度、サービスごと。',
    en: "Over the major incidents declared in the period. First internal update = declaration to the first update (every update reaches staff); first customer update = declaration to the first public update (internal-only incidents left out). Both as median (p50), p90 and maximum, and the share within the severity's target (its settings when declared: firstInternalMinutes, firstCustomerMinutes); no update yet counts as missed once the target has passed, and is not counted before. Cadence kept = of the intervals between updates, the share where the next update came by its due time (the time the previous update promised, else one update interval of the severity after it); internal counts every update, customer only public ones. An interval ends at the next update or the resolution; an active incident's last interval counts, as missed, once its due time has passed. Per severity and service.",
  },
  groupBys: ['severity', 'service', 'none'],
  defaultGroupBy: 'severity',
  chart: 'percent',
  async run(ctx) {
    const list = await incidentsIn(ctx, 'declared');
    const measure = (rs: IncidentFactRow[]) => {
      const incs = rs.map(toReportIncident);
      const out: Record<string, number | null> = { incidents: rs.length };
      for (const track of ['internal', 'customer'] as const) {
        const firsts = incs.map((i) => firstUpdate(i, track, ctx.now));
        const s = durationSpread(firsts.flatMap((f) => (f.ms === null ? [] : [f.ms])));
        const judged = firsts.filter((f) => f.withinTarget !== null);
        const cad = incs.map((i) => cadenceKept(i, track, ctx.now));
        const intervals = cad.reduce((a, c) => a + c.intervals, 0);
        Object.assign(out, {
          [`first_${track}_p50`]: s.p50,
          [`first_${track}_p90`]: s.p90,
          [`first_${track}_max`]: s.max,
          [`first_${track}_within`]: percent(judged.filter((f) => f.withinTarget).length, judged.length),
          [`cadence_${track}_intervals`]: intervals,
          [`cadence_${track}_kept`]: percent(cad.reduce((a, c) => a + c.kept, 0), intervals),
        });
      }
      return out;
    };
    const cols = (['internal', 'customer'] as const).flatMap((t) => [col(`first_${t}_p50`, 'duration_ms'), col(`first_${t}_p90`, 'duration_ms'), col(`first_${t}_max`, 'duration_ms'), col(`first_${t}_within`, 'percent')]);
    const cadence = (['internal', 'customer'] as const).flatMap((t) => [col(`cadence_${t}_intervals`, 'count'), col(`cadence_${t}_kept`, 'percent')]);
    return grouped(ctx, list, (r) => r.declared_at, measure, [col('incidents', 'count'), ...cols, ...cadence]);
  },
};

export const incidentsResolution: ReportDefinition = {
  ...common,
  name: 'incidents.resolution',
  title: { ja: '重大障害: 解決までの時間', en: 'Incidents: time to resolve' },
  definition: {
    ja: '期間内に解決された重大障害について、障害の開始(宣言より前のことがある)から解決の宣言までの時間の中央値(p50)・p90・最大と、重大度の解決目標(宣言時の resolveTargetMinutes、開始から)以内に解決した割合。重大度、サービス、日、週ごと(解決日)。',
    en: "Over the major incidents resolved in the period: the time from the incident's start (which may be before its declaration) to the declared resolution, as median (p50), p90 and maximum, and the share resolved within the severity's resolution target (resolveTargetMinutes when declared, from the start). Per severity, service, day or week (of the resolution).",
  },
  groupBys: ['severity', 'service', 'day', 'week', 'none'],
  defaultGroupBy: 'severity',
  chart: 'duration_ms',
  async run(ctx) {
    const list = await incidentsIn(ctx, 'resolved');
    const measure = (rs: IncidentFactRow[]) => {
      const incs = rs.map(toReportIncident);
      const s = durationSpread(incs.flatMap((i) => (timeToResolve(i) === null ? [] : [timeToResolve(i)!])));
      return { incidents_resolved: rs.length, resolve_incident_p50: s.p50, resolve_incident_p90: s.p90, resolve_incident_max: s.max, resolve_within_target: percent(incs.filter((i) => resolvedWithinTarget(i) === true).length, rs.length) };
    };
    return grouped(ctx, list, (r) => r.resolved_at!, measure, [
      col('incidents_resolved', 'count'),
      col('resolve_incident_p50', 'duration_ms'),
      col('resolve_incident_p90', 'duration_ms'),
      col('resolve_incident_max', 'duration_ms'),
      col('resolve_within_target', 'percent'),
    ]);
  },
};
