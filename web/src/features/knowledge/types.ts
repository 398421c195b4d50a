import type { EscalationOrigin } from '../escalations/types.js';
import type { Marked } from '../search/types.js';

export interface Article {
  id: string;
  titleJa: string;
  bodyJa: string;
  titleEn: string;
  bodyEn: string;
  category: string | null;
  product: string | null;
  ownerId: string | null;
  reviewAt: string | null;
  visibility: 'internal' | 'public';
  useCount: number;
  reviewFlags: ('review_due' | 'never_used' | 'answer_returned')[];
  version: number;
  match?: { title: Marked; snippet: Marked };
}
export interface SimilarEscalation {
  escalationId: string;
  ticketId: string;
  ticketNumber: number;
  subject: string;
  ask: string;
  /** Why the system started it (automatic, SLA…): the ask in the reader's language. */
  origin: EscalationOrigin | null;
  category: string;
  answer: string | null;
  answeredBy: { id: string; name: string } | null;
  answeredAt: string | null;
  score: number;
  match: Marked;
}

/** The article's text in the reader's language, else the other one. */
export function articleText(a: Article, lang: string): { title: string; body: string } {
  const ja = { title: a.titleJa, body: a.bodyJa };
  const en = { title: a.titleEn, body: a.bodyEn };
  const first = lang === 'ja' ? ja : en;
  return first.title || first.body ? first : lang === 'ja' ? en : ja;
}
