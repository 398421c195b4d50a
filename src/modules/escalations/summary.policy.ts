/**
 * A deterministic summary of a ticket's timeline for the brief's background: the latest
 * messages and field changes, trimmed, with labels in the reader's language. No external AI,
 * so the same timeline always gives the same text.
 *
 * Rules: quoted reply lines ("> …") and blank runs are dropped; whitespace is collapsed;
 * each message is cut at `maxCharsPerMessage` code points (never inside a surrogate pair)
 * with "…"; the whole text is cut at `maxTotalChars`. Events are listed oldest first.
 */
import { DateTime } from 'luxon';
import { VALUE_LABELS } from './origin.policy.js';

export type SummaryLang = 'ja' | 'en';

export interface SummaryEvent {
  atMs: number;
  kind: string;
  authorType: 'user' | 'customer' | 'system';
  authorName: string | null;
  visibility: 'public' | 'internal';
  body: string | null;
  /** For 'field.changed': { field, from, to }. */
  data?: Record<string, unknown>;
}

export interface SummaryOptions {
  lang: SummaryLang;
  timeZone: string;
  maxMessages?: number;
  maxChanges?: number;
  maxCharsPerMessage?: number;
  maxTotalChars?: number;
  /** Names of the people and teams field changes refer to by id (assigneeId, teamId, requesterId). */
  names?: Readonly<Record<string, string>>;
}

const FIELD_LABELS = {
  en: { status: 'Status', priority: 'Priority', assigneeId: 'Assignee', teamId: 'Team', category: 'Category', product: 'Product', tags: 'Tags', temperature: 'Customer temperature', requesterId: 'Customer', subject: 'Subject', cc: 'CC', channel: 'Channel' },
  ja: { status: 'ステータス', priority: '優先度', assigneeId: '担当者', teamId: 'チーム', category: 'カテゴリ', product: '製品', tags: 'タグ', temperature: '温度感', requesterId: 'お客様', subject: '件名', cc: 'CC', channel: 'チャネル' },
} as const;
const ID_FIELDS = new Set(['assigneeId', 'teamId', 'requesterId']);

const LABELS = {
  en: {
    title: (shown: number, total: number, changes: number, zone: string) =>
      `Timeline summary (latest ${shown} of ${total} messages, ${changes} field changes; times in ${zone})`,
    messages: 'Messages:',
    changes: 'Field changes:',
    customer: 'Customer',
    agent: 'Agent',
    system: 'System',
    internal: ' (internal note)',
    empty: '(empty)',
    unknown: '(deleted)',
    none: 'Nothing has happened on this ticket yet.',
    by: 'by',
  },
  ja: {
    title: (shown: number, total: number, changes: number, zone: string) =>
      `経緯の要約（メッセージ全${total}件中 最新${shown}件、項目変更${changes}件、時刻は${zone}）`,
    messages: 'メッセージ:',
    changes: '項目変更:',
    customer: 'お客様',
    agent: '担当者',
    system: 'システム',
    internal: '（社内メモ）',
    empty: '（空）',
    unknown: '（削除済み）',
    none: 'このチケットにはまだ経緯がありません。',
    by: '変更者',
  },
} as const;

const truncate = (s: string, max: number): string => {
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, Math.max(0, max - 1)).join('') + '…';
};

/** Drops quoted reply lines and collapses whitespace. */
export const cleanMessage = (body: string): string =>
  body
    .split(/\r?\n/)
    .filter((line) => !/^\s*(>|＞)/.test(line))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();

const show = (v: unknown, empty: string): string => {
  if (v === null || v === undefined || v === '') return empty;
  if (Array.isArray(v)) return v.length ? v.map(String).join(', ') : empty;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
};

export const summarizeTimeline = (events: readonly SummaryEvent[], options: SummaryOptions): string => {
  const L = LABELS[options.lang];
  const maxMessages = options.maxMessages ?? 5;
  const maxChanges = options.maxChanges ?? 10;
  const perMessage = options.maxCharsPerMessage ?? 300;
  const maxTotal = options.maxTotalChars ?? 4000;
  const ordered = [...events].sort((a, b) => a.atMs - b.atMs);
  const when = (ms: number) =>
    DateTime.fromMillis(ms, { zone: options.timeZone }).toFormat('yyyy-MM-dd HH:mm');

  const messages = ordered.filter((e) => e.kind === 'message.added' && e.body && cleanMessage(e.body));
  const changes = ordered.filter(
    (e) => e.kind === 'field.changed' && e.data && typeof e.data.field === 'string',
  );
  if (!messages.length && !changes.length) return L.none;

  const latest = messages.slice(-maxMessages);
  const lines: string[] = [L.title(latest.length, messages.length, changes.length, options.timeZone)];
  if (latest.length) {
    lines.push(L.messages);
    for (const m of latest) {
      const who = m.authorType === 'customer' ? L.customer : m.authorType === 'system' ? L.system : L.agent;
      const name = m.authorName ? ` (${m.authorName})` : '';
      const note = m.visibility === 'internal' ? L.internal : '';
      lines.push(
        `- ${when(m.atMs)} ${who}${name}${note}: ${truncate(cleanMessage(m.body ?? ''), perMessage)}`,
      );
    }
  }
  const latestChanges = changes.slice(-maxChanges);
  if (latestChanges.length) {
    lines.push(L.changes);
    for (const c of latestChanges) {
      const d = c.data as Record<string, unknown>;
      const by = c.authorName ? ` (${L.by} ${c.authorName})` : '';
      const field = String(d.field);
      const label = (FIELD_LABELS[options.lang] as Record<string, string>)[field] ?? field;
      const shown = (v: unknown) => {
        if (typeof v !== 'string' || v === '') return show(v, L.empty);
        if (ID_FIELDS.has(field)) return options.names?.[v] ?? L.unknown;
        return VALUE_LABELS[options.lang][field]?.[v] ?? v;
      };
      lines.push(`- ${when(c.atMs)} ${label}: ${truncate(shown(d.from), 100)} → ${truncate(shown(d.to), 100)}${by}`);
    }
  }
  return truncate(lines.join('\n'), maxTotal);
};

/** Whether a background is the summary of a ticket with no history yet (in either language). */
export const isEmptySummary = (background: string): boolean => background === LABELS.ja.none || background === LABELS.en.none;
