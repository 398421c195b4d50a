/**
 * Every difference between SQLite and PostgreSQL lives here. Repositories write portable
 * Kysely queries; where the two databases truly differ they call one of these helpers.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Dialect,
  type Kysely,
  type RawBuilder,
} from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export function createSqliteDialect(file: string): { dialect: Dialect; native: SQLite.Database } {
  const native = new SQLite(file);
  // WAL: readers never block the writer. synchronous=NORMAL in WAL mode keeps every committed
  // transaction across a crash of the process (kill -9); only an OS crash or power loss could
  // lose the last commits, which FULL would also protect (set ESCALON_SQLITE_SYNC=FULL for that).
  native.pragma('journal_mode = WAL');
  native.pragma(`synchronous = ${process.env.ESCALON_SQLITE_SYNC === 'FULL' ? 'FULL' : 'NORMAL'}`);
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  // A checkpoint (which syncs the WAL into the database file) every ~16 MiB of WAL rather than
  // every 4 MiB: a quarter of the syncs on the write path; a commit is as durable either way.
  native.pragma('wal_autocheckpoint = 4000');
  return { dialect: new SqliteDialect({ database: withStatementCache(native) }), native };
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

export function createPostgresDialect(url: string, max = 10): { dialect: Dialect; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // int8 (bigint) columns hold epoch milliseconds: well inside Number's exact range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return { dialect: new PostgresDialect({ pool }), pool };
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
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
