import { ImapFlow } from 'imapflow';
import type { ImapMailboxConfig as ImapMailbox } from '../../config/config.js';
import type { Logger } from '../../lib/logger.js';
import type { IntakeEmailService } from './intake-email.service.js';

export interface ImapPoller {
  /** One pass over every mailbox; resolves with how many messages were kept. */
  pollOnce(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 20;

/**
 * Polls IMAP mailboxes (imapflow) for unseen mail. Per batch of UIDs: fetch the raw sources
 * (no other command is issued while the fetch iterates), keep each one through the intake
 * (fsynced raw + row), and only then set \Seen on the UIDs that were kept. A crash in between
 * fetches the mail again next time; the intake records it once (same Message-ID and content).
 */
export function startImapPoller(intake: IntakeEmailService, logger: Logger, o: { mailboxes: ImapMailbox[]; intervalMs: number; schedule?: boolean }): ImapPoller {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<number> | null = null;

  const pollMailbox = async (m: ImapMailbox): Promise<number> => {
    const client = new ImapFlow({ host: m.host, port: m.port, secure: m.secure, auth: { user: m.user, pass: m.password }, logger: false, disableAutoIdle: true });
    client.on('error', (err: unknown) => logger.warn({ err, host: m.host }, 'IMAP connection error'));
    await client.connect();
    let kept = 0;
    try {
      const lock = await client.getMailboxLock(m.mailbox);
      try {
        const uids = (await client.search({ seen: false }, { uid: true })) || [];
        for (let i = 0; i < uids.length && !stopped; i += BATCH) {
          const batch = uids.slice(i, i + BATCH);
          const fetched: { uid: number; source: Buffer }[] = [];
          for await (const msg of client.fetch(batch, { uid: true, source: true }, { uid: true })) {
            if (msg.source) fetched.push({ uid: msg.uid, source: msg.source });
          }
          const done: number[] = [];
          for (const f of fetched) {
            try {
              await intake.receive(f.source, 'imap', { rcptTo: [], remoteAddress: `${m.host}:${m.port}/${m.mailbox}` });
              done.push(f.uid);
              kept++;
            } catch (err) {
              logger.error({ err, uid: f.uid, mailbox: m.mailbox }, 'IMAP message could not be kept; left unseen');
            }
          }
          if (done.length > 0) await client.messageFlagsAdd(done, ['\\Seen'], { uid: true });
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return kept;
  };

  const pollOnce = async (): Promise<number> => {
    let total = 0;
    for (const m of o.mailboxes) {
      try {
        total += await pollMailbox(m);
      } catch (err) {
        logger.warn({ err, host: m.host, mailbox: m.mailbox }, 'IMAP poll failed; trying again next round');
      }
    }
    return total;
  };

  const tick = () => {
    if (stopped) return;
    running = pollOnce();
    void running.finally(() => {
      running = null;
      if (!stopped) timer = setTimeout(tick, o.intervalMs);
    });
  };
  if (o.schedule !== false) timer = setTimeout(tick, 0);

  return {
    pollOnce: () => (running ??= pollOnce().finally(() => (running = null))),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
