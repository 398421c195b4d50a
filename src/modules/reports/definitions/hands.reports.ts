import { handGroupFigures, handGroupKey, loadHandsConfig, type HandGrouping, type ReportHand } from '../../hands/index.js';
import { groupBy, percent } from '../reports.policy.js';
import { handsRaised, namesOf } from '../reports.repository.js';
import type { ReportDefinition, ReportRow } from '../reports.types.js';
import { col, dimensionColumn, labelRows } from './shared.js';

/**
 * Raise hand (手上げ) in the registry: the figures of the hands report (hands-report.policy.ts
 * computes them; GET /api/v1/hands/report and its page stay as they are), per team,
 * supervisor, category or hour of day, with CSV and drill-down to the hands' tickets.
 */
export const handsTimes: ReportDefinition = {
  name: 'hands.times',
  family: 'hands',
  title: { ja: '手上げ: 対応開始までと回答までの時間', en: 'Raise hand: time to claim and to answer' },
  definition: {
    ja: '期間内に上がった手上げ(閲覧できるチケットのもの、チケットのないものを含む)について: 対応開始までの時間=手上げからスーパーバイザーが対応を始める(引き受ける)まで(対応開始済みのもののみ)、回答までの時間=手上げから回答・折り返し約束・エスカレーションで閉じるまで。どちらも中央値(p50)・p90(最近順位法)・最大を秒で。目標時間内の対応開始率=対応開始の目標時間(手上げ設定の claimTargetSeconds、既定20秒)以内に対応開始した数÷手上げ数(対応開始されなかったものは目標外)。チーム(手上げのチーム)、スーパーバイザー(対応を始めた人。スーパーバイザー以上のみ)、カテゴリ、時間帯(レポート暦のタイムゾーンの時、00–23)ごと。内訳は手上げのチケット(チケットのない手上げは内訳に出ない)。',
    en: "Over the hands raised in the period (those on tickets the reader sees, and those of no ticket): time to claim = raise to a supervisor claiming it (claimed hands only); time to answer = raise to the hand closing answered, with a call back promised, or escalated. Both as median (p50), p90 (nearest rank) and maximum, in seconds. Claimed within target = hands claimed within the claim target (the raise a hand setting claimTargetSeconds, default 20 s) ÷ hands raised (an unclaimed hand misses it). Per team (the hand's), supervisor (who claimed it; supervisors and above only), category, and hour of day (00–23 in the report calendar's time zone). The drill-down lists the hands' tickets (a hand of no ticket has none to list).",
  },
  groupBys: ['none', 'team', 'supervisor', 'category', 'hour'],
  defaultGroupBy: 'team',
  personal: ['supervisor'],
  // As GET /api/v1/hands/report: the floor's figures are for those who supervise it.
  permission: 'escalations.supervise',
  drills: 'tickets',
  filters: ['teamIds', 'category', 'priority', 'channel'],
  chart: 'duration_s',
  async run(ctx) {
    const [rows, config] = await Promise.all([handsRaised(ctx), loadHandsConfig(ctx.ex)]);
    const hourFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: ctx.cal.timezone });
    const hourOf = (ms: number) => Number(hourFormat.format(ms)) % 24;
    const hands = rows.map((h) => ({
      ticketId: h.ticket_id,
      hand: { teamId: h.team_id, operatorId: h.operator_id, claimedBy: h.claimed_by, category: h.category, raisedAt: h.raised_at, claimedAt: h.claimed_at, closedAt: h.closed_at, exhausted: h.exhausted_at !== null, outcome: h.outcome } satisfies ReportHand,
    }));
    const by = ctx.groupBy as HandGrouping | 'none';
    // A hand no supervisor claimed is in no supervisor's row (as on the hands report page).
    const keyed = hands.flatMap((x) => {
      const k = by === 'none' ? 'all' : handGroupKey(by, x.hand, hourOf);
      return k === null ? [] : [{ ...x, k }];
    });
    const groups = groupBy(keyed, (x) => x.k);
    const drill = new Map<string, string[]>();
    const out: ReportRow[] = [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, list]) => {
      drill.set(k, [...new Set(list.flatMap((x) => (x.ticketId ? [x.ticketId] : [])))]);
      const g = handGroupFigures(list.map((x) => x.hand), config.claimTargetSeconds);
      return {
        bucket: k,
        hands: g.hands,
        claimed: g.claimed,
        claimed_within_target: g.claimedWithinTarget,
        claim_within_target: percent(g.claimedWithinTarget, g.hands),
        claim_p50: g.secondsToClaim.p50,
        claim_p90: g.secondsToClaim.p90,
        claim_max: g.secondsToClaim.max,
        answer_p50: g.secondsToAnswer.p50,
        answer_p90: g.secondsToAnswer.p90,
        answer_max: g.secondsToAnswer.max,
      };
    });
    const names = await namesOf(ctx.ex, [...groups.keys()]);
    return {
      columns: [
        ...dimensionColumn(ctx.groupBy),
        col('hands', 'count'),
        col('claimed', 'count'),
        col('claimed_within_target', 'count'),
        col('claim_within_target', 'percent'),
        col('claim_p50', 'duration_s'),
        col('claim_p90', 'duration_s'),
        col('claim_max', 'duration_s'),
        col('answer_p50', 'duration_s'),
        col('answer_p90', 'duration_s'),
        col('answer_max', 'duration_s'),
      ],
      rows: labelRows(out, ctx.groupBy, names),
      drill,
    };
  },
};
