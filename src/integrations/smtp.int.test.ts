import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { createMailer, mailDomainOf, ticketIdOfMessageId, ticketThreadIds, type Mailer } from './smtp.js';
import { closedPort } from './loopback-test-support.js';
import { renderNotification } from '../modules/notifications/templates/index.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const servers: SMTPServer[] = [];
const mailers: Mailer[] = [];

afterEach(async () => {
  for (const m of mailers.splice(0)) m.close();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A real SMTP server on loopback; `rcptCode` makes it refuse every recipient with that code. */
const startSmtp = async (
  options: { rcptCode?: number } = {},
): Promise<{ port: number; received: Received[] }> => {
  const received: Received[] = [];
  const serverOptions: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.rcptCode) {
        const err = Object.assign(
          new Error(options.rcptCode >= 500 ? 'No such user here' : 'Mailbox busy, try later'),
          {
            responseCode: options.rcptCode,
          },
        );
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return { port, received };
};

const smtpMailer = (port: number): Mailer => {
  const m = createMailer({
    driver: 'smtp',
    host: '127.0.0.1',
    port,
    secure: false,
    from: 'Escalon <escalon@support.example>',
  });
  mailers.push(m);
  return m;
};

describe('createMailer (smtp driver, real SMTP server on loopback)', () => {
  it('delivers a Japanese notification that threads to its ticket, with both parts and Auto-Submitted', async () => {
    const { port, received } = await startSmtp();
    const rendered = renderNotification('escalation.requested', 'ja', {
      recipient: { name: '佐藤', timeZone: 'Asia/Tokyo' },
      ticket: { number: 1042, subject: 'ログインできない', url: 'https://escalon.example/tickets/1042' },
      escalation: {
        id: 'esc-1',
        ask: '本日中にパスワードリセットの可否を判断してください',
        temperature: 'angry',
        dueAtMs: Date.UTC(2026, 0, 5, 9, 30),
        url: 'https://escalon.example/escalations/esc-1',
      },
    });
    const thread = ticketThreadIds('t-42', 'n-7', mailDomainOf('Escalon <escalon@support.example>'));

    const result = await smtpMailer(port).send({ to: 'sato@customer.example', ...rendered, ...thread });

    expect(result).toMatchObject({ ok: true });
    expect(result.response).toMatch(/^250/);
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.to).toEqual(['sato@customer.example']);
    expect(mail.from).toBe('escalon@support.example');

    const headerPart = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
    // RFC 2047 encoded-word in the raw header, no raw 8-bit Japanese there.
    expect(headerPart).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(headerPart).not.toMatch(/ログイン/);

    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe('[#1042] エスカレーション依頼: ログインできない');
    expect(parsed.messageId).toBe('<ticket.t-42.n-7@support.example>');
    expect(parsed.inReplyTo).toBe('<ticket.t-42@support.example>');
    expect(parsed.references).toBe('<ticket.t-42@support.example>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.text).toContain('本日中にパスワードリセットの可否を判断してください');
    expect(parsed.text).toContain('2026年1月5日(月) 18:30 JST');
    expect(parsed.html).toContain('<html lang="ja">');
    expect(parsed.html).toContain('本日中にパスワードリセットの可否を判断してください');
    expect(ticketIdOfMessageId(parsed.inReplyTo!)).toBe('t-42');
  });

  it('sends several References in order and omits Auto-Submitted for a person-written reply', async () => {
    const { port, received } = await startSmtp();
    const result = await smtpMailer(port).send({
      to: ['a@customer.example', 'b@customer.example'],
      subject: 'Re: printer',
      text: 'Hello',
      html: '<p>Hello</p>',
      messageId: '<reply-1@support.example>',
      inReplyTo: '<cust-2@customer.example>',
      references: ['<cust-1@customer.example>', '<cust-2@customer.example>'],
      headers: { 'X-Escalon-Ticket': '1042' },
      autoSubmitted: false,
    });
    expect(result.ok).toBe(true);
    const parsed = await simpleParser(received[0]!.raw);
    expect(received[0]!.to).toEqual(['a@customer.example', 'b@customer.example']);
    expect(parsed.references).toEqual(['<cust-1@customer.example>', '<cust-2@customer.example>']);
    expect(parsed.headers.has('auto-submitted')).toBe(false);
    expect(parsed.headers.get('x-escalon-ticket')).toBe('1042');
  });

  it('reports a 550 rejection as permanent (not retryable)', async () => {
    const { port, received } = await startSmtp({ rcptCode: 550 });
    const result = await smtpMailer(port).send({
      to: 'nobody@customer.example',
      subject: 's',
      text: 't',
      messageId: '<m1@x>',
    });
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.response).toMatch(/550/);
    expect(received).toHaveLength(0);
  });

  it('reports a 451 deferral as temporary (retryable)', async () => {
    const { port } = await startSmtp({ rcptCode: 451 });
    const result = await smtpMailer(port).send({
      to: 'busy@customer.example',
      subject: 's',
      text: 't',
      messageId: '<m2@x>',
    });
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.response).toMatch(/451/);
  });

  it('returns a retryable failure, not a throw, when nothing listens', async () => {
    const port = await closedPort();
    const result = await smtpMailer(port).send({
      to: 'x@customer.example',
      subject: 's',
      text: 't',
      messageId: '<m3@x>',
    });
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.response).toMatch(/ECONNREFUSED|ECONNECTION/);
  });

  it('verify() reports reachability without sending', async () => {
    const { port, received } = await startSmtp();
    expect(await smtpMailer(port).verify()).toMatchObject({ ok: true });
    expect(received).toHaveLength(0);
    expect(await smtpMailer(await closedPort()).verify()).toMatchObject({ ok: false, retryable: true });
  });
});

describe('createMailer (log driver)', () => {
  it('records the message to the logger and reports success', async () => {
    const lines: { obj: object; msg: string }[] = [];
    const mailer = createMailer({ driver: 'log' }, { info: (obj, msg) => lines.push({ obj, msg }) });
    const result = await mailer.send({ to: 'a@b.example', subject: 'Hi', text: 'Body', messageId: '<m@x>' });
    expect(result).toEqual({ ok: true, response: 'logged <m@x>' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.obj).toMatchObject({
      mail: { to: 'a@b.example', subject: 'Hi', messageId: '<m@x>', text: 'Body' },
    });
  });
});

describe('thread ids', () => {
  it('round-trips the ticket id and ignores foreign ids', () => {
    expect(mailDomainOf('help@desk.example')).toBe('desk.example');
    expect(ticketIdOfMessageId('<ticket.0192f3a4-7b7c-7def-8000-000000000001@desk.example>')).toBe(
      '0192f3a4-7b7c-7def-8000-000000000001',
    );
    expect(ticketIdOfMessageId('<CAF=abc@mail.gmail.com>')).toBeUndefined();
  });
});
