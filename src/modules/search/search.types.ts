/** What kinds of things are searchable, and how the API's `type` groups them. */
export const DOC_KINDS = ['ticket', 'message', 'note', 'call', 'escalation', 'hand', 'incident', 'incident_update', 'customer', 'organization', 'article', 'path'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

export const SEARCH_TYPES = ['ticket', 'customer', 'escalation', 'incident', 'article'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

/** The kinds each search type shows (a hand-raise is a kind of escalation question; a path is where escalations go). */
export const KINDS_OF_TYPE: Record<SearchType, DocKind[]> = {
  ticket: ['ticket', 'message', 'note', 'call'],
  customer: ['customer', 'organization'],
  escalation: ['escalation', 'hand', 'path'],
  incident: ['incident', 'incident_update'],
  article: ['article'],
};

export function typeOfKind(kind: string): SearchType {
  for (const t of SEARCH_TYPES) if ((KINDS_OF_TYPE[t] as string[]).includes(kind)) return t;
  return 'ticket';
}

/**
 * One searchable thing, as other modules hand it to `SearchService.indexDocument` in the
 * transaction of their change. `fields` are the texts to index (any language, any length;
 * empty ones are skipped); `title` is what a result is headed with (tickets' documents are
 * headed with the ticket's subject and number instead); `body` is the text snippets come from
 * (default: the fields joined). A document of a ticket is seen by whoever sees the ticket.
 */
export interface IndexDocumentInput {
  kind: DocKind;
  /** The source's id, unique within the kind. */
  id: string;
  ticketId?: string | null;
  customerId?: string | null;
  title?: string;
  fields: readonly (string | null | undefined)[];
  body?: string;
  /** When the source was written (the date filter and the order of candidates). */
  at: number;
}

export interface SearchFilters {
  type?: SearchType;
  status?: string[];
  teamId?: string[];
  customerId?: string;
  from?: number;
  to?: number;
}

/** Re-builds every document of one kind from its source, in pages by id (reindex). */
export interface SearchSource {
  kind: DocKind | DocKind[];
  /** Documents of sources with id > afterId, at most `limit` sources, in id order; `last` is the page's last source id. */
  page(ex: import('../../db/database.js').Executor, afterId: string, limit: number): Promise<{ docs: IndexDocumentInput[]; last: string | null }>;
}
