/**
 * The email intake through the real SMTP receiver over loopback, on SQLite and PostgreSQL:
 * every corpus message, threading, duplicates, auto-reply loops, bounces, oversized mail,
 * failed mail listed for admins and re-processed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { createLogger } from '../../lib/logger.js';
import { BASE_HEADERS, buildEml, useSmtpIntake, withHeaders } from './email-test-support.js';
import { inboundIdentity } from './intake-email.service.js';
import { startSmtpReceiver } from './smtp-receiver.js';
import { RawSmtpClient, encodeData } from './smtp-test-client.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Beside the repository (../shared), or beside the folder of worktrees (../../shared).
const corpusDir =
  ['../shared/corpus/email', '../../shared/corpus/email'].map((p) => path.resolve(repoRoot, p)).find((p) => existsSync(p)) ??
  path.resolve(repoRoot, '../shared/corpus/email');
const haveCorpus = existsSync(corpusDir);
if (!haveCorpus) console.warn(`[intake-email] corpus not found at ${corpusDir}: corpus delivery test skipped.`);

/** The same selection as email-corpus.int.test.ts. */
function listSamples(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'files' ? [] : listSamples(full);
    if (/^(LICENSE|README)(\.md)?$/i.test(entry.name)) return [];
    return /\.(eml|msg|txt)$/i.test(entry.name) || !entry.name.includes('.') ? [full] : [];
  });
}

/** The bytes the receiver gets for a file (CRLF line ends), as it stores them. */
const received = (raw: Buffer): Buffer => {
  const data = encodeData(raw);
  // undo dot-stuffing: what smtp-server hands over
  return Buffer.from(data.toString('latin1').replace(/(^|\r\n)\.\./g, '$1.'), 'latin1');
};

describeEachDb('email intake over SMTP', (ctx) => {
  const smtp = useSmtpIntake(() => ctx().deps.intakeEmail);
  let seq = 0;
  const uniq = () => `${Date.now().toString(36)}-${seq++}`;


  const db = () => ctx().deps.database.db;
  const rowsCount = async () => Number((await db().selectFrom('inbound_messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const inboundByMessageId = (id: string) => db().selectFrom('inbound_messages').selectAll().where('message_id', '=', id).execute();
  const send = async (raw: Buffer) => {
    const r = await smtp.client().send(raw);
    expect(r.code, r.text).toBe(250);
    return r;
  };
  const mail = (overrides: Array<[string, string | null]>, body = 'Hello, my printer is broken.') => buildEml(withHeaders(overrides), body);
  const events = (ticketId: string) => db().selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();
  const sendJobs = () => db().selectFrom('jobs').selectAll().where('kind', '=', 'email.send').execute();

  it.skipIf(!haveCorpus)('keeps every corpus message: a ticket, a reply or a recorded rejection; none dropped, none crashes the receiver', async () => {
    const files = listSamples(corpusDir).sort();
    expect(files.length).toBeGreaterThan(150);
    const before = await rowsCount();
    const keys = new Set<string>();
    const exact = new Set<string>();
    for (const file of files) {
      const raw = readFileSync(file);
      const r = await smtp.client().send(raw);
      expect(r.code, `${path.relative(corpusDir, file)}: ${r.text}`).toBe(250);
      const bytes = received(raw);
      keys.add(inboundIdentity(bytes).dedupeKey);
      exact.add(inboundIdentity(bytes).rawSha256);
    }
    const rows = (await rowsCount()) - before;
    // Exact duplicates are recorded once; a different mail reusing a Message-ID is still kept.
    expect(rows).toBe(keys.size);
    expect(rows).toBeLessThanOrEqual(exact.size);
    const all = await db().selectFrom('inbound_messages').selectAll().execute();
    const tally: Record<string, number> = {};
    for (const row of all) {
      expect(['processed', 'rejected', 'failed']).toContain(row.status);
      expect(row.reason, row.id).not.toBeNull();
      if (row.status === 'processed' && row.reason !== 'bounce') expect(row.ticket_id).not.toBeNull();
      const k = `${row.status}:${row.reason}`;
      tally[k] = (tally[k] ?? 0) + 1;
    }
    console.info(`[intake-email] corpus over SMTP [${ctx().kind}]: ${files.length} files, ${exact.size} distinct byte-wise, ${rows} kept`, tally);
    expect(all.filter((r) => r.status === 'failed').map((r) => r.reason).sort()).toEqual(['empty', 'no_headers']);
    expect(all.filter((r) => r.reason === 'processing_error')).toEqual([]);
    expect(all.filter((r) => Number(r.deliveries) > 1).length).toBeGreaterThan(0);

    // Japanese mail decodes to the right text in the ticket.
    const iso = await db().selectFrom('tickets').selectAll().where('subject', '=', 'まみむめも').execute();
    expect(iso.length).toBeGreaterThan(0);
    const isoBodies = (await Promise.all(iso.map((t) => events(t.id)))).flat().map((e) => e.body);
    expect(isoBodies).toContain('すみません。');
    const sjis = await db().selectFrom('ticket_events').select('body').where('body', 'like', '%このメールはテスト用のメールです。%').execute();
    expect(sjis.length).toBeGreaterThan(0);
    const attached = await db().selectFrom('attachments').select('filename').where('filename', '=', 'てすと.txt').execute();
    expect(attached.length).toBeGreaterThan(0);

    // The receiver still works.
    await send(mail([['Message-ID', `<after-corpus-${uniq()}@example.jp>`]]));
  });

  it('threads replies by In-Reply-To and by [#number] from the requester; a stranger quoting a number opens a new ticket', async () => {
    const first = `first-${uniq()}@example.jp`;
    await send(mail([['Message-ID', `<${first}>`], ['Subject', 'VPN does not connect']]));
    const [row] = await inboundByMessageId(first);
    expect(row).toMatchObject({ status: 'processed', reason: 'ticket_created' });
    const ticket = await db().selectFrom('tickets').selectAll().where('id', '=', row!.ticket_id!).executeTakeFirstOrThrow();
    expect(ticket.channel).toBe('email');

    const reply = `reply-${uniq()}@example.jp`;
    await send(mail([['Message-ID', `<${reply}>`], ['Subject', 'Re: VPN does not connect'], ['In-Reply-To', `<${first}>`]], 'Still broken.\n\nOn Mon, Jan 5, 2026 Taro wrote:\n> VPN does not connect'));
    expect((await inboundByMessageId(reply))[0]).toMatchObject({ reason: 'reply_added', ticket_id: ticket.id });
    const ev = (await events(ticket.id)).filter((e) => e.kind === 'message.added');
    expect(ev.at(-1)!.body).toBe('Still broken.');
    expect(JSON.parse(ev.at(-1)!.data).email.quotedText).toContain('VPN does not connect');

    const bySubject = `subj-${uniq()}@example.jp`;
    await send(mail([['Message-ID', `<${bySubject}>`], ['Subject', `Re: [#${ticket.number}] VPN`]]));
    expect((await inboundByMessageId(bySubject))[0]).toMatchObject({ reason: 'reply_added', ticket_id: ticket.id });

    const stranger = `stranger-${uniq()}@example.com`;
    await send(mail([['Message-ID', `<${stranger}>`], ['From', 'Mallory <mallory@example.com>'], ['Subject', `[#${ticket.number}] hello`]]));
    const s = (await inboundByMessageId(stranger))[0]!;
    expect(s.reason).toBe('ticket_created');
    expect(s.ticket_id).not.toBe(ticket.id);

    // The requester became a customer on first contact.
    const customer = await db().selectFrom('customers').selectAll().where('email', '=', 'taro@example.jp').executeTakeFirst();
    expect(customer?.id).toBe(ticket.requester_id);
  });

  it('records the same message delivered twice once', async () => {
    const id = `dup-${uniq()}@example.jp`;
    const raw = mail([['Message-ID', `<${id}>`], ['Subject', 'Duplicate delivery']]);
    const tickets = async () => Number((await db().selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    await send(raw);
    const n = await tickets();
    const r = await send(raw);
    expect(r.text).toContain('already received');
    expect(await tickets()).toBe(n);
    const rows = await inboundByMessageId(id);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.deliveries)).toBe(2);
  });

  it('never opens a ticket or answers an auto-reply (no loop); a human mail is acknowledged once', async () => {
    const human = `human-${uniq()}@example.jp`;
    await send(mail([['Message-ID', `<${human}>`], ['From', 'Hanako <hanako@example.jp>'], ['Subject', 'Need help']]));
    const t = (await inboundByMessageId(human))[0]!.ticket_id!;
    expect((await sendJobs()).filter((j) => JSON.parse(j.payload).ticketId === t)).toHaveLength(1);

    const jobsBefore = (await sendJobs()).length;
    const ticketsBefore = Number((await db().selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const auto = `auto-${uniq()}@example.jp`;
    await send(mail([['Message-ID', `<${auto}>`], ['From', 'Hanako <hanako@example.jp>'], ['Subject', 'Automatic reply: [#1] Need help'], ['Auto-Submitted', 'auto-replied']], 'I am out of the office.'));
    const ooo = `ooo-${uniq()}@example.jp`;
    await send(mail([['Message-ID', `<${ooo}>`], ['From', 'Jiro <jiro@example.jp>'], ['Subject', `=?UTF-8?B?${Buffer.from('【自動返信】不在のお知らせ').toString('base64')}?=`]], '不在です。'));
    expect((await inboundByMessageId(auto))[0]).toMatchObject({ status: 'rejected', reason: 'auto_reply:auto_submitted', ticket_id: null });
    expect((await inboundByMessageId(ooo))[0]).toMatchObject({ status: 'rejected', reason: 'auto_reply:out_of_office_subject', ticket_id: null });
    expect((await sendJobs()).length).toBe(jobsBefore);
    expect(Number((await db().selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(ticketsBefore);
  });

  it('records a bounce of our acknowledgement on the ticket it was about', async () => {
    const id = `bounce-src-${uniq()}@example.jp`;
    await send(mail([['Message-ID', `<${id}>`], ['From', 'Typo <nobody@example.invalid>'], ['Subject', 'Bounce me']]));
    const ticketId = (await inboundByMessageId(id))[0]!.ticket_id!;
    const out = await db().selectFrom('ticket_message_ids').selectAll().where('ticket_id', '=', ticketId).where('direction', '=', 'out').executeTakeFirstOrThrow();
    const boundary = 'b0unce';
    const dsn = buildEml(
      [
        ['From', 'Mail Delivery System <MAILER-DAEMON@mx.example.invalid>'],
        ['To', 'escalon@localhost'],
        ['Subject', 'Undelivered Mail Returned to Sender'],
        ['Message-ID', `<dsn-${uniq()}@mx.example.invalid>`],
        ['MIME-Version', '1.0'],
        ['Content-Type', `multipart/report; report-type=delivery-status; boundary="${boundary}"`],
      ],
      [
        `--${boundary}`,
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        `--${boundary}`,
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.invalid',
        '',
        'Final-Recipient: rfc822; nobody@example.invalid',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
        '',
        `--${boundary}`,
        'Content-Type: text/rfc822-headers',
        '',
        `Message-ID: <${out.message_id}>`,
        'Subject: [#1] Bounce me',
        '',
        `--${boundary}--`,
        '',
      ].join('\n'),
    );
    await send(dsn);
    const bounced = (await events(ticketId)).filter((e) => e.kind === 'email.bounced');
    expect(bounced).toHaveLength(1);
    expect(bounced[0]).toMatchObject({ visibility: 'internal' });
    expect(JSON.parse(bounced[0]!.data)).toMatchObject({ recipient: 'nobody@example.invalid', status: '5.1.1' });
  });

  it('refuses an oversized message with 552 and keeps nothing of it', async () => {
    const before = await rowsCount();
    const big = buildEml(withHeaders([['Message-ID', `<big-${uniq()}@example.jp>`]]), 'x'.repeat(76) + '\n'.repeat(1) + ('y'.repeat(76) + '\n').repeat(40_000));
    const r = await smtp.client().send(big);
    expect(r.code).toBe(552);
    expect(await rowsCount()).toBe(before);
    const sized = await smtp.client().command(`MAIL FROM:<a@test.example> SIZE=${10 * 1024 * 1024}`);
    expect(sized.code).toBe(552);
    await smtp.client().command('RSET');
    await send(mail([['Message-ID', `<small-${uniq()}@example.jp>`]]));
  });

  it('keeps unreadable mail, lists it for admins, and processes it again on request', async () => {
    const t: TestContext = ctx();
    await send(Buffer.from(`garbage ${uniq()} without any header\n`));
    const list = await t.request('GET', '/api/v1/inbound-messages?status=failed', t.actors.admin);
    expect(list.status).toBe(200);
    const failed = list.body.items.find((i: { reason: string }) => i.reason === 'no_headers');
    expect(failed).toMatchObject({ status: 'failed', source: 'smtp' });
    expect(failed.error).toMatch(/header/);
    expect((await t.request('GET', '/api/v1/inbound-messages?status=failed', t.actors.agent)).status).toBe(403);
    const again = await t.request('POST', `/api/v1/inbound-messages/${failed.id}/reprocess`, t.actors.admin);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'failed', reason: 'no_headers', attempts: 2 });
    const raw = await t.app.inject({ method: 'GET', url: `/api/v1/inbound-messages/${failed.id}/raw`, headers: t.actors.admin.auth });
    expect(raw.body).toContain('without any header');
    const ok = list.body.items.length;
    expect(ok).toBeGreaterThan(0);
    const processed = (await t.request('GET', '/api/v1/inbound-messages?status=processed&limit=1', t.actors.admin)).body.items[0];
    expect((await t.request('POST', `/api/v1/inbound-messages/${processed.id}/reprocess`, t.actors.admin)).status).toBe(409);
  });

  it('accepts only the configured addresses when a list is set', async () => {
    const strict = await startSmtpReceiver(ctx().deps.intakeEmail, createLogger('silent'), { host: '127.0.0.1', port: 0, maxBytes: 1024 * 1024, addresses: ['support@escalon.test'] });
    const c = await RawSmtpClient.open(strict.port);
    try {
      expect((await c.send(buildEml(BASE_HEADERS), { to: ['other@escalon.test'] })).code).toBe(550);
    } finally {
      await c.close();
      await strict.close();
    }
  });
});
