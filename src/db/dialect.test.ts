import { describe, expect, it } from 'vitest';
import { explainStartupError } from '../cli/startup-errors.js';
import { loadConfig } from '../config/config.js';
import { databaseFault } from './dialect.js';

const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('databaseFault', () => {
  it('names full disks, read-only databases and unreachable databases on both drivers', () => {
    expect(databaseFault(err('SQLITE_FULL', 'database or disk is full'))).toBe('storage_full');
    expect(databaseFault(err('53100', 'could not extend file'))).toBe('storage_full');
    expect(databaseFault(err('ENOSPC'))).toBe('storage_full');
    expect(databaseFault(err('SQLITE_READONLY', 'attempt to write a readonly database'))).toBe(
      'storage_read_only',
    );
    expect(databaseFault(err('SQLITE_READONLY_DBMOVED'))).toBe('storage_read_only');
    expect(databaseFault(err('25006', 'cannot execute INSERT in a read-only transaction'))).toBe(
      'storage_read_only',
    );
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001', '53300'])
      expect(databaseFault(err(code)), code).toBe('database_unavailable');
    expect(databaseFault(new Error('Connection terminated unexpectedly'))).toBe('database_unavailable');
    expect(databaseFault(new Error('Connection terminated due to connection timeout'))).toBe(
      'database_unavailable',
    );
    expect(databaseFault(new Error('Client has encountered a connection error and is not queryable'))).toBe(
      'database_unavailable',
    );
    expect(
      databaseFault(Object.assign(new AggregateError([err('ECONNREFUSED'), err('ECONNREFUSED')]), {})),
    ).toBe('database_unavailable');
  });

  it('looks through wrapping errors and leaves bugs and bad data alone', () => {
    expect(databaseFault(new Error('Migration 0002 failed', { cause: err('SQLITE_FULL') }))).toBe(
      'storage_full',
    );
    expect(databaseFault(err('23505', 'duplicate key'))).toBeNull();
    expect(databaseFault(err('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(databaseFault(new TypeError('x is undefined'))).toBeNull();
    expect(databaseFault(null)).toBeNull();
  });
});

describe('explainStartupError', () => {
  const pg = loadConfig({ ESCALON_DATABASE_URL: 'postgres://postgres@db.internal:6543/escalon' }, '/srv');
  const sqlite = loadConfig({ ESCALON_DATA_DIR: '/srv/data' }, '/srv');

  it('says what to fix in one line', () => {
    const lines = [
      explainStartupError(err('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:6543'), pg),
      explainStartupError(err('28P01', 'password authentication failed for user "postgres"'), pg),
      explainStartupError(err('3D000', 'database "escalon" does not exist'), pg),
      explainStartupError(
        Object.assign(err('EROFS', 'EROFS: read-only file system'), { path: '/srv/data/.probe' }),
        sqlite,
      ),
      explainStartupError(
        new Error('Migration 0001_initial failed', { cause: err('SQLITE_READONLY') }),
        sqlite,
      ),
      explainStartupError(
        Object.assign(err('EADDRINUSE'), { address: '127.0.0.1', port: 3000, syscall: 'listen' }),
        sqlite,
      ),
    ];
    expect(lines[0]).toBe(
      'Cannot reach PostgreSQL at db.internal:6543 (database escalon) (ECONNREFUSED). Start the database, or fix the host and port in ESCALON_DATABASE_URL.',
    );
    expect(lines[1]).toMatch(/refused the sign-in.*ESCALON_DATABASE_URL/);
    expect(lines[2]).toMatch(/does not exist.*createdb/);
    expect(lines[3]).toBe(
      'Cannot write to /srv/data/.probe (the file system is read-only). Make the data directory (/srv/data) writable by the user running Escalon, or set ESCALON_DATA_DIR to a writable directory.',
    );
    expect(lines[4]).toBe(
      'Migration 0001_initial failed: The SQLite database /srv/data/escalon.db is read-only (SQLITE_READONLY). Make the file, and the directory it is in, writable by the user running Escalon.',
    );
    expect(lines[5]).toMatch(/Port 3000 on 127\.0\.0\.1 is already in use/);
    for (const l of lines) expect(l).not.toContain('\n');
  });

  it('leaves bugs to be printed in full', () => {
    expect(explainStartupError(new TypeError('cannot read properties of undefined'), sqlite)).toBeNull();
  });
});
