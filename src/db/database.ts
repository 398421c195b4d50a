import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator, sql, type Transaction } from 'kysely';
import type { Config } from '../config/config.js';
import type { Logger } from '../lib/logger.js';
import { createPostgresDialect, createSqliteDialect, type DialectName } from './dialect.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Db | Tx;

export interface DatabaseHandle {
  db: Db;
  dialect: DialectName;
  /** The raw pg pool (PostgreSQL only): used for LISTEN/NOTIFY. */
  pgPool?: import('pg').Pool;
  /** The SQLite file (SQLite only; ':memory:' for an in-memory database). */
  file?: string;
  close(): Promise<void>;
}

export function openDatabase(
  database: Config['database'],
  opts: { poolSize?: number; logger?: Logger } = {},
): DatabaseHandle {
  if (database.kind === 'sqlite') {
    if (database.file !== ':memory:') mkdirSync(dirname(database.file), { recursive: true });
    const { dialect } = createSqliteDialect(database.file);
    const db = new Kysely<Database>({ dialect });
    return { db, dialect: 'sqlite', file: database.file, close: () => db.destroy() };
  }
  const { dialect, pool } = createPostgresDialect(database.url, opts.poolSize, { logger: opts.logger });
  const db = new Kysely<Database>({ dialect });
  return { db, dialect: 'postgres', pgPool: pool, close: () => db.destroy() };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const db = handle.db;
  // On PostgreSQL the migration tables live in the current schema (the first on search_path),
  // so several Escalon databases can share one server in separate schemas.
  const schema =
    handle.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(schema && { migrationTableSchema: schema }) });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely looks for its migration tables by reading the whole catalogue, calling
  // has_schema_privilege() on every schema's name: a schema another database on the same server
  // drops meanwhile fails that read with 3F000 naming the other schema. Nothing was applied
  // then (the check comes first), so trying again is safe.
  for (let attempt = 1; error && attempt < 5 && otherSchemaVanished(error, schema); attempt++) {
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

function otherSchemaVanished(error: unknown, ours: string | undefined): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e.code === '3F000' && typeof e.message === 'string' && ours !== undefined && !e.message.includes(`"${ours}"`);
}

const afterCommitHooks = new WeakMap<object, (() => void)[]>();

/**
 * Runs fn in one transaction: everything it writes commits together or not at all.
 * Callbacks registered with afterCommit(tx, …) run once the commit has succeeded.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const hooks: (() => void)[] = [];
  let failure: { err: unknown } | undefined;
  let result: T;
  try {
    result = await db.transaction().execute(async (tx) => {
      afterCommitHooks.set(tx, hooks);
      try {
        return await fn(tx);
      } catch (err) {
        failure = { err };
        throw err;
      }
    });
  } catch (err) {
    // When the ROLLBACK fails too (the connection died with the statement), the statement's
    // error says what happened; the rollback's would hide it.
    if (failure && err !== failure.err) throw failure.err;
    throw err;
  }
  for (const h of hooks) h();
  return result;
}

/**
 * Runs fn inside a SAVEPOINT of the transaction `tx`: if fn throws, only what it wrote is rolled
 * back (and the afterCommit callbacks it registered are dropped), the transaction stays usable
 * and the error is rethrown. `name` must be a plain SQL identifier.
 */
export async function inSavepoint<T>(tx: Tx, name: string, fn: () => Promise<T>): Promise<T> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid savepoint name ${name}`);
  const hooks = afterCommitHooks.get(tx);
  const before = hooks?.length ?? 0;
  await sql.raw(`savepoint ${name}`).execute(tx);
  try {
    const result = await fn();
    await sql.raw(`release savepoint ${name}`).execute(tx);
    return result;
  } catch (err) {
    if (hooks) hooks.length = before;
    await sql.raw(`rollback to savepoint ${name}`).execute(tx);
    await sql.raw(`release savepoint ${name}`).execute(tx);
    throw err;
  }
}

/**
 * Group commit: concurrent calls share one transaction (one commit, one WAL write, one FTS
 * segment on SQLite) instead of one each. Calls queue while a group runs; the next group takes
 * up to `max` of them and runs them one after another in one transaction. A call's promise
 * settles only after that transaction committed (acknowledged means committed), and its
 * afterCommit callbacks run then. When any call of a group fails, or the commit does, the
 * whole group is rolled back and every call of it runs again alone in its own transaction, so
 * one failure never loses or changes another's work (the failing call fails with its own
 * error). Calls must therefore be database work only, safe to run again after a rollback.
 */
export function commitGroup(db: Db, max = 16): <T>(fn: (tx: Tx) => Promise<T>) => Promise<T> {
  interface Member {
    fn: (tx: Tx) => Promise<unknown>;
    resolve(v: unknown): void;
    reject(e: unknown): void;
  }
  const queue: Member[] = [];
  let running = false;
  const alone = (m: Member) => inTransaction(db, m.fn).then(m.resolve, m.reject);
  async function runGroup(group: Member[]): Promise<void> {
    if (group.length === 1) return alone(group[0]!);
    const done: { m: Member; value: unknown; hooks: (() => void)[] }[] = [];
    try {
      await db.transaction().execute(async (tx) => {
        for (const m of group) {
          const hooks: (() => void)[] = [];
          afterCommitHooks.set(tx, hooks);
          done.push({ m, value: await m.fn(tx), hooks });
        }
      });
    } catch {
      for (const m of group) await alone(m);
      return;
    }
    for (const d of done) {
      for (const h of d.hooks) h();
      d.m.resolve(d.value);
    }
  }
  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length) await runGroup(queue.splice(0, max));
    } finally {
      running = false;
    }
  }
  return <T>(fn: (tx: Tx) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!running) void drain();
    });
}

/** Runs fn after the transaction commits (at once when ex is not a transaction). */
export function afterCommit(ex: Executor, fn: () => void): void {
  const hooks = ex.isTransaction ? afterCommitHooks.get(ex) : undefined;
  if (hooks) hooks.push(fn);
  else if (!ex.isTransaction) fn();
  else queueMicrotask(fn); // a transaction opened outside inTransaction: best effort
}

export const json = (v: unknown): string => JSON.stringify(v ?? {});
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
