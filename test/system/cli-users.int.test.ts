/** `escalon users add` applies the password policy and says why it refused (issue 14). */
import { describe, expect, it } from 'vitest';
import { allDatabases, createTestDatabase, isAvailable } from '../helpers/databases.js';
import { runCli } from '../helpers/process.js';

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`escalon users add [${kind}]`, () => {
    it('refuses a weak password with the reason, and accepts a good one', { timeout: 60_000 }, async () => {
      const db = await createTestDatabase(kind);
      const env = {
        ESCALON_DATABASE_URL: db.config.kind === 'sqlite' ? `sqlite:${db.config.file}` : db.config.url,
        ESCALON_DATA_DIR: db.dataDir,
        ESCALON_DEMO: '0',
        ESCALON_LOG_LEVEL: 'warn',
      };
      try {
        const add = (password: string) =>
          runCli(
            [
              'users',
              'add',
              '--email',
              'ops.lead@test.example',
              '--name',
              'Ops',
              '--role',
              'admin',
              '--password',
              password,
            ],
            env,
          );
        const short = add('short-pass1');
        expect(short.status).toBe(1);
        expect(short.stderr).toContain('at least 12 characters');
        expect(add('ops.lead-2026-admin').stderr).toContain('must not contain your email address');
        expect(add('qwerty123456').stderr).toContain('most common passwords');
        const ok = add('a-sound-passphrase-2026');
        expect(ok.status, ok.stderr).toBe(0);
      } finally {
        await db.drop();
      }
    });
  });
}
