/**
 * SIGTERM against a real `escalon start` process while slow external jobs (replies mailed to a
 * slow SMTP server) run: the process exits 0 within the grace period and leaves no job leased.
 */
import { SMTPServer } from 'smtp-server';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createContainer } from '../../src/container.js';
import { migrateToLatest } from '../../src/db/database.js';
import { createLogger } from '../../src/lib/logger.js';
import { allDatabases, createTestDatabase, databaseEnv, isAvailable } from '../helpers/databases.js';
import { waitUntil } from '../helpers/node.js';
import { startServerProcess } from '../helpers/process.js';

/** Accepts every mail; mail to a "slow-" address is held for 30 s before the answer. */
async function startSlowSmtp() {
  const accepted: string[] = [];
  const holding = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address).join(',');
      stream.resume();
      stream.on('end', () => {
        const slow = to.startsWith('slow-');
        if (slow) holding.add(to);
        const t = setTimeout(
          () => {
            timers.delete(t);
            holding.delete(to);
            accepted.push(to);
            callback();
          },
          slow ? 30_000 : 200,
        );
        timers.add(t);
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    holding,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const GRACE_MS = 2000;

for (const kind of allDatabases) {
  describe.runIf(isAvailable(kind))(`SIGTERM with slow jobs running [${kind}]`, () => {
    it(
      'finishes what it can within the grace period, releases the rest and exits 0',
      { timeout: 90_000 },
      async () => {
        const db = await createTestDatabase(kind);
        const smtp = await startSlowSmtp();
        // An administrator and a token, written straight into the database.
        const handle = db.open();
        await migrateToLatest(handle);
        const setup = createContainer(
          loadConfig({ ESCALON_DATA_DIR: db.dataDir, ESCALON_DEMO: '0' }),
          createLogger('silent'),
          { database: handle },
        );
        const admin = await setup.users.create(null, {
          email: 'ops@test.example',
          name: 'Ops',
          role: 'admin',
          locale: 'en',
          timeZone: 'Asia/Tokyo',
          password: 'shutdown-test-passphrase',
        });
        const { token } = await setup.auth.createToken(null, admin.id, 'test');
        await setup.close();

        const env = {
          ...databaseEnv(db),
          ESCALON_DEMO: '0',
          ESCALON_LOG_LEVEL: 'info',
          ESCALON_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
          ESCALON_INBOUND_ADDRESS: 'support@escalon.example',
          ESCALON_SHUTDOWN_GRACE_MS: String(GRACE_MS),
          ESCALON_SMTP_IN_ENABLED: '1',
          ESCALON_SMTP_IN_PORT: '0',
        };
        const { child, url, output } = await startServerProcess(env);
        try {
          const api = async (method: string, path: string, body?: unknown) => {
            const r = await fetch(`${url}${path}`, {
              method,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: body === undefined ? undefined : JSON.stringify(body),
            });
            return { status: r.status, body: (await r.json()) as any };
          };
          const reply = async (to: string) => {
            const t = await api('POST', '/api/v1/tickets', {
              subject: `For ${to}`,
              channel: 'email',
              requesterEmail: to,
            });
            expect(t.status).toBe(201);
            const m = await api('POST', `/api/v1/tickets/${t.body.id}/messages`, {
              body: 'Here is the answer.',
              visibility: 'public',
            });
            expect(m.status, JSON.stringify(m.body)).toBe(201);
          };
          for (let i = 0; i < 2; i++) await reply(`quick-${i}@customer.example`);
          await waitUntil(() => smtp.accepted.length === 2, 20_000, 'the quick replies');
          for (let i = 0; i < 3; i++) await reply(`slow-${i}@customer.example`);
          await waitUntil(() => smtp.holding.size >= 1, 20_000, 'a slow reply in flight');

          // A mail client connected to the SMTP receiver, idle: it must not hold the shutdown up.
          const smtpInPort = Number(/"port":(\d+)[^\n]*"msg":"SMTP receiver listening"/.exec(output())?.[1]);
          expect(smtpInPort).toBeGreaterThan(0);
          const mailClient = connect(smtpInPort, '127.0.0.1');
          mailClient.on('error', () => undefined);
          const greeted = new Promise<string>((r) => mailClient.once('data', (d) => r(d.toString())));
          expect(await greeted).toMatch(/^220 /);
          const mailClientClosed = new Promise<void>((r) => mailClient.once('close', () => r()));

          const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
          const signalled = performance.now();
          child.kill('SIGTERM');
          const code = await exited;
          const tookMs = performance.now() - signalled;
          expect(code, output()).toBe(0);
          expect(tookMs).toBeGreaterThanOrEqual(GRACE_MS - 100); // it waited for the running send…
          expect(tookMs).toBeLessThan(GRACE_MS + 3000); // …and no longer than the grace period
          await mailClientClosed;
          await expect(
            new Promise((resolve, reject) =>
              connect(smtpInPort, '127.0.0.1').once('connect', resolve).once('error', reject),
            ),
          ).rejects.toMatchObject({ code: 'ECONNREFUSED' });

          const after = db.open();
          try {
            const jobs = await after.db
              .selectFrom('jobs')
              .select(['kind', 'state', 'locked_by', 'locked_until'])
              .where('kind', '=', 'deliver')
              .execute();
            expect(
              jobs.filter((j) => j.state === 'running' || j.locked_by !== null || j.locked_until !== null),
            ).toEqual([]);
            expect(jobs.filter((j) => j.state === 'done').length).toBe(2);
            expect(jobs.filter((j) => j.state === 'pending').length).toBe(3); // released for the next node
          } finally {
            await after.close();
          }
          expect(output()).toContain('released jobs still running at the end of the shutdown grace period');
        } finally {
          if (child.exitCode === null) child.kill('SIGKILL');
          await smtp.close();
          await db.drop();
        }
      },
    );
  });
}
