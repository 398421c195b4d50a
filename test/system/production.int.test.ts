/**
 * Issue 14, production starts: the development secret key refuses NODE_ENV=production; a
 * production-like start does not seed the demo unless ESCALON_DEMO=1 (then a loud warning, and
 * the sign-in page still offers no passwords); `escalon demo remove`; `escalon backup` of a
 * SQLite database that a running server is writing, restored by starting Escalon on the copy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allDatabases, createTestDatabase, databaseEnv, isAvailable, type DbKind, type TestDatabase } from '../helpers/databases.js';
import { ROOT, runCli, startServerProcess } from '../helpers/process.js';
import { loadConfig } from '../../src/config/config.js';
import { createContainer } from '../../src/container.js';
import { migrateToLatest } from '../../src/db/database.js';
import { createSecretBox } from '../../src/integrations/secret-box.js';
import { createLogger } from '../../src/lib/logger.js';

const KEY = 'production-test-key-0123456789-abcdefghijklmnop';

const envFor = (db: TestDatabase, more: Record<string, string> = {}) => ({
  ...databaseEnv(db),
  ESCALON_LOG_LEVEL: 'warn',
  ESCALON_SECRET_KEY: KEY,
  NODE_ENV: '',
  ESCALON_DEMO: '',
  ESCALON_HOST: '',
  ESCALON_PUBLIC_URL: '',
  ...more,
});

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function withServer<T>(env: Record<string, string>, fn: (url: string, output: () => string) => Promise<T>): Promise<T> {
  const { child, url, output } = await startServerProcess(env);
  try {
    return await fn(url, output);
  } finally {
    await stopProcess(child);
  }
}

const workspace = async (url: string) => (await (await fetch(`${url}/api/v1/workspace`)).json()) as { demo: boolean; demoLogins?: unknown[] };

describe('production mode and the development secret key', () => {
  it('refuses to start with NODE_ENV=production and no ESCALON_SECRET_KEY, saying what to set', () => {
    const r = runCli(['start'], { NODE_ENV: 'production', ESCALON_SECRET_KEY: '', ESCALON_PORT: '0', ESCALON_DATABASE_URL: 'sqlite::memory:' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ESCALON_SECRET_KEY is not set (or is the development key from the source): with NODE_ENV=production set it');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain('running at');
  });
});

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`production-like starts [${kind}]`, () => {
    it('seed no demo unless ESCALON_DEMO=1, which warns loudly and offers no passwords; demo remove deletes it', { timeout: 180_000 }, async () => {
      const db = await createTestDatabase(kind);
      try {
        // NODE_ENV=production and a public https URL: starts empty.
        const prod = envFor(db, { NODE_ENV: 'production', ESCALON_PUBLIC_URL: 'https://help.example.com' });
        await withServer(prod, async (url, output) => {
          expect(await workspace(url)).toEqual({ demo: false });
          expect(output()).toContain('No users yet. Create an administrator');
          expect(output()).not.toContain('escalon-demo-2026');
        });
        // Asked for by name: seeded, with the warning, and the sign-in page lists no accounts.
        await withServer({ ...prod, ESCALON_DEMO: '1' }, async (url, output) => {
          expect(output()).toContain('WARNING: the DEMO WORKSPACE was seeded in a production-like start (ESCALON_DEMO=1)');
          expect(output()).toContain('NODE_ENV=production; ESCALON_PUBLIC_URL=https://help.example.com is not a loopback address');
          expect(await workspace(url)).toEqual({ demo: true });
        });
        const removed = runCli(['demo', 'remove'], prod);
        expect(removed.status, removed.stderr).toBe(0);
        expect(removed.stdout).toMatch(/^Demo workspace removed: 11 users, 5 teams, \d+ customers/);
        await withServer(prod, async (url, output) => {
          expect(await workspace(url)).toEqual({ demo: false });
          expect(output()).not.toContain('DEMO WORKSPACE');
        });
        expect(runCli(['demo', 'remove'], prod).stderr).toContain('This database holds no demo workspace');
      } finally {
        await db.drop();
      }
    });
  });
}

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`escalon secrets rotate [${kind}]`, () => {
    it('re-encrypts the stored secrets from --old-key to ESCALON_SECRET_KEY', { timeout: 60_000 }, async () => {
      const db = await createTestDatabase(kind);
      const newKey = 'the-new-production-key-0123456789-zyxwvutsrq';
      try {
        const env = envFor(db);
        const database = db.open();
        await migrateToLatest(database);
        const deps = createContainer(loadConfig(env), createLogger('silent'), { database });
        const integration = await deps.messaging.create('Chat');
        await deps.close();
        const r = runCli(['secrets', 'rotate', '--old-key', KEY], { ...env, ESCALON_SECRET_KEY: newKey });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain('Re-encrypted 1 stored secret(s) with the current ESCALON_SECRET_KEY');
        const after = db.open();
        const row = await after.db.selectFrom('messaging_integrations').select('secret').executeTakeFirstOrThrow();
        await after.close();
        const context = `messaging_integrations.${integration.id}.secret`;
        expect(createSecretBox(newKey).open(row.secret, context)).toBe(integration.secret);
        expect(() => createSecretBox(KEY).open(row.secret, context)).toThrow();
        // The old key again: nothing left to re-encrypt.
        expect(runCli(['secrets', 'rotate', '--old-key', KEY], { ...env, ESCALON_SECRET_KEY: newKey }).stdout).toContain('Re-encrypted 0 stored secret(s) with the current ESCALON_SECRET_KEY (1 already were)');
      } finally {
        await db.drop();
      }
    });
  });
}

describe.runIf(isAvailable('sqlite'))('a developer machine [sqlite]', () => {
  it('still seeds the demo and offers its accounts on a loopback start (npm start)', { timeout: 120_000 }, async () => {
    const db = await createTestDatabase('sqlite');
    try {
      await withServer(envFor(db), async (url, output) => {
        const w = await workspace(url);
        expect(w.demo).toBe(true);
        expect(w.demoLogins).toHaveLength(11);
        expect(output()).toContain('Demo workspace created. Sign in as:');
        expect(output()).not.toContain('WARNING');
      });
    } finally {
      await db.drop();
    }
  });
});

/** Runs the CLI without blocking this process (the writers keep writing meanwhile). */
function runCliAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr })));
}

describe.runIf(isAvailable('sqlite'))('escalon backup [sqlite]', () => {
  it('copies a database that the running server is writing; Escalon starts on the copy and finds every ticket committed before the backup', { timeout: 180_000 }, async () => {
    const db = await createTestDatabase('sqlite');
    const env = envFor(db, { ESCALON_DEMO: '0' });
    try {
      expect(runCli(['users', 'add', '--email', 'ops@test.example', '--name', 'Ops', '--role', 'admin', '--password', 'backup-admin-passphrase-26'], env).status).toBe(0);
      const token = runCli(['tokens', 'create', '--email', 'ops@test.example'], env).stdout.trim();
      const auth = { authorization: `Bearer ${token}` };
      const target = join(db.dataDir, 'backup.db');
      let before: string[] = [];
      let duringBackup = 0;
      await withServer(env, async (url) => {
        const acknowledged: string[] = [];
        const failures: string[] = [];
        let stop = false;
        const writer = async (w: number) => {
          for (let i = 0; !stop; i++) {
            const r = await fetch(`${url}/api/v1/tickets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ subject: `write ${w}-${i}`, description: 'x'.repeat(4000) }) });
            if (r.status === 201) acknowledged.push(((await r.json()) as { id: string }).id);
            else failures.push(`${r.status} ${await r.text()}`);
          }
        };
        const writers = Array.from({ length: 4 }, (_, w) => writer(w));
        while (acknowledged.length < 300 && failures.length === 0) await new Promise((r) => setTimeout(r, 20));
        before = [...acknowledged];
        const backup = await runCliAsync(['backup', target], env);
        duringBackup = acknowledged.length - before.length;
        stop = true;
        await Promise.all(writers);
        expect(failures.slice(0, 3)).toEqual([]);
        expect(backup.status, backup.stderr).toBe(0);
        expect(backup.stdout).toContain(`to ${target}`);
      });
      expect(duringBackup).toBeGreaterThan(0); // the server kept writing while the backup ran
      expect(existsSync(`${target}-wal`)).toBe(false);
      await expect(runCliAsync(['backup', target], env)).resolves.toMatchObject({ status: 1, stderr: expect.stringContaining('exists already') });

      // Restore: the copy becomes the database of a fresh data directory.
      const restored = await createTestDatabase('sqlite');
      try {
        if (restored.config.kind !== 'sqlite') throw new Error('sqlite expected');
        copyFileSync(target, restored.config.file);
        await withServer(envFor(restored, { ESCALON_DEMO: '0' }), async (url) => {
          const seen = new Set<string>();
          let cursor: string | null = null;
          do {
            const r = await fetch(`${url}/api/v1/tickets?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth });
            expect(r.status).toBe(200);
            const page = (await r.json()) as { items: { id: string }[]; nextCursor: string | null };
            for (const t of page.items) seen.add(t.id);
            cursor = page.nextCursor;
          } while (cursor);
          expect(before.filter((id) => !seen.has(id))).toEqual([]);
          expect(seen.size).toBeGreaterThanOrEqual(before.length);
        });
      } finally {
        await restored.drop();
      }
    } finally {
      await db.drop();
    }
  });
});

describe.runIf(isAvailable('postgres'))('escalon backup [postgres]', () => {
  it('explains that pg_dump makes the backup, without printing the password', async () => {
    const db = await createTestDatabase('postgres' as DbKind);
    try {
      const url = new URL(db.config.kind === 'postgres' ? db.config.url : '');
      url.password = 'hunter2-secret';
      const r = runCli(['backup', join(db.dataDir, 'x.db')], envFor(db, { ESCALON_DATABASE_URL: url.toString() }));
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('pg_dump --format=custom');
      expect(r.stderr).toContain('pg_restore');
      expect(r.stderr).not.toContain('hunter2-secret');
      expect(existsSync(join(db.dataDir, 'x.db'))).toBe(false);
    } finally {
      await db.drop();
    }
  });
});
