import type { SkipReason } from './satisfaction.types.js';

export { hashToken } from '../../lib/ids.js';

export interface SurveyFacts {
  ticketStatus: string;
  tags: readonly string[];
  email: string | null;
  erased: boolean;
  bouncing: boolean;
  automated: boolean;
  /** When this customer was last sent a survey (another ticket's), or null. */
  lastSentToCustomerAt: number | null;
  /** The ticket was solved by a major incident's mass resolution (tag `incident:mass_resolved`). */
  massResolved?: boolean;
  /** The ticket was merged into another (the conversation goes on there). */
  merged?: boolean;
}

/**
 * Whether a survey may go out now, or why not. Tickets tagged spam or merged are never
 * surveyed, nor tickets solved by an incident's mass resolution; nor addresses that bounce or
 * belong to machines (no-reply, mailer-daemon…); nor a customer surveyed within fatigueDays.
 * A ticket reopened before the survey was due returns 'wait': the next solve reschedules it.
 */
export function surveyDecision(f: SurveyFacts, now: number, fatigueDays: number): 'send' | 'wait' | SkipReason {
  if (f.ticketStatus !== 'solved' && f.ticketStatus !== 'closed') return 'wait';
  const tags = new Set(f.tags.map((t) => t.toLowerCase()));
  if (tags.has('spam')) return 'spam';
  if (f.merged || tags.has('merged')) return 'merged';
  if (f.massResolved || tags.has('incident:mass_resolved')) return 'major_incident';
  if (f.erased) return 'erased';
  if (!f.email) return 'no_address';
  if (f.bouncing) return 'bouncing';
  if (f.automated) return 'automated';
  if (f.lastSentToCustomerAt !== null && now - f.lastSentToCustomerAt < fatigueDays * 86_400_000) return 'fatigue';
  return 'send';
}

/** A rating as submitted: good/bad, or a 1–5 score (4–5 good). Null when neither is valid. */
export function parseRating(rating: unknown, score: unknown): { rating: 'good' | 'bad'; score: number | null } | null {
  const n = typeof score === 'number' ? score : typeof score === 'string' && /^[1-5]$/.test(score) ? Number(score) : null;
  if (n !== null && Number.isInteger(n) && n >= 1 && n <= 5) return { rating: n >= 4 ? 'good' : 'bad', score: n };
  if (rating === 'good' || rating === 'bad') return { rating, score: null };
  return null;
}

/** The survey link may be used until it expires, once. */
export const linkUsable = (s: { state: string; expires_at: number | null }, now: number): 'ok' | 'expired' | 'used' =>
  s.state === 'rated' ? 'used' : s.state !== 'sent' || s.expires_at === null || now >= s.expires_at ? 'expired' : 'ok';
