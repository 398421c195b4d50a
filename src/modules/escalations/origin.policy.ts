/**
 * Puts an escalation's origin (why the system started it) and a path's match facts into words
 * in one language, for server-rendered outputs (the brief's pre-filled ask, mail, Slack). The
 * console renders the same facts itself, in its reader's language (web/src/i18n).
 */
import type { MatchFact } from '../paths/index.js';
import type { EscalationOrigin } from './escalation.types.js';

export type OriginLang = 'ja' | 'en';

const FACTS: Record<OriginLang, Record<MatchFact['code'], (v: string) => string>> = {
  en: {
    category: (v) => `category = ${v}`,
    product: (v) => `product = ${v}`,
    tag: (v) => `tag ${v}`,
    tags_all: (v) => `all of the tags ${v}`,
    priority: (v) => `priority = ${v}`,
    channel: (v) => `channel = ${v}`,
    customer_tier: (v) => `customer tier = ${v}`,
    customer_temperature: (v) => `customer temperature = ${v}`,
    keyword_subject: (v) => `keyword ${v} in the subject`,
    keyword_body: (v) => `keyword ${v} in the body`,
    no_conditions: () => 'no conditions (matches every ticket)',
  },
  ja: {
    category: (v) => `カテゴリ = ${v}`,
    product: (v) => `製品 = ${v}`,
    tag: (v) => `タグ ${v}`,
    tags_all: (v) => `タグ ${v} をすべて含む`,
    priority: (v) => `優先度 = ${v}`,
    channel: (v) => `チャネル = ${v}`,
    customer_tier: (v) => `顧客ランク = ${v}`,
    customer_temperature: (v) => `温度感 = ${v}`,
    keyword_subject: (v) => `件名にキーワード ${v}`,
    keyword_body: (v) => `本文にキーワード ${v}`,
    no_conditions: () => '条件なし（すべてのチケットに該当）',
  },
};

/** Value labels as the console shows them (web/src/i18n/ja.ts status/priority/temperature/channel). */
export const VALUE_LABELS: Record<OriginLang, Record<string, Record<string, string>>> = {
  en: {
    status: { new: 'new', open: 'open', pending: 'awaiting customer', on_hold: 'on hold', solved: 'solved', closed: 'closed' },
    priority: { low: 'low', normal: 'normal', high: 'high', urgent: 'urgent' },
    temperature: { calm: 'calm', concerned: 'concerned', upset: 'upset', angry: 'angry' },
    channel: { email: 'email', web: 'web form', chat: 'chat', phone: 'phone', api: 'API' },
    clock: { first_response: 'first response', next_response: 'next response', resolution: 'resolution' },
  },
  ja: {
    status: { new: '新規', open: '対応中', pending: 'お客様返答待ち', on_hold: '保留', solved: '解決済み', closed: 'クローズ' },
    priority: { low: '低', normal: '通常', high: '高', urgent: '緊急' },
    temperature: { calm: '平静', concerned: '心配', upset: '不満', angry: '怒り' },
    channel: { email: 'メール', web: 'Web フォーム', chat: 'チャット', phone: '電話', api: 'API' },
    clock: { first_response: '初回応答', next_response: '次回応答', resolution: '解決' },
  },
};
const VALUES: Record<OriginLang, Record<string, string>> = {
  en: Object.assign({}, ...Object.values(VALUE_LABELS.en)) as Record<string, string>,
  ja: Object.assign({}, ...Object.values(VALUE_LABELS.ja)) as Record<string, string>,
};

const value = (lang: OriginLang, v: string) => VALUES[lang][v] ?? v;

export const renderFact = (f: MatchFact, lang: OriginLang): string => {
  const quoted = f.values.map((v) => (lang === 'ja' ? `「${v}」` : `'${v}'`)).join(lang === 'ja' ? '、' : ', ');
  const plain = f.values.map((v) => value(lang, v)).join(', ');
  const arg = f.code.startsWith('keyword') || f.code.startsWith('tag') ? quoted : plain;
  return FACTS[lang][f.code](arg);
};

export const renderOrigin = (o: EscalationOrigin, lang: OriginLang): string => {
  const ja = lang === 'ja';
  switch (o.code) {
    case 'auto': {
      const facts = o.facts.map((f) => renderFact(f, lang)).join(ja ? '、' : '; ');
      return ja ? `経路「${o.path}」による自動エスカレーション: ${facts}` : `Automatic escalation by path "${o.path}": ${facts}`;
    }
    case 'sla': {
      const clock = value(lang, o.clockKind);
      if (ja) return `SLA（${clock}）の${o.event === 'breach' ? '期限超過' : '警告'}: 経路「${o.path}」で自動的にエスカレーションしました。`;
      return `SLA ${o.clockKind} ${o.event}: escalated automatically by path "${o.path}".`;
    }
    case 'pingpong':
      return ja
        ? `このチケットはチーム間で${o.transfers}回移管されました（上限${o.limit}回）。担当チームを決めてください。`
        : `This ticket has been transferred between teams ${o.transfers} times (limit ${o.limit}). Decide which team owns it.`;
    case 'incident':
      return ja
        ? `重大障害「${o.incident}」（${o.severity}）が解決目標時刻を過ぎました: 経路「${o.path}」で自動的にエスカレーションしました。`
        : `Major incident "${o.incident}" (${o.severity}) passed its resolution target: escalated automatically by path "${o.path}".`;
    case 'direct':
      if (o.to === 'my_supervisor') return ja ? '上長への直接エスカレーション' : 'Direct escalation to the supervisor';
      return ja ? '経路を使わない直接エスカレーション' : 'Direct escalation (no path)';
  }
};
