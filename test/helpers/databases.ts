/**
 * Integration suites run on SQLite and on PostgreSQL. Each suite gets a fresh database: a
 * temporary SQLite file, or a fresh schema on the test PostgreSQL server. Without a reachable
 * PostgreSQL the PostgreSQL suites are skipped with a message, except under CI=true, where
 * that is a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../../src/config/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';

export type DbKind = 'sqlite' | 'postgres';
export const PG_URL = process.env.ESCALON_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<string | null> {
  // 10 s: on a loaded machine a fresh process (still compiling its modules) missed 3 s while PostgreSQL answered psql in 1 s.
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const pgProblem = await probePostgres();
if (pgProblem) {
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`PostgreSQL is required in CI but ${PG_URL} is not reachable: ${pgProblem}`);
  }
  console.warn(`\n[escalon tests] PostgreSQL at ${PG_URL} is not reachable (${pgProblem}); PostgreSQL suites are SKIPPED. Set ESCALON_TEST_DATABASE_URL or start PostgreSQL to run them.\n`);
}

export const availableDatabases: DbKind[] = pgProblem ? ['sqlite'] : ['sqlite', 'postgres'];
export const allDatabases: DbKind[] = ['sqlite', 'postgres'];
export const isAvailable = (kind: DbKind) => availableDatabases.includes(kind);

export interface TestDatabase {
  kind: DbKind;
  config: Config['database'];
  dataDir: string;
  open(): DatabaseHandle;
  drop(): Promise<void>;
}

/** The settings that point an Escalon process (CLI, server) at this test database. */
export const databaseEnv = (db: TestDatabase): { ESCALON_DATABASE_URL: string; ESCALON_DATA_DIR: string } => ({
  ESCALON_DATABASE_URL: db.config.kind === 'sqlite' ? `sqlite:${db.config.file}` : db.config.url,
  ESCALON_DATA_DIR: db.dataDir,
});

let counter = 0;

/** A fresh, empty database of the given kind (not migrated). */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'escalon-test-'));
  if (kind === 'sqlite') {
    const config = { kind: 'sqlite' as const, file: join(dataDir, 'escalon.db') };
    return { kind, config, dataDir, open: () => openDatabase(config), drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const config = { kind: 'postgres' as const, url: url.toString() };
  return {
    kind,
    config,
    dataDir,
    open: () => openDatabase(config),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
