/**
 * Start-up problems an operator causes print one line saying what to fix, and exit non-zero,
 * without a stack trace: an unreachable database, a read-only data directory, a bad URL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/process.js';

const isRoot = process.getuid?.() === 0;

function expectOneLine(r: { status: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(r.status).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('start-up problems', () => {
  it('says which PostgreSQL cannot be reached', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'escalon-start-'));
    try {
      // Port 1 on loopback: nothing listens there.
      const r = runCli(['start'], {
        ESCALON_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/escalon',
        ESCALON_DATA_DIR: dataDir,
        ESCALON_DEMO: '0',
        ESCALON_PORT: '0',
      });
      expectOneLine(
        r,
        /^Escalon could not start: Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(database escalon\) \(ECONNREFUSED\)\. Start the database, or fix the host and port in ESCALON_DATABASE_URL\.$/,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lists a malformed database URL', () => {
    const r = runCli(['start'], {
      ESCALON_DATABASE_URL: 'mysql://root@localhost/escalon',
      ESCALON_PORT: '0',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      'ESCALON_DATABASE_URL="mysql://root@localhost/escalon" must start with sqlite: or postgres://',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.runIf(isRoot)('says the data directory is read-only', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'escalon-ro-data-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dataDir]);
    try {
      const r = runCli(['start'], {
        ESCALON_DATA_DIR: dataDir,
        ESCALON_DATABASE_URL: '',
        ESCALON_DEMO: '0',
        ESCALON_PORT: '0',
      });
      expectOneLine(
        r,
        new RegExp(
          `^Escalon could not start: Cannot write to ${dataDir}/\\S+ \\(the file system is read-only\\)\\. Make the data directory \\(${dataDir}\\) writable`,
        ),
      );
    } finally {
      execFileSync('umount', [dataDir]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
