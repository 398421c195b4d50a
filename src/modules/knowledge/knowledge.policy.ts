/** Pure rules of knowledge articles (no I/O; time passed in). */
import type { FieldProblem } from '../../lib/errors.js';
import type { ReviewFlag } from './knowledge.types.js';

/** How long after it is written an article's first review is due, unless given. */
export const DEFAULT_REVIEW_DAYS = 180;

/**
 * A date (2027-06-01) or an ISO-8601 instant as epoch ms, NaN when it is neither. A day the month
 * does not have (2027-02-31) is NaN: Date.parse would roll it into the next month silently.
 */
export function parseDateOrInstant(v: string): number {
  const ms = Date.parse(v);
  const d = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
  if (Number.isNaN(ms) || !d) return ms;
  const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const check = new Date(Date.UTC(y, m - 1, day));
  return check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === day ? ms : NaN;
}

/**
 * At review an article is flagged when its review date has come, and — then — when nobody has
 * inserted it into a reply since it was written: knowledge nobody uses is retired or rewritten.
 * An article whose answer came back (answer_returned: see answerReturned) is flagged at once,
 * whatever its review date: the answer it gives may be wrong.
 */
export function reviewFlags(a: { reviewAt: number | null; useCount: number; answerReturned?: boolean }, now: number): ReviewFlag[] {
  const out: ReviewFlag[] = [];
  if (a.reviewAt !== null && a.reviewAt <= now) out.push(...(a.useCount === 0 ? (['review_due', 'never_used'] as const) : (['review_due'] as const)));
  if (a.answerReturned) out.push('answer_returned');
  return out;
}

/** A ticket's status change (from a field.changed event's data). */
export interface StatusChange {
  ticketId: string;
  from: unknown;
  to: unknown;
  at: number;
}

const DONE = new Set(['solved', 'closed']);
/** A solved or closed ticket opened again: the customer came back, the answer did not hold. */
export const isReopen = (c: Pick<StatusChange, 'from' | 'to'>): boolean => typeof c.from === 'string' && DONE.has(c.from) && typeof c.to === 'string' && !DONE.has(c.to);

/**
 * Whether an article's answer was returned: after it was inserted into a reply on a ticket, that
 * ticket was reopened or one of its escalations was returned (差し戻し). `setbacks`: reopenings
 * and returned escalations, by ticket and time.
 */
export function answerReturned(uses: readonly { ticketId: string; at: number }[], setbacks: readonly { ticketId: string; at: number }[]): boolean {
  return uses.some((u) => setbacks.some((s) => s.ticketId === u.ticketId && s.at > u.at));
}

/** An article needs a title and a body in at least one language; each language is whole or empty. */
export function articleProblems(a: { titleJa: string; bodyJa: string; titleEn: string; bodyEn: string }): FieldProblem[] {
  const out: FieldProblem[] = [];
  const ja = a.titleJa.trim() !== '' || a.bodyJa.trim() !== '';
  const en = a.titleEn.trim() !== '' || a.bodyEn.trim() !== '';
  if (!ja && !en) out.push({ field: 'titleJa', message: 'write the article in Japanese or English (a title and a body)', code: 'article_text_required' });
  if (ja && a.titleJa.trim() === '') out.push({ field: 'titleJa', message: 'the Japanese version needs a title', code: 'version_title_required' });
  if (ja && a.bodyJa.trim() === '') out.push({ field: 'bodyJa', message: 'the Japanese version needs a body', code: 'version_body_required' });
  if (en && a.titleEn.trim() === '') out.push({ field: 'titleEn', message: 'the English version needs a title', code: 'version_title_required' });
  if (en && a.bodyEn.trim() === '') out.push({ field: 'bodyEn', message: 'the English version needs a body', code: 'version_body_required' });
  return out;
}

/** Whether a text is mostly Japanese (an answer turned into an article fills that language). */
export function looksJapanese(text: string): boolean {
  const jp = (text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  return jp > 0 && jp * 3 >= latin;
}

/**
 * The article an escalation's answer becomes, pre-filled: the question (the brief's ask) as the
 * title, the answer first, then what the brief said of the problem; in the language it is in.
 */
export function articleFromAnswer(e: { ask: string; concern: string; tried: string; environment: string; category: string; answer: string; subject: string }): {
  titleJa: string;
  bodyJa: string;
  titleEn: string;
  bodyEn: string;
  category: string | null;
} {
  const title = (e.ask.trim() || e.subject.trim()).slice(0, 200);
  const ja = looksJapanese(`${title} ${e.answer}`);
  const parts = ja
    ? [e.answer.trim(), e.concern.trim() && `【状況】\n${e.concern.trim()}`, e.tried.trim() && `【試したこと】\n${e.tried.trim()}`, e.environment.trim() && `【環境】\n${e.environment.trim()}`]
    : [e.answer.trim(), e.concern.trim() && `Situation:\n${e.concern.trim()}`, e.tried.trim() && `Already tried:\n${e.tried.trim()}`, e.environment.trim() && `Environment:\n${e.environment.trim()}`];
  const body = parts.filter(Boolean).join('\n\n');
  return ja
    ? { titleJa: title, bodyJa: body, titleEn: '', bodyEn: '', category: e.category.trim() || null }
    : { titleJa: '', bodyJa: '', titleEn: title, bodyEn: body, category: e.category.trim() || null };
}
