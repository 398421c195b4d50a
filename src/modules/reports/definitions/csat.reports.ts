import { csat, groupBy, periodOf } from '../reports.policy.js';
import { namesOf, surveysSent } from '../reports.repository.js';
import type { ReportDefinition, ReportRow } from '../reports.types.js';
import { col, dimensionColumn, labelRows } from './shared.js';

export const csatReport: ReportDefinition = {
  name: 'csat',
  family: 'csat',
  title: { ja: '顧客満足度(CSAT)', en: 'Customer satisfaction (CSAT)' },
  definition: {
    ja: '期間内に送った満足度アンケートについて、回答率: 回答数 ÷ 送信数。CSAT: 良い ÷ (良い + 悪い)。1–5の評価は4と5を良い、1–3を悪いとする。担当者(解決時の担当者)、チーム、パス(解決までに通ったエスカレーションパス)、エスカレーション有無ごと。',
    en: 'Of the surveys sent in the period — response rate: rated ÷ sent; CSAT: good ÷ (good + bad); a 1–5 score counts 4 and 5 as good, 1 to 3 as bad. Per agent (the assignee when solved), team, path (an escalation path the ticket went through) and escalated vs not.',
  },
  groupBys: ['none', 'agent', 'team', 'path', 'escalated', 'day', 'week'],
  personal: ['agent'],
  defaultGroupBy: 'none',
  drills: 'tickets',
  async run(ctx) {
    const surveys = await surveysSent(ctx);
    const keyOf = (s: (typeof surveys)[number]): string => {
      switch (ctx.groupBy) {
        case 'agent':
          return s.agent_id ?? '';
        case 'team':
          return s.team_id ?? '';
        case 'path':
          return s.path_id ?? '';
        case 'escalated':
          return s.escalated ? 'escalated' : 'not_escalated';
        case 'day':
        case 'week':
          return periodOf(ctx.cal, s.sent_at!, ctx.groupBy);
        default:
          return 'all';
      }
    };
    const groups = groupBy(surveys, keyOf);
    const drill = new Map<string, string[]>();
    const rows: ReportRow[] = [...groups].map(([k, list]) => {
      drill.set(k, list.map((s) => s.ticket_id));
      const c = csat(list.map((s) => ({ sent: true, rating: s.rating === 'good' || s.rating === 'bad' ? s.rating : null })));
      return { bucket: k, sent: c.sent, rated: c.rated, good: c.good, bad: c.bad, response_rate: c.responseRate, csat: c.csat };
    });
    const names = await namesOf(ctx.ex, [...groups.keys()]);
    return {
      columns: [...dimensionColumn(ctx.groupBy), col('sent', 'count'), col('rated', 'count'), col('good', 'count'), col('bad', 'count'), col('response_rate', 'percent'), col('csat', 'percent')],
      rows: labelRows(rows, ctx.groupBy, names),
      drill,
    };
  },
};
