/**
 * SQLite storage faults on real file systems: a small tmpfs filled up (full disk) and the
 * database reached through a read-only bind mount (read-only file system). Mounting needs
 * root, as in CI; elsewhere the suite is skipped with a message.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn(
    '\n[escalon tests] SQLite storage fault tests need root (they mount a tmpfs); SKIPPED for this user. CI runs them as root.\n',
  );

const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
const unmount = (dir: string) => {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
};

/** Writes zeros into `file` until the file system says ENOSPC. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

describe.runIf(isRoot)('SQLite on a full disk', () => {
  let dir: string;
  let node: TestNode | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'escalon-full-'));
    mount('-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir);
  });
  afterAll(async () => {
    await node?.close();
    unmount(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 507 storage_full, fails /readyz, and writes resume when space returns', async () => {
    node = await startTestNode({ kind: 'sqlite', file: join(dir, 'escalon.db') }, dir);
    expect((await node.request('POST', '/api/v1/tickets', { subject: 'before' })).status).toBe(201);
    // Empty the WAL so the next commit needs new blocks (a WAL already allocated would take a few more writes).
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(node.deps.database.db);
    const filler = join(dir, 'filler');
    fillDisk(filler);

    const full = await node.request('POST', '/api/v1/tickets', {
      subject: 'x'.repeat(200),
      description: 'y'.repeat(20_000),
    });
    expect([full.status, full.body.error.code]).toEqual([507, 'storage_full']);
    expect(full.headers['retry-after']).toBeDefined();
    const ready = await node.request('GET', '/readyz');
    expect([ready.status, ready.body.error.code]).toEqual([507, 'storage_full']);
    // Reads still work; the log says SQLITE_FULL, not "cannot rollback".
    expect((await node.request('GET', '/api/v1/tickets')).status).toBe(200);
    const logged = JSON.stringify(node.logs.filter((l) => l.level >= 40));
    expect(logged).toContain('SQLITE_FULL');
    expect(logged).not.toContain('cannot rollback');

    rmSync(filler);
    expect((await node.request('GET', '/readyz')).status).toBe(200);
    const after = await node.request('POST', '/api/v1/tickets', { subject: 'after' });
    expect(after.status).toBe(201);
    const subjects = (await node.request('GET', '/api/v1/tickets')).body.items.map(
      (t: { subject: string }) => t.subject,
    );
    expect(subjects).toEqual(expect.arrayContaining(['before', 'after']));
    expect(subjects).not.toContain('x'.repeat(200)); // nothing half-written
    const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(
      node.deps.database.db,
    );
    expect(check.rows).toEqual([{ integrity_check: 'ok' }]);
  });
});

describe.runIf(isRoot)('SQLite on a read-only file system', () => {
  let rw: string;
  let ro: string;
  beforeAll(() => {
    rw = mkdtempSync(join(tmpdir(), 'escalon-rw-'));
    ro = mkdtempSync(join(tmpdir(), 'escalon-ro-'));
  });
  afterAll(() => {
    unmount(ro);
    rmSync(ro, { recursive: true, force: true });
    rmSync(rw, { recursive: true, force: true });
  });

  it('answers 503 storage_read_only and fails /readyz', async () => {
    // The database, written through a writable path (it stays open so its WAL index exists)…
    const writer = await startTestNode({ kind: 'sqlite', file: join(rw, 'escalon.db') }, rw);
    // …and a node that reaches the same file through a read-only mount.
    mount('--bind', rw, ro);
    mount('-o', 'remount,ro,bind', ro);
    const roFile = { kind: 'sqlite' as const, file: join(ro, 'escalon.db') };
    const node = await startTestNode(roFile, ro, {
      migrate: false,
      token: writer.token,
      handle: openDatabase(roFile),
    });
    try {
      const r = await node.request('POST', '/api/v1/tickets', { subject: 'on a read-only disk' });
      expect([r.status, r.body.error.code]).toEqual([503, 'storage_read_only']);
      expect(r.headers['retry-after']).toBeDefined();
      expect(JSON.stringify(node.logs)).toContain('SQLITE_READONLY');
      const ready = await node.request('GET', '/readyz');
      expect([ready.status, ready.body.error.code]).toEqual([503, 'storage_read_only']);
      expect((await writer.request('GET', '/readyz')).status).toBe(200);
    } finally {
      await node.close();
      await writer.close();
    }
  });
});
