/**
 * IMAP polling against a real Dovecot on loopback: a throwaway instance (own config, static
 * passdb/userdb, maildir in a temp dir, random port) started here and stopped after. Skipped
 * with a message when dovecot is not installed, except in CI where it must run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { createLogger } from '../../lib/logger.js';
import { buildEml, withHeaders } from './email-test-support.js';
import { startImapPoller } from './imap-poller.js';

const haveDovecot = spawnSync('sh', ['-c', 'command -v dovecot']).status === 0;
if (!haveDovecot) {
  if (process.env.CI === 'true') throw new Error('dovecot is required in CI for the IMAP test: apt-get install -y dovecot-imapd');
  console.warn('[intake-email] dovecot not installed (apt-get install -y dovecot-imapd): IMAP polling test SKIPPED.');
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

interface Dovecot {
  port: number;
  stop(): void;
}

async function startDovecot(): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'escalon-dovecot-'));
  const port = await freePort();
  for (const d of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, d));
  // Dovecot refuses uid 0 for mail: as root, the mail belongs to the package's dovecot user.
  let uid = process.getuid?.() ?? 0;
  let gid = process.getgid?.() ?? 0;
  if (uid === 0) {
    uid = Number(execFileSync('id', ['-u', 'dovecot']).toString().trim());
    gid = Number(execFileSync('id', ['-g', 'dovecot']).toString().trim());
    chmodSync(dir, 0o755);
    for (const d of ['mail', 'home']) chownSync(join(dir, d), uid, gid);
  }
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = escalon-test-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
listen = 127.0.0.1
protocols = imap
first_valid_uid = ${uid}
first_valid_gid = ${gid}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
mail_location = maildir:${dir}/mail/%u
`,
  );
  execFileSync('dovecot', ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'support', pass: 'secret' }, logger: false });
      c.connect().then(
        () => c.logout().then(() => resolve(true), () => resolve(true)),
        () => resolve(false),
      );
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    stop() {
      spawnSync('doveadm', ['-c', conf, 'stop'], { stdio: 'ignore' });
      try {
        process.kill(Number(readFileSync(join(dir, 'run', 'master.pid'), 'utf8').trim()), 'SIGTERM');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeEachDb('IMAP polling (dovecot on loopback)', (ctx) => {
  let dovecot: Dovecot | undefined;
  beforeAll(async () => {
    if (haveDovecot) dovecot = await startDovecot();
  });
  afterAll(() => dovecot?.stop());

  it.skipIf(!haveDovecot)('keeps unseen mail, marks it \\Seen after it is kept, and never records it twice', async () => {
    const port = dovecot!.port;
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'support', pass: 'secret' }, logger: false });
    await client.connect();
    const ids = ['imap-1@example.jp', 'imap-2@example.jp'];
    await client.append('INBOX', buildEml(withHeaders([['Message-ID', `<${ids[0]}>`], ['Subject', 'Printer via IMAP']])));
    await client.append('INBOX', buildEml(withHeaders([['Message-ID', `<${ids[1]}>`], ['Subject', `=?ISO-2022-JP?B?${Buffer.from('\x1b$B%F%9%H\x1b(B', 'latin1').toString('base64')}?=`]])));
    await client.append('INBOX', buildEml(withHeaders([['Message-ID', '<already-read@example.jp>']])), ['\\Seen']);

    const poller = startImapPoller(ctx().deps.intakeEmail, createLogger('silent'), {
      mailboxes: [{ host: '127.0.0.1', port, secure: false, user: 'support', password: 'secret', mailbox: 'INBOX' }],
      intervalMs: 60_000,
      schedule: false,
    });
    try {
      expect(await poller.pollOnce()).toBe(2);
      const rows = await ctx().deps.database.db.selectFrom('inbound_messages').selectAll().where('message_id', 'in', ids).execute();
      expect(rows.map((r) => [r.source, r.status, r.reason])).toEqual([
        ['imap', 'processed', 'ticket_created'],
        ['imap', 'processed', 'ticket_created'],
      ]);
      const subjects = await ctx().deps.database.db.selectFrom('tickets').select('subject').where('id', 'in', rows.map((r) => r.ticket_id!)).execute();
      expect(subjects.map((s) => s.subject).sort()).toEqual(['Printer via IMAP', 'テスト']);

      const lock = await client.getMailboxLock('INBOX');
      try {
        expect(((await client.search({ seen: false }, { uid: true })) || []).length).toBe(0);
        // Marked unseen again (as after a crash before \Seen): fetched again, recorded once.
        await client.messageFlagsRemove('1:*', ['\\Seen']);
      } finally {
        lock.release();
      }
      expect(await poller.pollOnce()).toBe(3);
      const again = await ctx().deps.database.db.selectFrom('inbound_messages').selectAll().where('message_id', 'in', ids).execute();
      expect(again).toHaveLength(2);
      expect(again.map((r) => Number(r.deliveries))).toEqual([2, 2]);
    } finally {
      await poller.stop();
      await client.logout();
    }
  });
});
