import type { Config } from '../config/config.js';
import { databaseFault } from '../db/dialect.js';

interface ErrorFacts {
  code?: string;
  message?: string;
  path?: string;
  syscall?: string;
  address?: string;
  port?: number;
  cause?: unknown;
}

const facts = (err: unknown): ErrorFacts =>
  err && typeof err === 'object' ? (err as ErrorFacts) : { message: String(err) };

function where(database: Config['database'] | undefined): string {
  if (!database) return 'the database';
  if (database.kind === 'sqlite') return `the SQLite database ${database.file}`;
  try {
    const u = new URL(database.url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? ` (database ${decodeURIComponent(u.pathname.slice(1))})` : ''}`;
  } catch {
    return 'PostgreSQL';
  }
}

/**
 * One line that says what stopped Escalon from starting and what to change, for the problems
 * an operator causes and can fix (unreachable or misnamed database, read-only or full disk,
 * a taken port); null for anything else (a bug: the caller prints it in full).
 */
export function explainStartupError(err: unknown, config?: Config): string | null {
  // "Migration 0003 failed" wraps the driver's error: explain the cause, keep the context.
  const top = facts(err);
  if (top.cause && /^Migration .* failed$/.test(top.message ?? '')) {
    const inner = explainStartupError(top.cause, config);
    if (inner) return `${top.message}: ${inner}`;
  }
  const e = top;
  const code = e.code ?? '';
  const db = where(config?.database);
  const dataDir = config?.dataDir ?? 'ESCALON_DATA_DIR';

  if (code === 'EADDRINUSE')
    return `Port ${e.port ?? ''} on ${e.address ?? 'this host'} is already in use. Stop the other program or choose another port (ESCALON_PORT, ESCALON_SMTP_IN_PORT, ESCALON_METRICS_LISTEN).`;
  if (code === 'EACCES' && e.syscall === 'listen')
    return `Not allowed to listen on ${e.address ?? ''}:${e.port ?? ''}. Use a port above 1023 (ESCALON_PORT, ESCALON_SMTP_IN_PORT, ESCALON_METRICS_LISTEN).`;
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    const why = code === 'EROFS' ? 'the file system is read-only' : 'permission denied';
    return `Cannot write to ${e.path ?? dataDir} (${why}). Make the data directory (${dataDir}) writable by the user running Escalon, or set ESCALON_DATA_DIR to a writable directory.`;
  }
  if (code === 'ENOSPC' || code === 'SQLITE_FULL')
    return `The disk is full (${e.path ?? db}). Free some space, then start Escalon again.`;
  if (code.startsWith('SQLITE_READONLY'))
    return `${cap(db)} is read-only (${code}). Make the file, and the directory it is in, writable by the user running Escalon.`;
  if (code.startsWith('SQLITE_CANTOPEN'))
    return `Cannot open ${db}: its directory does not exist or cannot be written. Check ESCALON_DATABASE_URL and that the directory is writable by the user running Escalon.`;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return `${cap(db)} is not a usable SQLite database (${code}: ${e.message}). Point ESCALON_DATABASE_URL at Escalon's database file, or restore it from a backup.`;
  if (code === '28P01' || code === '28000')
    return `${cap(db)} refused the sign-in: ${e.message}. Fix the user and password in ESCALON_DATABASE_URL.`;
  if (code === '3D000')
    return `${cap(db)}: ${e.message}. Create it (e.g. createdb) or fix the database name in ESCALON_DATABASE_URL.`;
  if (code === '42501')
    return `${cap(db)}: ${e.message}. Grant the database user the right to create tables in its schema.`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `Cannot find the host of ${db} (${code}). Fix the host name in ESCALON_DATABASE_URL.`;
  const fault = databaseFault(err);
  if (fault === 'database_unavailable')
    return `Cannot reach ${db} (${code || e.message}). Start the database, or fix the host and port in ESCALON_DATABASE_URL.`;
  if (fault === 'storage_read_only')
    return `${cap(db)} accepts no writes (${code}: ${e.message}). Connect to a writable primary, not a standby.`;
  if (fault === 'storage_full')
    return `The disk under ${db} is full (${e.message}). Free some space, then start Escalon again.`;
  return null;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
