/**
 * Automated mail and bounces through the real SMTP receiver, on SQLite and PostgreSQL: every
 * kind of machine mail (Japanese carrier notices, daemon senders, null senders, list-manager and
 * cloud notices) is recorded without a ticket or an acknowledgement, a person's forwarded bounce
 * still opens one, and a bounce quoting one of our Message-IDs is tied to that mail, names what
 * failed and marks a hard-bounced customer address (automatic mail stops; the next mail from
 * the customer clears it).
 */
import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { inTransaction } from '../../db/database.js';
import { buildEml, useSmtpIntake, withHeaders } from './email-test-support.js';

const b = (s: string): string => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

describeEachDb('automated mail and bounces over SMTP', (ctx) => {
  const smtp = useSmtpIntake(() => ctx().deps.intakeEmail);
  let seq = 0;
  const uniq = () => `${Date.now().toString(36)}-${seq++}`;
  const db = () => ctx().deps.database.db;
  const send = async (raw: Buffer, opts: { from?: string } = {}) => {
    const r = await smtp.client().send(raw, opts);
    expect(r.code, r.text).toBe(250);
  };
  const inbound = async (messageId: string) =>
    await db()
      .selectFrom('inbound_messages')
      .selectAll()
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();
  const count = async (table: 'tickets' | 'jobs') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const events = (ticketId: string) =>
    db().selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();

  it('records each kind of automated mail without a ticket or an acknowledgement', async () => {
    const kinds: Array<[string, Array<[string, string | null]>, string, { from?: string }, string]> = [
      [
        'au メールエラー通知 from no-reply@',
        [
          ['From', 'no-reply@mail.au-carrier.example'],
          ['Subject', b('メールエラー通知')],
        ],
        '以下の宛先へ配信できませんでした。\n<hanako@au-carrier.example>\n',
        {},
        'bounce_unmatched',
      ],
      [
        'InterScan from postmaster@',
        [
          ['From', 'postmaster@gw.corp.example.co.jp'],
          ['Subject', b('メッセージを配信できません。')],
        ],
        'メッセージを配信できません。',
        {},
        'bounce_unmatched',
      ],
      [
        'failure delivery from MAILER-DAEMON@',
        [
          ['From', 'MAILER-DAEMON@mta.yahoo.example'],
          ['Subject', 'failure delivery'],
        ],
        'Sorry, your mail was not delivered.',
        {},
        'bounce_unmatched',
      ],
      [
        'From: MAILER-DAEMON <>',
        [
          ['From', 'MAILER-DAEMON <>'],
          ['Subject', 'Returned mail: see transcript for details'],
        ],
        '550 5.1.1 <nobody@example.jp>... User unknown',
        {},
        'bounce_unmatched',
      ],
      [
        'Return-Path: <MAILER-DAEMON>',
        [
          ['From', 'Mail System <root@old-host.example>'],
          ['Return-Path', '<MAILER-DAEMON>'],
          ['Subject', 'Daily report'],
        ],
        'Nothing.',
        {},
        'auto_reply:automated_sender',
      ],
      [
        'fml not member',
        [
          ['From', 'support-ml-admin@ml.example.jp'],
          ['Subject', 'Re: 質問'],
          ['X-ML-Name', 'support-ml'],
          ['X-Mailer', 'fml [fml 4.0.3 release]'],
        ],
        'You (taro@example.jp) are not member of this mailing list.',
        {},
        'auto_reply:list_notice',
      ],
      [
        'fml Loop Alert',
        [
          ['From', 'fml@ml.example.jp'],
          ['Subject', 'Loop Alert: Duplicated Message-ID'],
          ['X-ML-Name', 'support-ml'],
        ],
        'Duplicated Message-ID.',
        {},
        'auto_reply:list_notice',
      ],
      [
        'carrier relay Re: from post_master@',
        [
          ['From', 'post_master@mobile-carrier.example'],
          ['Subject', 'Re: お見積りについて'],
        ],
        'このメールは自動送信されています。',
        {},
        'auto_reply:automated_sender',
      ],
      [
        'AWS Notification Message',
        [
          ['From', 'AWS Notifications <no-reply@sns.amazonaws.com>'],
          ['Subject', 'AWS Notification Message'],
          ['x-amz-sns-message-id', 'a-1'],
        ],
        '{"AlarmName":"cpu"}',
        {},
        'auto_reply:notification',
      ],
      [
        'MAIL FROM:<> with human-looking headers',
        [
          ['From', 'Taro <taro@example.jp>'],
          ['Subject', 'Hello'],
        ],
        'Hi.',
        { from: '' },
        'auto_reply:null_return_path',
      ],
    ];
    const tickets = await count('tickets');
    const jobs = (await db().selectFrom('jobs').selectAll().where('kind', '=', 'email.send').execute())
      .length;
    for (const [name, headers, body, envelope, reason] of kinds) {
      const id = `auto-${uniq()}@machines.example`;
      await send(buildEml(withHeaders([['Message-ID', `<${id}>`], ...headers]), body), envelope);
      expect(await inbound(id), name).toMatchObject({ status: 'rejected', reason, ticket_id: null });
    }
    expect(await count('tickets')).toBe(tickets);
    expect(
      (await db().selectFrom('jobs').selectAll().where('kind', '=', 'email.send').execute()).length,
    ).toBe(jobs);
  });

  it("opens a ticket (and acknowledges it) for a customer's forwarded bounce", async () => {
    const id = `fwd-${uniq()}@example.jp`;
    await send(
      buildEml(
        withHeaders([
          ['Message-ID', `<${id}>`],
          ['From', 'Jiro <jiro@example.jp>'],
          ['Subject', 'Fwd: Returned mail: see transcript for details'],
        ]),
        'このエラーが返ってきました。\n\n---------- Forwarded message ---------\nFrom: MAILER-DAEMON@mx.example.jp\n\nFinal-Recipient: rfc822; support@escalon.test\nAction: failed\nStatus: 5.1.1\n',
      ),
    );
    const row = await inbound(id);
    expect(row).toMatchObject({ status: 'processed', reason: 'ticket_created' });
    const acks = await db()
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', 'email.send')
      .where('dedupe_key', '=', `intake.ack:${row.ticket_id}`)
      .execute();
    expect(acks).toHaveLength(1);
  });

  it('ties a text bounce quoting our Message-ID to that mail, names what failed, marks the address bouncing until the customer writes again', async () => {
    const t = ctx();
    const address = `gone-${uniq()}@example.co.jp`;
    const first = `first-${uniq()}@example.co.jp`;
    await send(
      buildEml(
        withHeaders([
          ['Message-ID', `<${first}>`],
          ['From', `Saburo <${address}>`],
          ['Subject', b('見積依頼')],
        ]),
        'お見積りをお願いします。',
      ),
    );
    const ticketId = (await inbound(first)).ticket_id!;
    const ours = await db()
      .selectFrom('ticket_message_ids')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .where('direction', '=', 'out')
      .executeTakeFirstOrThrow();

    // No report part, no Original-Message-ID: only the quoted original in the body.
    const bounceId = `nd-${uniq()}@gw.example.co.jp`;
    await send(
      buildEml(
        withHeaders([
          ['Message-ID', `<${bounceId}>`],
          ['From', 'postmaster@gw.example.co.jp'],
          ['Subject', b('メッセージを配信できません。')],
        ]),
        `次の受信者への配信に失敗しました。\n<${address}>: 550 5.1.1 user unknown\n\n> Message-Id: <${ours.message_id}>\n> Subject: [#1] 見積依頼\n`,
      ),
    );
    const bounceRow = await inbound(bounceId);
    expect(bounceRow).toMatchObject({ status: 'processed', reason: 'bounce', ticket_id: ticketId });
    const note = (await events(ticketId)).find((e) => e.kind === 'email.bounced')!;
    expect(note).toMatchObject({ visibility: 'internal' });
    expect(note.body).toBe(`<${address}>: 550 5.1.1 user unknown`);
    const data = JSON.parse(note.data);
    expect(data).toMatchObject({
      originalMessageId: ours.message_id,
      recipient: address,
      status: '5.1.1',
      hard: true,
      reason: 'mailer_daemon',
    });
    expect(data.bouncingCustomerIds).toHaveLength(1);

    // Agents see it on the customer and in the composer; automatic mail stops.
    const customerId = data.bouncingCustomerIds[0] as string;
    const customer = await t.request('GET', `/api/v1/customers/${customerId}`, t.actors.agent);
    expect(customer.body.emailBouncing).toMatchObject({
      status: '5.1.1',
      diagnostic: `<${address}>: 550 5.1.1 user unknown`,
    });
    const target = await t.request('GET', `/api/v1/tickets/${ticketId}/reply-target`, t.actors.agent);
    expect(target.body.warnings).toContainEqual({ code: 'address_bouncing', address, status: '5.1.1' });
    expect(
      await inTransaction(db(), (tx) =>
        t.deps.replies.allowAutomatic(tx, address, 'intake.ack', t.clock.now()),
      ),
    ).toBe(false);

    // A new mail from the customer: the address works again.
    const again = `again-${uniq()}@example.co.jp`;
    await send(
      buildEml(
        withHeaders([
          ['Message-ID', `<${again}>`],
          ['From', `Saburo <${address}>`],
          ['Subject', 'Re: [#1] 見積依頼'],
          ['In-Reply-To', `<${first}>`],
        ]),
        '届いていますか？',
      ),
    );
    expect(
      (await t.request('GET', `/api/v1/customers/${customerId}`, t.actors.agent)).body.emailBouncing,
    ).toBeNull();
    expect(
      (await t.request('GET', `/api/v1/tickets/${ticketId}/reply-target`, t.actors.agent)).body.warnings,
    ).toEqual([]);
  });

  it('counts Action: expired as a failure but marks no address for a 4.x.x report; a forged bounce naming no mail of ours changes nothing', async () => {
    const t = ctx();
    const address = `slow-${uniq()}@example.jp`;
    const first = `exp-${uniq()}@example.jp`;
    await send(
      buildEml(
        withHeaders([
          ['Message-ID', `<${first}>`],
          ['From', address],
          ['Subject', 'Expired'],
        ]),
      ),
    );
    const ticketId = (await inbound(first)).ticket_id!;
    const ours = await db()
      .selectFrom('ticket_message_ids')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .where('direction', '=', 'out')
      .executeTakeFirstOrThrow();
    const dsn = (quoted: string) =>
      buildEml(
        withHeaders([
          ['Message-ID', `<dsn-${uniq()}@mx.example>`],
          ['From', 'Mail Delivery Subsystem <mailer-daemon@mx.example>'],
          ['Subject', 'Delivery Status Notification (Failure)'],
          ['Content-Type', 'multipart/report; report-type=delivery-status; boundary=rpt'],
        ]),
        [
          '--rpt',
          'Content-Type: text/plain',
          '',
          'Gave up.',
          '--rpt',
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; mx.example',
          '',
          `Final-Recipient: rfc822; ${address}`,
          'Action: expired',
          'Status: 4.4.7',
          '',
          '--rpt',
          'Content-Type: text/rfc822-headers',
          '',
          `Message-ID: <${quoted}>`,
          '',
          '--rpt--',
          '',
        ].join('\n'),
      );
    await send(dsn(ours.message_id));
    const note = (await events(ticketId)).find((e) => e.kind === 'email.bounced')!;
    expect(JSON.parse(note.data)).toMatchObject({
      recipient: address,
      status: '4.4.7',
      hard: false,
      bouncingCustomerIds: [],
      failures: [{ recipient: address, action: 'expired', status: '4.4.7', hard: false }],
    });
    const customer = await db()
      .selectFrom('customers')
      .selectAll()
      .where('email', '=', address)
      .executeTakeFirstOrThrow();
    expect(customer.email_bouncing_at).toBeNull();

    // A report quoting an id we never sent (or the customer's own incoming id) ties to nothing.
    await send(dsn(first));
    expect((await events(ticketId)).filter((e) => e.kind === 'email.bounced')).toHaveLength(1);
    const rejected = await db()
      .selectFrom('inbound_messages')
      .selectAll()
      .where('reason', '=', 'bounce_unmatched')
      .where('error', 'like', `%${first}%`)
      .execute();
    expect(rejected).toHaveLength(1);
    expect(
      (await t.request('GET', `/api/v1/customers/${customer.id}`, t.actors.agent)).body.emailBouncing,
    ).toBeNull();
  });
});
