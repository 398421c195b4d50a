import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { dialectOf, fullTextSource, insertSearchDocument, searchVectorColumn, setSearchTokens } from '../../db/dialect.js';
import type { TicketScope } from '../tickets/index.js';
import { ticketRefVisibleCondition } from '../tickets/index.js';
import type { SearchFilters } from './search.types.js';
import { KINDS_OF_TYPE } from './search.types.js';

export interface DocumentRow {
  kind: string;
  ref_id: string;
  ticket_id: string | null;
  customer_id: string | null;
  title: string;
  body: string;
  at: number;
}

/**
 * Writes (or rewrites) one document and its tokens. On PostgreSQL that is one statement (insert
 * … on conflict (kind, ref_id) do update, the tsvector computed in it: was look up + write + set
 * tsv, 3.7 ms a message); SQLite keeps the tokens in the FTS5 table beside the row.
 */
export async function upsertDocument(ex: Executor, row: DocumentRow, tokens: string, version: number, now: number): Promise<void> {
  const values = { ...row, version, updated_at: now };
  if (dialectOf(ex) === 'postgres') {
    const { kind: _k, ref_id: _r, ...changed } = values;
    await ex
      .insertInto('search_documents')
      .values({ ...values, ...searchVectorColumn(tokens) })
      .onConflict((oc) => oc.columns(['kind', 'ref_id']).doUpdateSet({ ...changed, ...searchVectorColumn(tokens) }))
      .execute();
    return;
  }
  const existing = await ex.selectFrom('search_documents').select('seq').where('kind', '=', row.kind).where('ref_id', '=', row.ref_id).executeTakeFirst();
  let seq: number;
  if (existing) {
    seq = Number(existing.seq);
    await ex.updateTable('search_documents').set(values).where('seq', '=', seq).execute();
  } else {
    const r = await ex.insertInto('search_documents').values(values).returning('seq').executeTakeFirstOrThrow();
    seq = Number(r.seq);
  }
  await setSearchTokens(ex, seq, tokens, !existing);
}

/** Rows per multi-row statement (PostgreSQL takes at most 65,535 parameters; a row has 9). */
const ROWS_PER_STATEMENT = 1000;

/**
 * upsertDocument for many documents (a batch of tickets re-tagged at once, a reindex batch):
 * multi-row statements of up to ROWS_PER_STATEMENT rows. PostgreSQL: one upsert each (the
 * tsvector computed in it; upsertDocumentsPg). SQLite: the existing documents' seqs are looked up, the rows are
 * upserted on (kind, ref_id) (an existing document keeps its seq, new ones get theirs in the
 * order given, as one by one), the replaced documents' FTS5 entries are deleted and every
 * document's tokens inserted in one statement. A document given twice keeps its last version.
 */
export async function upsertDocuments(ex: Executor, docs: { row: DocumentRow; tokens: string }[], version: number, now: number): Promise<void> {
  const byRef = new Map<string, { row: DocumentRow; tokens: string }>();
  for (const d of docs) byRef.set(`${d.row.kind}\u0000${d.row.ref_id}`, d);
  const unique = [...byRef.values()];
  if (unique.length === 1) return upsertDocument(ex, unique[0]!.row, unique[0]!.tokens, version, now);
  const pg = dialectOf(ex) === 'postgres';
  for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
    const chunk = unique.slice(i, i + ROWS_PER_STATEMENT);
    if (pg) {
      await upsertDocumentsPg(ex, chunk, version, now);
      continue;
    }
    const upsert = ex
      .insertInto('search_documents')
      .values(chunk.map((d) => ({ ...d.row, version, updated_at: now })))
      .onConflict((oc) =>
        oc.columns(['kind', 'ref_id']).doUpdateSet((eb) => ({
          ticket_id: eb.ref('excluded.ticket_id'),
          customer_id: eb.ref('excluded.customer_id'),
          title: eb.ref('excluded.title'),
          body: eb.ref('excluded.body'),
          at: eb.ref('excluded.at'),
          version: eb.ref('excluded.version'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      );
    const existing = await existingSeqs(ex, chunk.map((d) => d.row));
    const written = await upsert.returning(['seq', 'kind', 'ref_id']).execute();
    const seqOf = new Map(written.map((r) => [`${r.kind}\u0000${r.ref_id}`, Number(r.seq)]));
    const replaced = [...existing.values()];
    if (replaced.length) await sql`delete from search_fts where rowid in (${sql.join(replaced)})`.execute(ex);
    const entries = chunk.map((d) => sql`(${seqOf.get(`${d.row.kind}\u0000${d.row.ref_id}`)!}, ${d.tokens})`);
    await sql`insert into search_fts (rowid, tokens) values ${sql.join(entries)}`.execute(ex);
  }
}

/**
 * PostgreSQL: the rows as one array per column, unnested into one upsert (in their order, so
 * new documents get their seqs as one by one). A VALUES list of 1,000 rows is 9,000 parameters
 * to bind and plan; nine arrays are quicker to send and to plan.
 */
async function upsertDocumentsPg(ex: Executor, docs: { row: DocumentRow; tokens: string }[], version: number, now: number): Promise<void> {
  const col = <T>(f: (d: { row: DocumentRow; tokens: string }) => T) => docs.map(f);
  await sql`insert into search_documents (kind, ref_id, ticket_id, customer_id, title, body, at, version, updated_at, tsv)
    select u.kind, u.ref_id, u.ticket_id, u.customer_id, u.title, u.body, u.at, ${version}, ${now}, to_tsvector('simple', u.tokens)
    from unnest(${col((d) => d.row.kind)}::text[], ${col((d) => d.row.ref_id)}::text[], ${col((d) => d.row.ticket_id)}::text[], ${col((d) => d.row.customer_id)}::text[],
      ${col((d) => d.row.title)}::text[], ${col((d) => d.row.body)}::text[], ${col((d) => d.row.at)}::bigint[], ${col((d) => d.tokens)}::text[])
      as u(kind, ref_id, ticket_id, customer_id, title, body, at, tokens)
    on conflict (kind, ref_id) do update set ticket_id = excluded.ticket_id, customer_id = excluded.customer_id, title = excluded.title, body = excluded.body,
      at = excluded.at, version = excluded.version, updated_at = excluded.updated_at, tsv = excluded.tsv`.execute(ex);
}

/** SQLite: the seqs of those of these documents that exist, by kind and ref_id. */
async function existingSeqs(ex: Executor, rows: DocumentRow[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const refsByKind = new Map<string, string[]>();
  for (const r of rows) {
    const refs = refsByKind.get(r.kind);
    if (refs) refs.push(r.ref_id);
    else refsByKind.set(r.kind, [r.ref_id]);
  }
  for (const [kind, refs] of refsByKind) {
    const found = await ex.selectFrom('search_documents').select(['seq', 'ref_id']).where('kind', '=', kind).where('ref_id', 'in', refs).execute();
    for (const f of found) out.set(`${kind}\u0000${f.ref_id}`, Number(f.seq));
  }
  return out;
}

/** Deletes these documents (kind and ref_id), one statement per kind. */
export async function deleteDocuments(ex: Executor, refs: { kind: string; ref_id: string }[]): Promise<void> {
  const byKind = new Map<string, string[]>();
  for (const r of refs) {
    const ids = byKind.get(r.kind);
    if (ids) ids.push(r.ref_id);
    else byKind.set(r.kind, [r.ref_id]);
  }
  for (const [kind, ids] of byKind)
    for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) await ex.deleteFrom('search_documents').where('kind', '=', kind).where('ref_id', 'in', ids.slice(i, i + ROWS_PER_STATEMENT)).execute();
}

/** Writes a document known to be new (its source row was written in this transaction). */
export async function insertDocument(ex: Executor, row: DocumentRow, tokens: string, version: number, now: number): Promise<void> {
  await insertSearchDocument(ex, { ...row, version, updated_at: now }, tokens);
}

export async function deleteDocument(ex: Executor, kind: string, refId: string): Promise<void> {
  await ex.deleteFrom('search_documents').where('kind', '=', kind).where('ref_id', '=', refId).execute();
}

export async function deleteTicketDocuments(ex: Executor, ticketId: string): Promise<void> {
  await ex.deleteFrom('search_documents').where('ticket_id', '=', ticketId).execute();
}

export async function deleteCustomerDocuments(ex: Executor, customerId: string): Promise<void> {
  await ex.deleteFrom('search_documents').where('customer_id', '=', customerId).execute();
}

export interface Hit {
  seq: number;
  kind: string;
  ref_id: string;
  ticket_id: string | null;
  customer_id: string | null;
  title: string;
  body: string;
  at: number;
  score: number;
  ticket_number: number | null;
  ticket_subject: string | null;
  ticket_status: string | null;
}

/** Filters shared by the full-text query and the scan (tickets of the document as `t`). */
/** Beyond the API's filters: what similar-escalation lookups narrow to. */
export interface InternalFilters {
  kinds?: string[];
  /** Only escalations that were resolved (with their answer). */
  resolvedEscalations?: boolean;
  excludeTicketId?: string;
  /** What the viewer may see beyond tickets (from SearchService.kindGate); absent for the system. */
  gate?: KindGate;
}

/**
 * Kinds with their own reading rule: a hand is seen by its operator, the supervisor who
 * claimed it and supervising roles (and, with a ticket, only by the ticket's readers, as
 * every ticket document); incidents and their updates need incidents.read.
 */
export interface KindGate {
  userId: string;
  allHands: boolean;
  incidents: boolean;
  /** Escalation paths (their names) are read with escalations.read, as GET /api/v1/paths. */
  paths: boolean;
}

function conditions(f: SearchFilters & InternalFilters, scope: TicketScope): RawBuilder<boolean>[] {
  const out: RawBuilder<boolean>[] = [];
  if (f.resolvedEscalations) out.push(sql<boolean>`exists (select 1 from escalations re where re.id = d.ref_id and re.status = 'resolved')`);
  if (f.excludeTicketId) out.push(sql<boolean>`(d.ticket_id is null or d.ticket_id <> ${f.excludeTicketId})`);
  const kinds = f.kinds ?? (f.type ? KINDS_OF_TYPE[f.type] : undefined);
  if (kinds) out.push(sql<boolean>`d.kind in (${sql.join(kinds)})`);
  if (f.status?.length) out.push(sql<boolean>`t.status in (${sql.join(f.status)})`);
  if (f.teamId?.length) out.push(sql<boolean>`t.team_id in (${sql.join(f.teamId)})`);
  if (f.customerId) out.push(sql<boolean>`(t.requester_id = ${f.customerId} or d.customer_id = ${f.customerId})`);
  if (f.from !== undefined) out.push(sql<boolean>`d.at >= ${f.from}`);
  if (f.to !== undefined) out.push(sql<boolean>`d.at < ${f.to}`);
  if (f.gate && !f.gate.allHands)
    out.push(sql<boolean>`(d.kind <> 'hand' or exists (select 1 from hands hv where hv.id = d.ref_id and (hv.operator_id = ${f.gate.userId} or hv.claimed_by = ${f.gate.userId})))`);
  if (f.gate && !f.gate.incidents) out.push(sql<boolean>`d.kind not in ('incident', 'incident_update')`);
  if (f.gate && !f.gate.paths) out.push(sql<boolean>`d.kind <> 'path'`);
  const visible = ticketRefVisibleCondition(scope, 'd.ticket_id');
  if (visible) out.push(visible);
  return out;
}

/** PostgreSQL: how many of the newest documents a query walks before it takes the GIN index. */
export const NEWEST_WINDOW = 20_000;

const columns = sql`d.seq, d.kind, d.ref_id, d.ticket_id, d.customer_id, d.title, d.body, d.at, t.number as ticket_number, t.subject as ticket_subject, t.status as ticket_status`;

/**
 * Ranked matches: the newest `candidates` matching documents the viewer may see, ranked
 * (bm25 / ts_rank) and paged. Taking the newest first bounds the work of a word that is in
 * half of the desk; within them the best ranked come first. The candidates are picked and
 * scored by their keys only (the filters and the visibility condition apply before the limit,
 * so it stays exact); the text and the ticket columns are read for the page alone (a body can
 * be 20,000 characters; the candidates' bodies were read to show 20 of them).
 */
export async function findMatches(
  ex: Executor,
  query: string,
  f: SearchFilters & InternalFilters,
  scope: TicketScope,
  page: { offset: number; limit: number; candidates: number; newestWindow?: number },
): Promise<Hit[]> {
  const dialect = dialectOf(ex);
  const conds = conditions(f, scope);
  // The ticket is joined for picking only when a filter reads it.
  const ticketJoin = f.status?.length || f.teamId?.length || f.customerId ? sql`left join tickets t on t.id = d.ticket_id` : sql``;
  const picked = (src: ReturnType<typeof fullTextSource>) =>
    sql`select d.seq, ${src.score} as score from ${src.from} ${ticketJoin} where ${sql.join([src.where, ...conds], sql` and `)} order by ${src.key} desc limit ${page.candidates}`;
  if (dialect === 'sqlite') {
    // FTS5 walks a word's matches newest first (rowid desc) at the cost of the ones it returns.
    const paged = sql`select m.seq, m.score from (${picked(fullTextSource(dialect, query))}) m order by m.score desc, m.seq desc limit ${page.limit} offset ${page.offset}`;
    const rows = await sql<Hit>`select ${columns}, p.score from (${paged}) p join search_documents d on d.seq = p.seq left join tickets t on t.id = d.ticket_id order by p.score desc, p.seq desc`.execute(ex);
    return rows.rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at), score: Number(r.score) }));
  }
  // PostgreSQL: the GIN index gives every match at once (a word in a fifth of 1,000,000
  // documents: 200,000 rows to fetch and sort, seconds), so a common word walks the newest
  // NEWEST_WINDOW documents newest first and is done when they fill the candidates; a rarer one
  // (a reference number) cannot fill them and takes the index at once, its match set being
  // small (pgPick). A word between the two walks, then takes the index.
  // Without JIT: the planner's cost of either pick passes jit_above_cost, and compiling took
  // more time (25-50 ms) than the query.
  const pick = async (q: Executor, own: boolean) => {
    if (own) await sql`set local jit = off`.execute(q);
    const index = async () => (await picked(fullTextSource(dialect, query)).execute(q)).rows as { seq: string | number; score: number }[];
    const plan = await pgPick(q, query, page.candidates, page.newestWindow ?? NEWEST_WINDOW, own);
    if (plan.way === 'index') return index();
    const found = (await picked(fullTextSource(dialect, query, { newestAbove: plan.newestAbove })).execute(q)).rows as { seq: string | number; score: number }[];
    return found.length < page.candidates ? index() : found;
  };
  // In a caller's transaction `set local` would outlast the query: there the setting is left as it is.
  const cands = ex.isTransaction ? await pick(ex, false) : await ex.transaction().execute((tx) => pick(tx, true));
  const ranked = cands
    .map((c) => ({ seq: Number(c.seq), score: Number(c.score) }))
    .sort((a, b) => b.score - a.score || b.seq - a.seq)
    .slice(page.offset, page.offset + page.limit);
  if (!ranked.length) return [];
  const rows = await sql<Hit>`select ${columns} from search_documents d left join tickets t on t.id = d.ticket_id where d.seq in (${sql.join(ranked.map((r) => r.seq))})`.execute(ex);
  const bySeq = new Map(rows.rows.map((r) => [Number(r.seq), r]));
  return ranked.flatMap((c) => {
    const r = bySeq.get(c.seq);
    return r ? [{ ...r, seq: c.seq, at: Number(r.at), score: c.score }] : [];
  });
}

/** PostgreSQL: a word the planner puts in at least this share of the documents walks the newest ones without being counted first. */
// A rare word outside the planner's most common elements is estimated at half the least
// common of them (0.5 % in the bench's data); 3-character queries (two bigrams) at 2.6-4.9 %.
export const WALK_SHARE = 0.01;

/**
 * PostgreSQL: how a query picks its candidates: walking the newest `window` documents (those
 * after seq `newestAbove`), or the GIN index. The planner's estimate of the matches comes
 * first (a plan, no execution): a word in WALK_SHARE of the documents or more walks. Below
 * that (a rare word, or any word before the table's first ANALYZE, estimated at 0.5 %) the
 * index counts the matches up to `candidates`: fewer cannot fill the candidates in any window
 * and take the index at once (a reference number with 10 matches paid the 20,000-document walk
 * first: 88-168 ms median at 1,000,000 messages). A table no larger than the window takes the
 * index.
 */
export async function pgPick(ex: Executor, query: string, candidates: number, window: number, own: boolean): Promise<{ way: 'index' } | { way: 'walk'; newestAbove: number }> {
  const top = await sql<{ n: string | number | null }>`select max(seq) as n from search_documents`.execute(ex);
  const newest = Number(top.rows[0]?.n ?? 0);
  if (newest <= window) return { way: 'index' };
  const walk = { way: 'walk' as const, newestAbove: newest - window };
  const plan = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`explain (format json) select 1 from search_documents d where d.tsv @@ to_tsquery('simple', ${query})`.execute(ex);
  const estimated = Number(plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
  if (estimated >= WALK_SHARE * newest) return walk;
  return (await countMatchesUpTo(ex, query, candidates, own)) < candidates ? { way: 'index' } : walk;
}

/**
 * PostgreSQL: how many documents match a full-text query, counting no further than `cap`: the
 * GIN index's bitmap of the matches, its heap rows read until `cap` are found (a rare word: a
 * few milliseconds; a word in a fifth of 200,000 documents: 50-110 ms on the busy machine, so
 * pgPick asks only for words the planner thinks rare). `own`: the caller's own transaction,
 * where the planner is kept off a sequential scan that stops at the cap (it would test a
 * word's tsvectors one by one, as slow as the walk it is meant to spare).
 */
export async function countMatchesUpTo(ex: Executor, query: string, cap: number, own: boolean): Promise<number> {
  if (own) await sql`set local enable_seqscan = off`.execute(ex);
  const r = await sql<{ n: string | number }>`select count(*) as n from (select 1 from search_documents d where d.tsv @@ to_tsquery('simple', ${query}) limit ${cap}) m`.execute(ex);
  if (own) await sql`set local enable_seqscan = on`.execute(ex);
  return Number(r.rows[0]?.n ?? 0);
}

/** The newest `limit` documents the viewer may see (the one-character scan looks through them). */
export async function newestDocuments(ex: Executor, f: SearchFilters & InternalFilters, scope: TicketScope, limit: number): Promise<Hit[]> {
  const conds = conditions(f, scope);
  const where = conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
  const rows = await sql<Hit>`select ${columns}, 0 as score from search_documents d left join tickets t on t.id = d.ticket_id ${where} order by d.seq desc limit ${limit}`.execute(ex);
  return rows.rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at), score: 0 }));
}

/** Ticket ids with a document matching the query (the ticket list's text filter). */
export function matchingTicketIds(ex: Executor, query: string, kinds: string[]) {
  const src = fullTextSource(dialectOf(ex), query);
  return sql<{ ticket_id: string }>`select d.ticket_id from ${src.from} where ${src.where} and d.kind in (${sql.join(kinds)}) and d.ticket_id is not null`;
}

export async function countStale(ex: Executor, version: number): Promise<number> {
  const r = await ex.selectFrom('search_documents').select((eb) => eb.fn.countAll<number>().as('n')).where('version', '<>', version).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function deleteStale(ex: Executor, version: number, kinds: string[]): Promise<number> {
  const r = await ex.deleteFrom('search_documents').where('version', '<>', version).where('kind', 'in', kinds).executeTakeFirst();
  return Number(r.numDeletedRows);
}
