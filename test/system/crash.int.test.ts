/**
 * Durability: a ticket the API acknowledged (201) survives kill -9 of the server process.
 * Also exercises the CLI (users add, tokens create) against the same database.
 */
import { describe, expect, it } from 'vitest';
import { createTestDatabase, databaseEnv, allDatabases, isAvailable } from '../helpers/databases.js';
import { runCli, startServerProcess } from '../helpers/process.js';

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`kill -9 mid-load [${kind}]`, () => {
    it('keeps every acknowledged ticket', { timeout: 120_000 }, async () => {
      const db = await createTestDatabase(kind);
      const env = {
        ...databaseEnv(db),
        ESCALON_DEMO: '0',
        ESCALON_LOG_LEVEL: 'warn',
      };
      try {
        const add = runCli(['users', 'add', '--email', 'ops@test.example', '--name', 'Ops', '--role', 'admin', '--password', 'crash-test-passphrase-1'], env);
        expect(add.status, add.stderr).toBe(0);
        const tok = runCli(['tokens', 'create', '--email', 'ops@test.example'], env);
        expect(tok.status, tok.stderr).toBe(0);
        const token = tok.stdout.trim();
        expect(token).toMatch(/^esc_[A-Za-z0-9_-]+$/); // only the token on stdout

        const { child, url } = await startServerProcess(env);
        const acknowledged: string[] = [];
        const unexpected: string[] = [];
        let stop = false;
        const worker = async (w: number) => {
          for (let i = 0; !stop; i++) {
            try {
              const r = await fetch(`${url}/api/v1/tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ subject: `load ${w}-${i}` }) });
              if (r.status === 201) acknowledged.push(((await r.json()) as { id: string }).id);
              else unexpected.push(`${r.status} ${await r.text()}`);
            } catch {
              return; // the server died under us
            }
          }
        };
        const workers = Array.from({ length: 8 }, (_, w) => worker(w));
        const deadline = Date.now() + 30_000;
        while (acknowledged.length < 150 && unexpected.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(unexpected.slice(0, 3)).toEqual([]);
        expect(acknowledged.length).toBeGreaterThanOrEqual(150);
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        stop = true;
        await Promise.all(workers);
        await exited;

        const again = await startServerProcess(env);
        try {
          const seen = new Set<string>();
          let cursor: string | null = null;
          do {
            const r = await fetch(`${again.url}/api/v1/tickets?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
            const page = (await r.json()) as { items: { id: string }[]; nextCursor: string | null };
            for (const t of page.items) seen.add(t.id);
            cursor = page.nextCursor;
          } while (cursor);
          const lost = acknowledged.filter((id) => !seen.has(id));
          expect(lost).toEqual([]);
        } finally {
          const done = new Promise((r) => again.child.once('exit', r));
          again.child.kill('SIGTERM');
          await done;
        }
      } finally {
        await db.drop();
      }
    });
  });
}
