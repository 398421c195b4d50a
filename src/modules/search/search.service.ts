/**
 * One search over everything a desk writes (issue 19). Other modules index their things in
 * the transaction of the change (`indexDocument`, `removeDocument`, or the ticket hooks); the
 * query is tokenized by the same tokenizer, matched by the database's full-text index and
 * ranked there; every ticket document goes through the ticket access policy like the lists.
 */
import type { Db, Executor } from '../../db/database.js';
import { parseJson } from '../../db/database.js';
import type { EscalationOrigin } from '../escalations/index.js';
import { compactSearchIndex, fullTextQuery, type DialectName } from '../../db/dialect.js';
import { decodeCursor, encodeCursor } from '../../http/cursor.js';
import type { Clock } from '../../lib/clock.js';
import { invalid } from '../../lib/errors.js';
import { getSetting, putSetting } from '../../lib/settings.js';
import { can } from '../auth/index.js';
import type { TicketHooks, TicketAccess, TicketViewer } from '../tickets/index.js';
import * as repo from './search.repository.js';
import { encodeToken, indexText, normalise, parseQuery, snippet, tokenize, TOKENIZER_VERSION, type ParsedQuery } from './tokenizer.js';
import { typeOfKind, type DocKind, type IndexDocumentInput, type SearchFilters, type SearchSource, type SearchType } from './search.types.js';
import { builtInSources, escalationDocument, customerDocument, organizationDocument, ticketDocument, ticketDocuments, eventDocument } from './search.sources.js';

/** Matching documents taken (newest first) before ranking: bounds the cost of a very common word. */
export const RANK_CANDIDATES = 2000;
/** Documents a one-character query looks through (newest first). */
export const SCAN_LIMIT = 5000;
/** Words of a text a similarity lookup asks for (the first ones: subject, category, then the rest). */
const SIMILAR_WORDS = 40;
/** Longest text kept for snippets of one document. */
const MAX_BODY = 20_000;

export interface SearchHitView {
  type: SearchType;
  kind: string;
  id: string;
  ticketId: string | null;
  ticketNumber: number | null;
  ticketStatus: string | null;
  customerId: string | null;
  title: { text: string; ranges: [number, number][] };
  /**
   * An escalation the system started (automatic, SLA, ping-pong, incident): why, as facts, so
   * the console heads it in the reader's language instead of the stored ask's.
   */
  origin?: EscalationOrigin | null;
  snippet: { text: string; ranges: [number, number][] };
  at: string;
  score: number;
}

export interface SearchResult {
  items: SearchHitView[];
  nextCursor: string | null;
  /** 'index': ranked by the full-text index; 'scan': a one-character query looked through the newest documents. */
  mode: 'index' | 'scan';
}

export interface ReindexProgress {
  source: number;
  sources: number;
  kind: string;
  documents: number;
  done: boolean;
}

interface ReindexState {
  version: number;
  /** Set while a rebuild runs: where to go on from. */
  cursor?: { source: number; afterId: string; documents: number } | null;
  startedAt?: number;
  builtAt?: number;
}

const STATE_KEY = 'search.index';

/** The reading rules of kinds that are not a ticket's (hands, incidents); none for the system. */
function kindGate(viewer: TicketViewer | null): repo.KindGate | undefined {
  if (viewer === null) return undefined;
  return { userId: viewer.userId, allHands: can(viewer.role, 'escalations.supervise'), incidents: can(viewer.role, 'incidents.read'), paths: can(viewer.role, 'escalations.read') };
}

export class SearchService {
  private readonly sources: SearchSource[] = builtInSources();
  /** How many of the newest matches a query ranks (RANK_CANDIDATES; tests make it small). */
  rankCandidates = RANK_CANDIDATES;
  /** PostgreSQL: how many of the newest documents are walked before the GIN index is used (repo.NEWEST_WINDOW). */
  newestWindow = repo.NEWEST_WINDOW;

  constructor(
    private readonly db: Db,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
    private readonly access: TicketAccess,
  ) {}

  /** Another module's things become searchable (their reindex source). */
  registerSource(source: SearchSource): void {
    this.sources.push(source);
  }

  // ---------------------------------------------------------------------------------------
  // Indexing API (called in the caller's transaction)

  /** `fresh`: the document's source was created in this transaction, so there is nothing to replace. */
  async indexDocument(ex: Executor, doc: IndexDocumentInput, fresh = false): Promise<void> {
    const { row, tokens } = documentRow(doc);
    if (tokens === '') {
      if (!fresh) await repo.deleteDocument(ex, doc.kind, doc.id);
      return;
    }
    await (fresh ? repo.insertDocument : repo.upsertDocument)(ex, row, tokens, TOKENIZER_VERSION, this.clock.now());
  }

  /** indexDocument for several existing documents at once (multi-row statements: repo.upsertDocuments). */
  async indexDocuments(ex: Executor, docs: IndexDocumentInput[]): Promise<void> {
    const rows = docs.map(documentRow);
    await repo.deleteDocuments(ex, rows.filter((r) => r.tokens === '').map((r) => r.row));
    await repo.upsertDocuments(ex, rows.filter((r) => r.tokens !== ''), TOKENIZER_VERSION, this.clock.now());
  }

  removeDocument(ex: Executor, kind: DocKind, id: string): Promise<void> {
    return repo.deleteDocument(ex, kind, id);
  }

  /** Every document of a ticket rebuilt from what is stored now (after an erasure, a redaction). */
  async reindexTicket(ex: Executor, ticketId: string): Promise<void> {
    await repo.deleteTicketDocuments(ex, ticketId);
    for (const d of await ticketDocuments(ex, [ticketId])) await this.indexDocument(ex, d);
    const subject = (await ex.selectFrom('tickets').select('subject').where('id', '=', ticketId).executeTakeFirst())?.subject ?? '';
    for (const row of await ex.selectFrom('escalations').selectAll().where('ticket_id', '=', ticketId).execute()) await this.indexDocument(ex, escalationDocument(row, subject));
  }

  async indexEscalation(ex: Executor, id: string): Promise<void> {
    const row = await ex.selectFrom('escalations').innerJoin('tickets', 'tickets.id', 'escalations.ticket_id').selectAll('escalations').select('tickets.subject as ticket_subject').where('escalations.id', '=', id).executeTakeFirst();
    if (row) await this.indexDocument(ex, escalationDocument(row, row.ticket_subject));
    else await repo.deleteDocument(ex, 'escalation', id);
  }

  /** `created`: the customer was inserted in this transaction, so it has no document yet. */
  async indexCustomer(ex: Executor, id: string, created = false): Promise<void> {
    const row = await ex.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
    const doc = row ? customerDocument(row) : null;
    if (doc) await this.indexDocument(ex, doc, created);
    else await repo.deleteDocument(ex, 'customer', id);
  }

  /** An erased customer: their own document goes, their tickets' documents are rebuilt from the redacted rows. */
  async customerErased(ex: Executor, customerId: string, ticketIds: readonly string[]): Promise<void> {
    await repo.deleteCustomerDocuments(ex, customerId);
    for (const t of new Set(ticketIds)) await this.reindexTicket(ex, t);
    await compactSearchIndex(ex);
  }

  async indexOrganization(ex: Executor, id: string): Promise<void> {
    const row = await ex.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    if (row) await this.indexDocument(ex, organizationDocument(row));
    else await repo.deleteDocument(ex, 'organization', id);
  }

  /** Tickets, their messages, notes and calls are indexed as they are written. */
  ticketHooks(): TicketHooks {
    const TEXT_FIELDS = new Set(['subject', 'tags', 'category', 'product']);
    return {
      afterCreate: (tx, ticket) => this.indexDocument(tx, ticketDocument(ticket), true),
      afterUpdate: async (tx, _before, after, changes) => {
        if (changes.some((c) => TEXT_FIELDS.has(c.field))) await this.indexDocument(tx, ticketDocument(after));
      },
      afterUpdateMany: async (tx, updates) => {
        const docs = updates.filter((u) => u.changes.some((c) => TEXT_FIELDS.has(c.field))).map((u) => ticketDocument(u.after));
        await this.indexDocuments(tx, docs);
      },
      afterEvent: async (ex, ticketId, kind, event) => {
        if (!event?.body) return;
        const doc = eventDocument({ id: event.id, ticket_id: ticketId, kind, visibility: event.visibility, body: event.body, created_at: event.createdAt });
        // An appended event is new: its document is too.
        if (doc) await this.indexDocument(ex, doc, true);
      },
      // Many new events (a fan-out's batch of replies): their documents in one statement on PostgreSQL.
      afterEvents: async (ex, events) => {
        const docs = events.flatMap(({ ticketId, kind, event }) => {
          const doc = event.body ? eventDocument({ id: event.id, ticket_id: ticketId, kind, visibility: event.visibility, body: event.body, created_at: event.createdAt }) : null;
          return doc ? [doc] : [];
        });
        if (docs.length === 1) await this.indexDocument(ex, docs[0]!, true);
        else if (docs.length > 1) await this.indexDocuments(ex, docs);
      },
    };
  }

  // ---------------------------------------------------------------------------------------
  // Queries

  /** Parses a query; 400 when it has nothing to find. */
  parse(q: string): ParsedQuery {
    const parsed = parseQuery(q);
    if (!parsed.terms.some((t) => !t.exclude && t.tokens.length))
      throw invalid([{ field: 'q', message: 'give at least one word to find (a -word only excludes)', code: 'search_words_required' }]);
    return parsed;
  }

  async search(viewer: TicketViewer | null, input: { q: string; filters: SearchFilters; limit: number; cursor?: string }): Promise<SearchResult> {
    const parsed = this.parse(input.q);
    const offset = Number(decodeCursor(input.cursor)?.v ?? 0) || 0;
    const scope = await this.access.scope(viewer);
    let rows: repo.Hit[];
    let mode: SearchResult['mode'] = 'index';
    if (parsed.singleChar !== null) {
      mode = 'scan';
      const ch = parsed.singleChar;
      const excluded = parsed.terms.filter((t) => t.exclude).flatMap((t) => t.tokens);
      const all = (await repo.newestDocuments(this.db, { ...input.filters, gate: kindGate(viewer) }, scope, SCAN_LIMIT)).filter((r) => {
        const text = normalise(`${r.title}\n${r.ticket_subject ?? ''}\n${r.body}`);
        return text.includes(ch) && !excluded.some((x) => text.includes(x));
      });
      rows = all.slice(offset, offset + input.limit + 1);
    } else {
      rows = await repo.findMatches(this.db, this.ftsQuery(parsed), { ...input.filters, gate: kindGate(viewer) }, scope, { offset, limit: input.limit + 1, candidates: this.rankCandidates, newestWindow: this.newestWindow });
    }
    const more = rows.length > input.limit;
    const items = await this.withOrigins(rows.slice(0, input.limit).map((r) => this.present(r, parsed)));
    return { items, nextCursor: more ? encodeCursor({ v: offset + input.limit, id: 'o' }) : null, mode };
  }

  /**
   * Documents most like a text (any of its words, best ranked first): similar past escalations
   * for the escalate dialog and the ticket page. Null-safe: a text without words finds nothing.
   */
  async similar(viewer: TicketViewer | null, text: string, opts: { kinds: DocKind[]; resolvedEscalations?: boolean; excludeTicketId?: string; limit: number }): Promise<SearchHitView[]> {
    const words = [...new Set(tokenize(text))].filter((w) => Array.from(w).length >= 2 && !/^[0-9]+$/.test(w)).slice(0, SIMILAR_WORDS);
    if (!words.length) return [];
    const parsed: ParsedQuery = { terms: words.map((w) => ({ tokens: [w], phrase: false, exclude: false })), singleChar: null, highlights: [] };
    const query = fullTextQuery(this.dialect, parsed.terms.map((t) => ({ ...t, tokens: t.tokens.map(encodeToken) })), 'any');
    const scope = await this.access.scope(viewer);
    const rows = await repo.findMatches(this.db, query, { kinds: opts.kinds, resolvedEscalations: opts.resolvedEscalations, excludeTicketId: opts.excludeTicketId, gate: kindGate(viewer) }, scope, { offset: 0, limit: opts.limit, candidates: this.rankCandidates, newestWindow: this.newestWindow });
    return this.withOrigins(rows.map((r) => this.present(r, { ...parsed, highlights: words })));
  }

  /** Escalation hits get their origin (one query for the page). */
  private async withOrigins(hits: SearchHitView[]): Promise<SearchHitView[]> {
    const ids = hits.filter((h) => h.kind === 'escalation').map((h) => h.id);
    if (!ids.length) return hits;
    const rows = await this.db.selectFrom('escalations').select(['id', 'snapshot']).where('id', 'in', ids).execute();
    const origins = new Map(rows.map((r) => [r.id, parseJson<{ origin?: EscalationOrigin }>(r.snapshot, {}).origin ?? null]));
    return hits.map((h) => (h.kind === 'escalation' ? { ...h, origin: origins.get(h.id) ?? null } : h));
  }

  /** The database query for a parsed query (tokens encoded as indexed). */
  ftsQuery(parsed: ParsedQuery): string {
    return fullTextQuery(
      this.dialect,
      parsed.terms.map((t) => ({ ...t, tokens: t.tokens.map(encodeToken) })),
    );
  }

  /**
   * The ticket list's text filter: a subquery of the ids of tickets with a matching ticket,
   * message, note or call document, or null when the text has no word to find.
   */
  ticketIdsMatching(text: string) {
    const parsed = parseQuery(text);
    if (!parsed.terms.some((t) => !t.exclude && t.tokens.length) || parsed.singleChar !== null) return null;
    return repo.matchingTicketIds(this.db, this.ftsQuery(parsed), ['ticket', 'message', 'note', 'call']);
  }

  private present(r: repo.Hit, parsed: ParsedQuery): SearchHitView {
    const title = r.ticket_id && ['ticket', 'message', 'note', 'call'].includes(r.kind) ? (r.ticket_subject ?? r.title) : r.title || (r.ticket_subject ?? '');
    const hs = parsed.singleChar !== null ? [parsed.singleChar] : parsed.highlights;
    const t = snippet(title, hs, 200);
    return {
      type: typeOfKind(r.kind),
      kind: r.kind,
      id: r.ref_id,
      ticketId: r.ticket_id,
      ticketNumber: r.ticket_number === null ? null : Number(r.ticket_number),
      ticketStatus: r.ticket_status,
      customerId: r.customer_id,
      title: t,
      snippet: snippet(r.body, hs),
      at: new Date(r.at).toISOString(),
      score: Math.round(r.score * 1000) / 1000,
    };
  }

  // ---------------------------------------------------------------------------------------
  // Rebuilding

  async status(): Promise<{ version: number | null; current: number; building: boolean; staleDocuments: number }> {
    const s = await getSetting<ReindexState>(this.db, STATE_KEY);
    return { version: s?.version ?? null, current: TOKENIZER_VERSION, building: !!s?.cursor, staleDocuments: await repo.countStale(this.db, TOKENIZER_VERSION) };
  }

  /**
   * Rebuilds every document from its source with the current tokenizer, `batch` sources per
   * transaction. The cursor is saved with each batch, so an interrupted rebuild goes on where it
   * stopped; running it again when nothing changed rebuilds nothing unless `force`. Documents
   * whose source is gone (old version left after the pass) are removed at the end.
   */
  async reindex(opts: { batch?: number; force?: boolean; onProgress?: (p: ReindexProgress) => void } = {}): Promise<{ documents: number; rebuilt: boolean }> {
    const batch = opts.batch ?? 200;
    let state = (await getSetting<ReindexState>(this.db, STATE_KEY)) ?? { version: 0 };
    if (!opts.force && !state.cursor && state.version === TOKENIZER_VERSION && (await repo.countStale(this.db, TOKENIZER_VERSION)) === 0) return { documents: 0, rebuilt: false };
    let cursor = state.cursor && !opts.force ? state.cursor : { source: 0, afterId: '', documents: 0 };
    // Rows written by this pass carry the current version; a forced pass marks everything stale first.
    if (!state.cursor || opts.force) {
      await this.db.updateTable('search_documents').set({ version: 0 }).execute();
      state = { ...state, startedAt: this.clock.now(), cursor };
      await putSetting(this.db, STATE_KEY, state);
    }
    for (; cursor.source < this.sources.length; cursor = { source: cursor.source + 1, afterId: '', documents: cursor.documents }) {
      const src = this.sources[cursor.source]!;
      const kind = Array.isArray(src.kind) ? src.kind.join(',') : src.kind;
      for (;;) {
        const c = cursor;
        const page = await this.db.transaction().execute(async (tx) => {
          const p = await src.page(tx, c.afterId, batch);
          // The batch's documents in multi-row statements (was one statement or more per document: 781/s on SQLite, 260/s on PostgreSQL).
          await this.indexDocuments(tx, p.docs);
          if (p.last !== null) await putSetting(tx, STATE_KEY, { ...state, cursor: { source: c.source, afterId: p.last, documents: c.documents + p.docs.length } });
          return p;
        });
        if (page.last === null) break;
        cursor = { source: c.source, afterId: page.last, documents: c.documents + page.docs.length };
        opts.onProgress?.({ source: cursor.source + 1, sources: this.sources.length, kind, documents: cursor.documents, done: false });
      }
    }
    const kinds = [...new Set(this.sources.flatMap((s) => (Array.isArray(s.kind) ? s.kind : [s.kind])))];
    await repo.deleteStale(this.db, TOKENIZER_VERSION, kinds);
    await putSetting(this.db, STATE_KEY, { version: TOKENIZER_VERSION, cursor: null, startedAt: state.startedAt, builtAt: this.clock.now() } satisfies ReindexState);
    opts.onProgress?.({ source: this.sources.length, sources: this.sources.length, kind: '', documents: cursor.documents, done: true });
    return { documents: cursor.documents, rebuilt: true };
  }
}


/** A document's row and its index tokens ('' when it has no text to find). */
function documentRow(doc: IndexDocumentInput): { row: repo.DocumentRow; tokens: string } {
  const texts = doc.fields.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  const body = (doc.body ?? texts.join('\n')).slice(0, MAX_BODY);
  const tokens = indexText([doc.title ?? '', ...texts].join('\n'));
  return {
    row: { kind: doc.kind, ref_id: doc.id, ticket_id: doc.ticketId ?? null, customer_id: doc.customerId ?? null, title: (doc.title ?? '').slice(0, 500), body, at: doc.at },
    tokens,
  };
}
