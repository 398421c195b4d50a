/** `escalon users add` applies the password policy and says why it refused (issue 14). */
import { describe, expect, it } from 'vitest';
import { allDatabases, createTestDatabase, databaseEnv, isAvailable } from '../helpers/databases.js';
import { runCli } from '../helpers/process.js';

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`escalon users add [${kind}]`, () => {
    it('refuses a weak password with the reason, and accepts a good one', { timeout: 180_000 }, async () => {
      const db = await createTestDatabase(kind);
      const env = {
        ...databaseEnv(db),
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
        // (Each rule is tested on the service; here: the CLI applies them and prints why.)
        const common = add('qwerty123456');
        expect(common.status, common.stderr).toBe(1);
        expect(common.stderr).toContain('most common passwords');
        const ok = add('a-sound-passphrase-2026');
        expect(ok.status, ok.stderr).toBe(0);
        const expiring = runCli(
          ['tokens', 'create', '--email', 'ops.lead@test.example', '--expires-at', '2099-01-01T00:00:00Z'],
          env,
        );
        expect(expiring.status, expiring.stderr).toBe(0);
        expect(expiring.stdout.trim()).toMatch(/^esc_/);
      } finally {
        await db.drop();
      }
    });
  });
}
