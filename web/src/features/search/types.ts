import type { EscalationOrigin } from '../escalations/types.js';
export interface Marked {
  text: string;
  ranges: [number, number][];
}
export interface SearchHit {
  type: 'ticket' | 'customer' | 'escalation' | 'incident' | 'article';
  kind: string;
  id: string;
  ticketId: string | null;
  ticketNumber: number | null;
  ticketStatus: string | null;
  customerId: string | null;
  title: Marked;
  /** An escalation the system started: why, so it is headed in the reader's language. */
  origin?: EscalationOrigin | null;
  snippet: Marked;
  at: string;
  score: number;
}
export interface SearchResult {
  items: SearchHit[];
  nextCursor: string | null;
  mode: 'index' | 'scan';
}
export const SEARCH_TABS = ['all', 'ticket', 'customer', 'escalation', 'incident', 'article'] as const;
