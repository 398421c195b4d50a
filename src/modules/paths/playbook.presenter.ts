/**
 * The printable playbook of every active path, in Japanese or English, as Markdown or HTML.
 * Every piece of user content is escaped for the format it lands in.
 */
import { createHash } from 'node:crypto';
import { whoIsOnCall, type Directory } from '../oncall/index.js';
import type { BriefField, Level, Path, PlaybookArticle, Target } from './path.types.js';

/** The reader's view: instants in their time zone, calendars by name. */
export interface PlaybookReader {
  timeZone?: string;
  calendarNames?: Record<string, string>;
  /** Knowledge articles of each path's categories, by path id. */
  articles?: Map<string, PlaybookArticle[]>;
  /** The console's public base URL: article links are absolute so a printout or a saved Markdown file still leads to them. */
  consoleUrl?: string;
}

export type PlaybookLang = 'ja' | 'en';

const L = {
  en: {
    title: 'Escalation playbook',
    generated: 'Generated',
    when: 'When to escalate',
    always: 'Any ticket (no conditions)',
    purpose: 'Purpose',
    owner: 'Owner',
    reviewDue: 'Next review',
    level: 'Level',
    kind: { functional: 'functional (expertise)', hierarchical: 'hierarchical (authority)' },
    reaches: 'Reaches',
    contact: 'Contact',
    ack: 'Must acknowledge within',
    then: 'If nobody acknowledges',
    advance: 'move to the next level',
    stay: 'stay at this level and wait',
    reminders: (n: number, every: string) => (n ? `remind ${n} time(s) every ${every}, then ` : ''),
    required: 'Required in the brief',
    calendar: 'business hours of calendar',
    briefField: { category: 'category', ask: 'what is needed', concern: 'concern', tried: 'already tried', environment: 'customer and environment', background: 'background', customerTemperature: 'customer temperature', impact: 'impact', links: 'links' } satisfies Record<BriefField, string>,
    wall: 'wall-clock time',
    fallback: 'If every level is exhausted',
    admins: 'administrators are alerted',
    onCallNow: 'on call now',
    cond: { categories: 'category', products: 'product', tags: 'tags', priorities: 'priority', channels: 'channel', customerTiers: 'customer tier', customerTemperatures: 'customer temperature', keywords: 'keywords' },
    target: { team: 'team', user: 'person', rotation: 'on-call rotation', manager_of_current_team: 'manager of the current team', supervisor_of_assignee: 'supervisor of the assignee' },
    none: 'No active escalation paths.',
    articles: 'Knowledge articles for this path',
  },
  ja: {
    title: 'エスカレーション手順書',
    generated: '作成日時',
    when: 'エスカレーションする条件',
    always: 'すべてのチケット（条件なし）',
    purpose: '目的',
    owner: '責任者',
    reviewDue: '次回レビュー',
    level: 'レベル',
    kind: { functional: '機能的（専門部署へ）', hierarchical: '階層的（権限者へ）' },
    reaches: '連絡先',
    contact: '問い合わせ先',
    ack: '受領期限',
    then: '受領されない場合',
    advance: '次のレベルへ',
    stay: 'このレベルで待機',
    reminders: (n: number, every: string) => (n ? `${every}ごとに${n}回催促し、その後` : ''),
    required: 'ブリーフ必須項目',
    calendar: '営業時間（カレンダー）',
    briefField: { category: '質問の分類', ask: '何をしてほしいか', concern: '懸念点', tried: '試したこと', environment: 'お客様情報・環境', background: '経緯', customerTemperature: 'お客様の温度感', impact: '影響範囲', links: 'リンク' } satisfies Record<BriefField, string>,
    wall: '暦時間',
    fallback: '全レベルで受領されない場合',
    admins: '管理者に通知',
    onCallNow: '現在の当番',
    cond: { categories: 'カテゴリ', products: '製品', tags: 'タグ', priorities: '優先度', channels: 'チャネル', customerTiers: '顧客ランク', customerTemperatures: '温度感', keywords: 'キーワード' },
    target: { team: 'チーム', user: '担当者', rotation: '当番表', manager_of_current_team: '現在のチームのマネージャー', supervisor_of_assignee: '担当者のSV' },
    none: '有効なエスカレーションパスはありません。',
    articles: '関連するナレッジ記事',
  },
} as const;

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Escapes Markdown syntax (and raw HTML) in user text so it renders as written. */
export const escapeMd = (s: string): string => s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

const duration = (seconds: number, lang: PlaybookLang): string => {
  const parts: [number, string, string][] = [
    [86400, 'd', '日'],
    [3600, 'h', '時間'],
    [60, 'min', '分'],
    [1, 's', '秒'],
  ];
  for (const [unit, en, ja] of parts) if (seconds % unit === 0) return `${seconds / unit}${lang === 'ja' ? ja : ` ${en}`}`;
  return `${seconds} s`;
};

interface Block {
  heading: string;
  lines: { label: string; value: string }[];
  levels: { heading: string; lines: { label: string; value: string }[] }[];
  articles: { title: string; url: string }[];
}

/** The article's title in the reader's language, else in the other one. */
const articleTitle = (a: PlaybookArticle, lang: PlaybookLang): string => {
  const [mine, other] = lang === 'ja' ? [a.titleJa, a.titleEn] : [a.titleEn, a.titleJa];
  return mine.trim() || other.trim();
};

/** The article in the console's knowledge screen (the link the search page uses). */
const articleUrl = (a: PlaybookArticle, r: PlaybookReader): string => `${(r.consoleUrl ?? '').replace(/\/+$/, '')}/knowledge?id=${encodeURIComponent(a.id)}`;

const describeTarget = (t: Target, d: Directory, lang: PlaybookLang, now: number): string => {
  const l = L[lang].target;
  switch (t.type) {
    case 'team':
      return `${l.team} ${d.teams[t.teamId]?.name ?? t.teamId}`;
    case 'user':
      return `${l.user} ${d.users[t.userId]?.name ?? t.userId}`;
    case 'rotation': {
      const r = d.rotations[t.rotationId];
      const who = r ? whoIsOnCall(r, now) : null;
      return `${l.rotation} ${r?.name ?? t.rotationId}${who ? ` (${L[lang].onCallNow}: ${d.users[who]?.name ?? who})` : ''}`;
    }
    case 'role':
      return l[t.role];
  }
};

/** An instant (or a date) in the reader's time zone, named so a printout is unambiguous. */
const formatInstant = (ms: number, lang: PlaybookLang, r: PlaybookReader, dateOnly = false): string => {
  const timeZone = r.timeZone ?? 'UTC';
  const f = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', dateOnly ? { timeZone, dateStyle: 'long' } : { timeZone, dateStyle: 'long', timeStyle: 'short' });
  return dateOnly ? f.format(ms) : `${f.format(ms)} (${timeZone})`;
};

const levelBlock = (level: Level, i: number, d: Directory, lang: PlaybookLang, now: number, r: PlaybookReader) => {
  const t = L[lang];
  const c = level.contact;
  const contact = [c.department, c.person, c.phone, c.email].filter((x): x is string => !!x).join(' / ');
  const timing = `${duration(level.ackTimeoutSeconds, lang)} (${level.calendarId ? `${t.calendar} ${r.calendarNames?.[level.calendarId] ?? level.calendarId}` : t.wall})`;
  const then = t.reminders(level.onTimeout.repeatReminders, duration(level.onTimeout.reminderIntervalSeconds || 1, lang)) + (level.onTimeout.advance ? t.advance : t.stay);
  const lines = [
    { label: t.reaches, value: level.targets.map((x) => describeTarget(x, d, lang, now)).join(', ') },
    ...(contact ? [{ label: t.contact, value: contact }] : []),
    { label: t.ack, value: timing },
    { label: t.then, value: then },
    ...(level.requiredBriefFields.length ? [{ label: t.required, value: level.requiredBriefFields.map((f) => t.briefField[f] ?? f).join(', ') }] : []),
  ];
  return { heading: `${t.level} ${i + 1}: ${levelName(level.name, i)} — ${t.kind[level.kind]}`, lines };
};

/** "Level 2: L2 Billing" says the number twice: a name that starts with its own level's number loses it. */
const levelName = (name: string, i: number): string => {
  const m = /^L(\d+)\b[\s:：\-–—]*/i.exec(name.trim());
  const rest = m ? name.trim().slice(m[0].length) : '';
  return m && Number(m[1]) === i + 1 && rest ? rest : name;
};

const blocks = (paths: Path[], d: Directory, lang: PlaybookLang, now: number, reviewDue: Map<string, number>, r: PlaybookReader): Block[] =>
  paths.map((p) => {
    const t = L[lang];
    const conds = Object.entries(p.conditions)
      .filter(([k, v]) => k !== 'tagMode' && Array.isArray(v) && v.length)
      .map(([k, v]) => `${t.cond[k as keyof typeof t.cond]}: ${(v as string[]).join(', ')}${k === 'tags' && p.conditions.tagMode === 'all' ? ' (all)' : ''}`);
    const fallback = [...p.fallbackUserIds.map((id) => d.users[id]?.name ?? id), ...(p.fallbackTeamId ? [d.teams[p.fallbackTeamId]?.name ?? p.fallbackTeamId] : []), t.admins].join(', ');
    const due = reviewDue.get(p.id);
    return {
      heading: p.name,
      lines: [
        ...(p.purpose ? [{ label: t.purpose, value: p.purpose }] : []),
        { label: t.when, value: conds.length ? conds.join('; ') : t.always },
        { label: t.owner, value: d.users[p.ownerId]?.name ?? p.ownerId },
        ...(due ? [{ label: t.reviewDue, value: formatInstant(due, lang, r, true) }] : []),
        { label: t.fallback, value: fallback },
      ],
      levels: p.levels.map((l, i) => levelBlock(l, i, d, lang, now, r)),
      articles: (p.conditions.categories.length ? (r.articles?.get(p.id) ?? []) : []).map((a) => ({ title: articleTitle(a, lang), url: articleUrl(a, r) })),
    };
  });

export function renderPlaybookMarkdown(paths: Path[], d: Directory, lang: PlaybookLang, now: number, reviewDue: Map<string, number>, reader: PlaybookReader = {}): string {
  const t = L[lang];
  const out = [`# ${t.title}`, '', `${t.generated}: ${formatInstant(now, lang, reader)}`, ''];
  const bs = blocks(paths, d, lang, now, reviewDue, reader);
  if (!bs.length) out.push(t.none, '');
  for (const b of bs) {
    out.push(`## ${escapeMd(b.heading)}`, '');
    for (const l of b.lines) out.push(`- **${l.label}**: ${escapeMd(l.value)}`);
    out.push('');
    for (const lv of b.levels) {
      out.push(`### ${escapeMd(lv.heading)}`, '');
      for (const l of lv.lines) out.push(`- **${l.label}**: ${escapeMd(l.value)}`);
      out.push('');
    }
    if (b.articles.length) {
      out.push(`### ${t.articles}`, '');
      // The URL is ours (base URL + encoded id); angle brackets keep any parenthesis in it literal.
      for (const a of b.articles) out.push(`- [${escapeMd(a.title)}](<${a.url}>)`);
      out.push('');
    }
  }
  return out.join('\n');
}

const PLAYBOOK_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}section{break-inside:avoid;border-top:1px solid #ccc;margin-top:1.5rem}dt{font-weight:600}dd{margin:0 0 .4rem 1rem}';
/** The playbook page's policy: its one style block by hash, nothing else (no script, no framing). */
export const PLAYBOOK_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(PLAYBOOK_STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function renderPlaybookHtml(paths: Path[], d: Directory, lang: PlaybookLang, now: number, reviewDue: Map<string, number>, reader: PlaybookReader = {}): string {
  const t = L[lang];
  const e = escapeHtml;
  const articles = (as: Block['articles']) => (as.length ? `<h3>${e(t.articles)}</h3><ul>${as.map((a) => `<li><a href="${e(a.url)}">${e(a.title)}</a></li>`).join('')}</ul>` : '');
  const list = (lines: { label: string; value: string }[]) => `<dl>${lines.map((l) => `<dt>${e(l.label)}</dt><dd>${e(l.value)}</dd>`).join('')}</dl>`;
  const bs = blocks(paths, d, lang, now, reviewDue, reader);
  const body = bs.length
    ? bs.map((b) => `<section><h2>${e(b.heading)}</h2>${list(b.lines)}${b.levels.map((lv) => `<h3>${e(lv.heading)}</h3>${list(lv.lines)}`).join('')}${articles(b.articles)}</section>`).join('\n')
    : `<p>${e(t.none)}</p>`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${e(t.title)}</title>
<style>${PLAYBOOK_STYLE}</style>
</head><body><h1>${e(t.title)}</h1><p>${e(t.generated)}: ${e(formatInstant(now, lang, reader))}</p>
${body}
</body></html>`;
}
