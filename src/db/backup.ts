import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { AppError } from '../lib/errors.js';

export interface BackupResult {
  file: string;
  pages: number;
  bytes: number;
}

/**
 * A consistent copy of a SQLite database that may be in use (other processes writing):
 * SQLite's online backup API. The whole database is copied in one step, inside one read
 * transaction, so the copy is the database as of one commit; in WAL mode that read does not
 * block the writers. The copy is written next to the target and renamed into place when it
 * is complete and passes SQLite's quick check, so a failed backup never leaves a half file.
 */
export async function backupSqlite(source: string, target: string): Promise<BackupResult> {
  if (source === ':memory:') throw new AppError('validation_failed', 'An in-memory database cannot be backed up.');
  if (!existsSync(source)) throw new AppError('not_found', `There is no SQLite database at ${source} (check ESCALON_DATABASE_URL).`);
  if (existsSync(target)) throw new AppError('conflict', `${target} exists already; choose a new file name (a backup never overwrites a file).`);
  if (!existsSync(dirname(target))) throw new AppError('not_found', `The directory ${dirname(target)} does not exist.`);
  const partial = `${target}.partial-${process.pid}`;
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // better-sqlite3 copies 100 pages per step by default; between steps a write from another
    // connection restarts the copy, which under steady writes might never finish. Ask for every
    // remaining page in the next step instead.
    const r = await db.backup(partial, { progress: () => 0x7fffffff });
    const copy = new SQLite(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new AppError('internal', `The backup did not pass SQLite's quick check: ${String(check)}`);
      // A single self-contained file: the copy carries the source's WAL mode in its header.
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    renameSync(partial, target);
    return { file: target, pages: r.totalPages, bytes: r.totalPages * (db.pragma('page_size', { simple: true }) as number) };
  } catch (err) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

/** What to tell someone who runs `escalon backup` against PostgreSQL (the password left out). */
export function postgresBackupAdvice(url: string): string {
  let shown = url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    shown = u.toString();
  } catch {
    /* shown as configured */
  }
  return [
    'escalon backup copies a SQLite database; this one is PostgreSQL, whose own tool makes a consistent copy of a running database:',
    `  pg_dump --format=custom --file=escalon-$(date +%Y%m%d-%H%M).dump '${shown}'`,
    'Restore into an empty database with:',
    "  pg_restore --no-owner --dbname='<ESCALON_DATABASE_URL of the empty database>' escalon-YYYYMMDD-HHMM.dump",
  ].join('\n');
}
