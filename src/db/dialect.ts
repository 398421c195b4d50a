/**
 * Every difference between SQLite and PostgreSQL lives here. Repositories write portable
 * Kysely queries; where the two databases truly differ they call one of these helpers.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { PostgresAdapter, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Dialect, type Driver, type Kysely, type RawBuilder } from 'kysely';
import type { Logger } from '../lib/logger.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * SQLite rolls a transaction back by itself when a statement fails with SQLITE_FULL,
 * SQLITE_IOERR and the like; Kysely's ROLLBACK after that fails with "cannot rollback - no
 * transaction is active" and that error replaced the real one. This driver skips the
 * ROLLBACK when SQLite has no transaction open, so the caller sees SQLITE_FULL.
 */
class SqliteDialectKeepingErrors extends SqliteDialect {
  constructor(
    private readonly native: SQLite.Database,
    private readonly database: ConstructorParameters<typeof SqliteDriver>[0]['database'] = native,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    const native = this.native;
    return new (class extends SqliteDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        if (!native.inTransaction) return;
        await super.rollbackTransaction(connection);
      }
    })({ database: this.database });
  }
}

export function createSqliteDialect(file: string): { dialect: Dialect; native: SQLite.Database } {
  const native = new SQLite(file);
  // WAL: readers never block the writer. synchronous=NORMAL in WAL mode keeps every committed
  // transaction across a crash of the process (kill -9); only an OS crash or power loss could
  // lose the last commits, which FULL would also protect (set ESCALON_SQLITE_SYNC=FULL for that).
  native.pragma('journal_mode = WAL');
  native.pragma(`synchronous = ${process.env.ESCALON_SQLITE_SYNC === 'FULL' ? 'FULL' : 'NORMAL'}`);
  native.pragma('foreign_keys = ON');
  // privacy: the space of deleted and rewritten rows is zeroed when its page is written anyway
  // (no extra I/O), so an erased customer's old row versions do not linger in the file.
  native.pragma('secure_delete = FAST');
  native.pragma('busy_timeout = 5000');
  // A checkpoint (which syncs the WAL into the database file) every ~16 MiB of WAL rather than
  // every 4 MiB: a quarter of the syncs on the write path; a commit is as durable either way.
  native.pragma('wal_autocheckpoint = 4000');
  return { dialect: new SqliteDialectKeepingErrors(native, withStatementCache(native)), native };
}

/**
 * Kysely prepares every statement it runs; preparing (parsing and planning) cost more than
 * running most of Escalon's queries. The same SQL text reuses its prepared statement (better-
 * sqlite3 re-prepares by itself after a schema change). Bounded, least recently used first out;
 * a statement still iterating (a stream) is never handed out twice.
 */
function withStatementCache(
  native: SQLite.Database,
  max = 2000,
): { prepare(sql: string): SQLite.Statement; close(): void } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(text: string) {
      const hit = cache.get(text);
      if (hit && !hit.busy) {
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const stmt = native.prepare(text);
      if (!hit) {
        cache.set(text, stmt);
        if (cache.size > max) cache.delete(cache.keys().next().value!);
      }
      return stmt;
    },
    close: () => {
      cache.clear();
      native.close();
    },
  };
}

/** How long opening one PostgreSQL connection may take before it counts as unreachable. */
export const PG_CONNECT_TIMEOUT_MS = 5000;

/**
 * Settings shared by every PostgreSQL connection Escalon opens: a connect timeout (an
 * unreachable server fails fast instead of hanging requests), TCP keep-alive (a silently dead
 * peer is noticed), and an application_name so operators can tell Escalon's sessions apart in
 * pg_stat_activity (an application_name in the URL wins).
 */
export function pgConnectionConfig(url: string, applicationName: string): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: applicationName,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

export function createPostgresDialect(
  url: string,
  max = 10,
  opts: { logger?: Logger } = {},
): { dialect: Dialect; pool: pg.Pool } {
  const { connectionTimeoutMillis, ...base } = pgConnectionConfig(url, 'escalon');
  // The connect timeout belongs to opening a connection, not to waiting for a free one in the
  // pool (pg-pool would apply it to both and fail busy requests under load).
  class TimedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis });
    }
  }
  const pool = new pg.Pool({
    ...base,
    max,
    Client: TimedClient,
    // int8 (bigint) columns hold epoch milliseconds: well inside Number's exact range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Without these listeners one terminated connection (a database restart, failover,
  // pg_terminate_backend) is an unhandled 'error' event and the process exits. The pool drops
  // the broken client and opens a new one on the next query.
  pool.on('error', (err) =>
    opts.logger?.warn({ err }, 'a database connection was lost; the pool opens a new one when needed'),
  );
  pool.on('connect', (client) => {
    // A client checked out between two statements of a transaction: its next query fails.
    client.on('error', (err) => opts.logger?.debug({ err }, 'database connection error'));
  });
  return { dialect: new PostgresDialect({ pool }), pool };
}

export type DatabaseFault = 'database_unavailable' | 'storage_full' | 'storage_read_only';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);
const UNREACHABLE_MESSAGE =
  /Connection terminated|is not queryable|timeout exceeded when trying to connect|connection timeout/i;

/**
 * What kind of database trouble a thrown error is, or null for anything else (a bug, bad
 * data): the disk is full, the database accepts no writes, or it cannot be reached. Looks at
 * the error's cause chain, so a wrapped driver error is recognised too.
 */
export function databaseFault(err: unknown): DatabaseFault | null {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code: rawCode, message, errors } = e as { code?: unknown; message?: unknown; errors?: unknown };
    const code = typeof rawCode === 'string' ? rawCode : '';
    if (code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC') return 'storage_full';
    if (code.startsWith('SQLITE_READONLY') || code === '25006' || code === 'EROFS')
      return 'storage_read_only';
    if (UNREACHABLE_CODES.has(code) || PG_UNAVAILABLE.has(code) || code.startsWith('08'))
      return 'database_unavailable';
    if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)) return 'database_unavailable';
    // Node reports a refused connection to every address of a host as an AggregateError.
    if (
      Array.isArray(errors) &&
      errors.length > 0 &&
      errors.every((x) => databaseFault(x) === 'database_unavailable')
    )
      return 'database_unavailable';
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** Case-insensitive "contains" for search filters. */
export function containsInsensitive(
  dialect: DialectName,
  column: RawBuilder<unknown> | string,
  needle: string,
) {
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const col = typeof column === 'string' ? sql.ref(column) : column;
  return dialect === 'postgres'
    ? sql<boolean>`${col} ILIKE ${pattern} ESCAPE '\\'`
    : sql<boolean>`${col} LIKE ${pattern} ESCAPE '\\'`; // SQLite LIKE is case-insensitive for ASCII
}

/** Row-lock hint for claiming work: SKIP LOCKED on PostgreSQL; SQLite has one writer anyway. */
export function supportsSkipLocked(dialect: DialectName): boolean {
  return dialect === 'postgres';
}

/** Whether a thrown driver error is a unique-constraint violation. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  return (
    e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** Whether a thrown driver error is a foreign-key violation. */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return !!e && (e.code === '23503' || e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY');
}

/**
 * A cheap real write: upserts one row and commits, so a read-only database (or file system),
 * a full disk under PostgreSQL and a lost connection all fail it the way a user's write would.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function probeWrite(db: Kysely<any>, now: number): Promise<void> {
  const value = JSON.stringify(now);
  await sql`insert into settings (key, value) values ('health.write_probe', ${value}) on conflict (key) do update set value = excluded.value`.execute(
    db,
  );
}

/** Which database an executor (database or transaction) talks to. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dialectOf(ex: Kysely<any>): DialectName {
  return ex.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * The next value of a named counter: a PostgreSQL sequence (never blocks concurrent
 * transactions; a rolled-back transaction leaves a gap), or a counter row on SQLite.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function nextCounterValue(ex: Kysely<any>, name: 'ticket_number'): Promise<number> {
  if (dialectOf(ex) === 'postgres') {
    const r = await sql<{ v: string }>`select nextval(${`${name}_seq`}) as v`.execute(ex);
    return Number(r.rows[0]!.v);
  }
  const r = await sql<{
    value: number;
  }>`update counters set value = value + 1 where name = ${name} returning value`.execute(ex);
  return Number(r.rows[0]!.value);
}

/**
 * Serialises transactions that touch one logical key (e.g. one delivery recipient): a
 * transaction-scoped advisory lock on PostgreSQL; SQLite already has a single writer.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function lockKey(ex: Kysely<any>, key: string): Promise<void> {
  if (dialectOf(ex) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(ex);
}

/**
 * Runs fn with SQLite's secure_delete on (not only FAST, the connection's default: freed whole
 * pages are zeroed too), so the content of deleted and rewritten rows is overwritten in the
 * database file instead of lingering in free space (a customer erasure, a retention purge).
 * PostgreSQL keeps dead row versions until (auto)vacuum reclaims them; nothing to switch there.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function withSecureDelete<T>(db: Kysely<any>, fn: () => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'sqlite') return fn();
  const before = (await sql<{ secure_delete: number }>`pragma secure_delete`.execute(db)).rows[0]?.secure_delete ?? 0;
  await sql`pragma secure_delete = on`.execute(db);
  try {
    return await fn();
  } finally {
    await sql.raw(`pragma secure_delete = ${['off', 'on', 'fast'][Number(before)] ?? 'fast'}`).execute(db);
  }
}

// ---------------------------------------------------------------------------------------
// Full-text search (issue 19). Documents' tokens are already cut and encoded as plain
// [a-z0-9] words (modules/search/tokenizer.ts); SQLite keeps them in the contentless FTS5
// table search_fts (rowid = search_documents.seq), PostgreSQL in search_documents.tsv under
// the `simple` configuration, which neither stems nor drops words.

/**
 * PostgreSQL: the `tsv` column's value for a document's tokens, to write in the same statement
 * as the row (the column exists only on PostgreSQL, so it is not in schema.ts's row type).
 */
export function searchVectorColumn(tokens: string): Record<string, never> {
  return { tsv: sql`to_tsvector('simple', ${tokens})` } as unknown as Record<string, never>;
}

/** Stores the tokens of document `seq`, replacing what it had (`fresh`: a new document, nothing to replace). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function setSearchTokens(ex: Kysely<any>, seq: number, tokens: string, fresh: boolean): Promise<void> {
  if (dialectOf(ex) === 'postgres') {
    await sql`update search_documents set tsv = to_tsvector('simple', ${tokens}) where seq = ${seq}`.execute(ex);
    return;
  }
  if (!fresh) await sql`delete from search_fts where rowid = ${seq}`.execute(ex);
  await sql`insert into search_fts (rowid, tokens) values (${seq}, ${tokens})`.execute(ex);
}

/**
 * Inserts a new document with its tokens: on PostgreSQL one statement (tsv in the insert), on
 * SQLite the row and its search_fts entry. For documents known to be new (a ticket, event or
 * customer written in this transaction), instead of looking the document up first.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function insertSearchDocument(ex: Kysely<any>, row: Record<string, unknown>, tokens: string): Promise<void> {
  if (dialectOf(ex) === 'postgres') {
    await ex.insertInto('search_documents').values({ ...row, tsv: sql`to_tsvector('simple', ${tokens})` }).execute();
    return;
  }
  const r = (await ex.insertInto('search_documents').values(row).returning('seq').executeTakeFirstOrThrow()) as { seq: number };
  await sql`insert into search_fts (rowid, tokens) values (${Number(r.seq)}, ${tokens})`.execute(ex);
}

/** One condition of a full-text query over encoded tokens (see tokenizer.parseQuery). */
export interface FullTextTerm {
  tokens: string[];
  phrase: boolean;
  exclude: boolean;
}

/**
 * The query text for the database's own syntax. Tokens are [a-z0-9] only (checked): quoting
 * them is enough to keep every operator out. At least one term must be positive.
 */
export function fullTextQuery(dialect: DialectName, terms: readonly FullTextTerm[], mode: 'all' | 'any' = 'all'): string {
  for (const t of terms) for (const w of t.tokens) if (!/^[a-z0-9]+$/.test(w)) throw new Error('full-text token not encoded');
  const pg = dialect === 'postgres';
  const one = (t: FullTextTerm) =>
    pg
      ? `(${t.tokens.map((w) => `'${w}'`).join(t.phrase ? ' <-> ' : ' & ')})`
      : t.phrase
        ? `"${t.tokens.join(' ')}"`
        : `(${t.tokens.map((w) => `"${w}"`).join(' AND ')})`;
  const pos = terms.filter((t) => !t.exclude && t.tokens.length);
  const neg = terms.filter((t) => t.exclude && t.tokens.length);
  if (!pos.length) throw new Error('a full-text query needs a word to find');
  if (pg) return [`(${pos.map(one).join(mode === 'any' ? ' | ' : ' & ')})`, ...neg.map((t) => `!${one(t)}`)].join(' & ');
  let q = `(${pos.map(one).join(mode === 'any' ? ' OR ' : ' AND ')})`;
  for (const t of neg) q = `(${q} NOT ${one(t)})`;
  return q;
}

/**
 * The pieces of a ranked full-text query over search_documents as `d`: `from` (the matching
 * documents, in an order that walks the index), `where`, `score` (higher is better) and `key`
 * (the newest-first order the candidates are taken in). PostgreSQL with `newestAbove`: the
 * matches among the documents after that seq, found by walking them newest first.
 */
export function fullTextSource(dialect: DialectName, query: string, opts: { newestAbove?: number } = {}) {
  return dialect === 'postgres'
    ? {
        from: sql`search_documents d cross join to_tsquery('simple', ${query}) fq`,
        // newestAbove: only documents after that seq, tested one by one newest first (the
        // function form keeps the planner off the GIN index, whose bitmap of every match costs
        // more than walking the newest rows when a word is in a large share of them).
        where: opts.newestAbove === undefined ? sql<boolean>`d.tsv @@ fq` : sql<boolean>`ts_match_vq(d.tsv, fq) and d.seq > ${opts.newestAbove}`,
        score: sql<number>`ts_rank(d.tsv, fq)`,
        key: sql`d.seq`,
      }
    : {
        // CROSS JOIN keeps SQLite's order: the FTS index first, then the document by its key.
        from: sql`search_fts cross join search_documents d on d.seq = search_fts.rowid`,
        where: sql<boolean>`search_fts match ${query}`,
        score: sql<number>`(-bm25(search_fts))`,
        key: sql`search_fts.rowid`,
      };
}

/** Index size of the full-text tables in bytes (benchmarks), or null when the database does not say. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function searchIndexBytes(ex: Kysely<any>): Promise<number | null> {
  if (dialectOf(ex) === 'postgres') {
    const r = await sql<{ n: string }>`select pg_total_relation_size('search_documents') as n`.execute(ex);
    return Number(r.rows[0]?.n ?? 0);
  }
  try {
    const r = await sql<{ n: number }>`select sum(pgsize) as n from dbstat where name like 'search_%'`.execute(ex);
    return Number(r.rows[0]?.n ?? 0);
  } catch {
    return null;
  }
}

/**
 * After an erasure: FTS5 keeps a deleted document's words in its segments until they are
 * merged, so SQLite rewrites the index (with secure_delete on, the old pages are zeroed).
 * Costs time in proportion to the index; erasures are rare. PostgreSQL's dead row versions go
 * with (auto)vacuum as for every other table.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function compactSearchIndex(ex: Kysely<any>): Promise<void> {
  if (dialectOf(ex) === 'sqlite') await sql`insert into search_fts (search_fts) values ('optimize')`.execute(ex);
}
