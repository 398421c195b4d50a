import { durationStats, periodOf, percent } from '../reports.policy.js';
import type { Bilingual, ColumnKind, ReportColumn, ReportContext, ReportRow } from '../reports.types.js';

/** Column labels (ja/en): one dictionary so every report says the same thing the same way. */
export const LABELS: Record<string, Bilingual> = {
  bucket: { ja: '区分', en: 'Bucket' },
  name: { ja: '名前', en: 'Name' },
  day: { ja: '日付', en: 'Day' },
  week: { ja: '週', en: 'Week' },
  team: { ja: 'チーム', en: 'Team' },
  target_team: { ja: '受け手チーム', en: 'Receiving team' },
  person: { ja: '担当者', en: 'Person' },
  agent: { ja: '担当者', en: 'Agent' },
  category: { ja: 'カテゴリ', en: 'Category' },
  priority: { ja: '優先度', en: 'Priority' },
  channel: { ja: 'チャネル', en: 'Channel' },
  path: { ja: 'エスカレーションパス', en: 'Path' },
  level: { ja: 'レベル', en: 'Level' },
  kind: { ja: '種類', en: 'Kind' },
  trigger: { ja: 'きっかけ', en: 'Trigger' },
  clock: { ja: 'SLA種別', en: 'Clock' },
  policy: { ja: 'SLAポリシー', en: 'SLA policy' },
  reason: { ja: '理由', en: 'Reason' },
  target: { ja: '対象', en: 'Target' },
  escalated: { ja: 'エスカレーション有無', en: 'Escalated' },
  all: { ja: '全体', en: 'All' },
  created: { ja: '作成', en: 'Created' },
  solved: { ja: '解決', en: 'Solved' },
  backlog: { ja: '未解決残', en: 'Backlog' },
  first_response_median: { ja: '初回応答 中央値', en: 'First response median' },
  first_response_p90: { ja: '初回応答 p90', en: 'First response p90' },
  first_response_biz_median: { ja: '初回応答 中央値(営業時間)', en: 'First response median (business)' },
  first_response_biz_p90: { ja: '初回応答 p90(営業時間)', en: 'First response p90 (business)' },
  next_response_median: { ja: '次回応答 中央値', en: 'Next response median' },
  next_response_p90: { ja: '次回応答 p90', en: 'Next response p90' },
  next_response_biz_median: { ja: '次回応答 中央値(営業時間)', en: 'Next response median (business)' },
  next_response_biz_p90: { ja: '次回応答 p90(営業時間)', en: 'Next response p90 (business)' },
  resolution_median: { ja: '解決時間 中央値', en: 'Resolution median' },
  resolution_p90: { ja: '解決時間 p90', en: 'Resolution p90' },
  resolution_biz_median: { ja: '解決時間 中央値(営業時間)', en: 'Resolution median (business)' },
  resolution_biz_p90: { ja: '解決時間 p90(営業時間)', en: 'Resolution p90 (business)' },
  reopened: { ja: '再オープン', en: 'Reopened' },
  reopen_rate: { ja: '再オープン率', en: 'Reopen rate' },
  first_contact: { ja: '一次解決', en: 'First-contact resolutions' },
  first_contact_rate: { ja: '一次解決率', en: 'First-contact resolution rate' },
  escalations: { ja: 'エスカレーション件数', en: 'Escalations' },
  escalated_tickets: { ja: 'エスカレーションされたチケット', en: 'Escalated tickets' },
  tickets_created: { ja: '作成チケット', en: 'Tickets created' },
  escalation_rate: { ja: 'エスカレーション率', en: 'Escalation rate' },
  level2_share: { ja: 'レベル2到達率', en: 'Reached level 2' },
  level3_share: { ja: 'レベル3到達率', en: 'Reached level 3' },
  fallback_share: { ja: 'フォールバック到達率', en: 'Reached fallback' },
  fallback_reached: { ja: 'フォールバック到達数', en: 'Fallback reached' },
  acknowledged: { ja: '受領', en: 'Acknowledged' },
  ack_median: { ja: '受領まで 中央値', en: 'Time to acknowledge median' },
  ack_p90: { ja: '受領まで p90', en: 'Time to acknowledge p90' },
  ack_target_median: { ja: '受領目標 中央値', en: 'Acknowledgement target median' },
  ack_within_target: { ja: '目標内受領率', en: 'Acknowledged within target' },
  resolved: { ja: '回答済み', en: 'Resolved' },
  resolve_median: { ja: '回答まで 中央値', en: 'Time to resolve median' },
  resolve_p90: { ja: '回答まで p90', en: 'Time to resolve p90' },
  expiries: { ja: '受領期限切れ', en: 'Acknowledgement timeouts' },
  returned: { ja: '差し戻し', en: 'Returned' },
  not_needed: { ja: '不要(不要なエスカレーション)', en: 'Not needed (unnecessary)' },
  wrong_target: { ja: '宛先違い(誤ルーティング)', en: 'Wrong target (misroute)' },
  missing_information: { ja: '情報不足', en: 'Missing information' },
  pingpong: { ja: 'たらい回し', en: 'Ping-pong' },
  overdue: { ja: '受領期限超過', en: 'Overdue' },
  ended: { ja: '終了したSLA', en: 'Clocks ended' },
  achieved: { ja: '達成', en: 'Met' },
  breached: { ja: '違反', en: 'Breached' },
  achievement: { ja: '達成率', en: 'Achievement' },
  open_clocks: { ja: '進行中のSLA', en: 'Open clocks' },
  first_response: { ja: '初回応答', en: 'First response' },
  next_response: { ja: '次回応答', en: 'Next response' },
  resolution: { ja: '解決', en: 'Resolution' },
  warned: { ja: '警告', en: 'Warned' },
  heeded: { ja: '警告後に達成', en: 'Met after warning' },
  heeded_rate: { ja: '警告後達成率', en: 'Warnings heeded' },
  sent: { ja: '送信', en: 'Sent' },
  rated: { ja: '回答', en: 'Rated' },
  good: { ja: '良い', en: 'Good' },
  bad: { ja: '悪い', en: 'Bad' },
  response_rate: { ja: '回答率', en: 'Response rate' },
  csat: { ja: '満足度(CSAT)', en: 'CSAT' },
  // raise hand (手上げ)
  supervisor: { ja: 'スーパーバイザー', en: 'Supervisor' },
  hour: { ja: '時間帯', en: 'Hour' },
  hands: { ja: '手上げ', en: 'Hands' },
  claimed: { ja: '対応開始済み', en: 'Claimed' },
  claimed_within_target: { ja: '目標時間内に対応開始', en: 'Claimed within target' },
  claim_within_target: { ja: '目標時間内の対応開始率', en: 'Claimed within target (share)' },
  claim_p50: { ja: '対応開始まで 中央値', en: 'Time to claim p50' },
  claim_p90: { ja: '対応開始まで p90', en: 'Time to claim p90' },
  claim_max: { ja: '対応開始まで 最大', en: 'Time to claim max' },
  answer_p50: { ja: '回答まで 中央値', en: 'Time to answer p50' },
  answer_p90: { ja: '回答まで p90', en: 'Time to answer p90' },
  answer_max: { ja: '回答まで 最大', en: 'Time to answer max' },
  // major incidents (重大障害)
  severity: { ja: '重大度', en: 'Severity' },
  service: { ja: 'サービス', en: 'Service' },
  incidents: { ja: '重大障害', en: 'Incidents' },
  internal_only: { ja: '社内限定', en: 'Internal only' },
  active: { ja: '対応中', en: 'Active' },
  incidents_resolved: { ja: '解決済み', en: 'Resolved' },
  first_internal_p50: { ja: '初回社内連絡 中央値', en: 'First internal update p50' },
  first_internal_p90: { ja: '初回社内連絡 p90', en: 'First internal update p90' },
  first_internal_max: { ja: '初回社内連絡 最大', en: 'First internal update max' },
  first_internal_within: { ja: '初回社内連絡 目標内率', en: 'First internal update within target' },
  first_customer_p50: { ja: '初回顧客連絡 中央値', en: 'First customer update p50' },
  first_customer_p90: { ja: '初回顧客連絡 p90', en: 'First customer update p90' },
  first_customer_max: { ja: '初回顧客連絡 最大', en: 'First customer update max' },
  first_customer_within: { ja: '初回顧客連絡 目標内率', en: 'First customer update within target' },
  cadence_internal_intervals: { ja: '社内更新の間隔数', en: 'Internal update intervals' },
  cadence_internal_kept: { ja: '社内更新間隔 遵守率', en: 'Internal cadence kept' },
  cadence_customer_intervals: { ja: '顧客更新の間隔数', en: 'Customer update intervals' },
  cadence_customer_kept: { ja: '顧客更新間隔 遵守率', en: 'Customer cadence kept' },
  resolve_incident_p50: { ja: '解決まで 中央値', en: 'Time to resolve p50' },
  resolve_incident_p90: { ja: '解決まで p90', en: 'Time to resolve p90' },
  resolve_incident_max: { ja: '解決まで 最大', en: 'Time to resolve max' },
  resolve_within_target: { ja: '目標内解決率', en: 'Resolved within target' },
};

export const col = (key: string, kind: ColumnKind): ReportColumn => ({ key, kind, label: LABELS[key] ?? { ja: key, en: key } });

/** The rows' dimension column for a group-by ("none" gives one row, bucket "all"). */
export const dimensionColumn = (groupBy: string): ReportColumn[] => (groupBy === 'none' ? [] : [col(groupBy, 'dimension')]);

/** The bucket of a row for a ticket dimension group-by. */
export function ticketDimension(
  ctx: ReportContext,
  r: { team_id: string | null; category: string | null; priority: string; channel: string; assignee_id?: string | null },
  at: number,
): string {
  switch (ctx.groupBy) {
    case 'team':
      return r.team_id ?? '';
    case 'category':
      return r.category ?? '';
    case 'priority':
      return r.priority;
    case 'channel':
      return r.channel;
    case 'agent':
      return r.assignee_id ?? '';
    case 'day':
      return periodOf(ctx.cal, at, 'day');
    case 'week':
      return periodOf(ctx.cal, at, 'week');
    default:
      return 'all';
  }
}

/** The dimension values that are ids (teams, users, paths, policies) named for display. */
export const ID_DIMENSIONS = new Set(['team', 'target_team', 'person', 'agent', 'path', 'policy', 'target', 'supervisor', 'service']);

/** Fills the dimension column of each row with its display value (names for ids, '—' for none). */
export function labelRows(rows: ReportRow[], groupBy: string, names: Map<string, string>): ReportRow[] {
  if (groupBy === 'none') return rows;
  return rows.map((r) => {
    const raw = r.bucket;
    const shown = raw === '' ? '—' : ID_DIMENSIONS.has(groupBy) ? (names.get(raw) ?? raw) : raw;
    return { ...r, [groupBy]: shown };
  });
}

export const stat = (values: number[]) => durationStats(values);
export { percent };
