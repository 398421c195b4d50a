import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyInbound,
  extractTicketNumber,
  isOutOfOfficeSubject,
  threadingKeys,
} from './email-classify.js';
import { parseInboundEmail } from './email-parse.js';
import { BASE_HEADERS, LIMITS, buildEml, withHeaders } from './email-test-support.js';
import type { InboundClassification } from './email.types.js';

const classify = async (
  headers: Array<[string, string | null]>,
  body = 'Hello.',
): Promise<InboundClassification> =>
  classifyInbound(await parseInboundEmail(buildEml(withHeaders(headers), body), LIMITS));

const report = (reportType: string, parts: Array<[string, string]>): string =>
  [
    ...parts.flatMap(([type, content]) => ['--rpt', `Content-Type: ${type}`, '', content]),
    '--rpt--',
    '',
  ].join('\r\n');

describe('classifyInbound: messages and auto-replies', () => {
  it('treats an ordinary mail as a message', async () => {
    expect(await classify([])).toEqual({ kind: 'message', suppressAutoResponse: false });
  });

  it.each([
    [[['Auto-Submitted', 'auto-replied']], 'auto_submitted'],
    [[['Auto-Submitted', 'Auto-Generated; owner-email="x@y"']], 'auto_submitted'],
    [[['X-Autoreply', 'yes']], 'x_autoreply'],
    [[['X-Autorespond', 'Out of office']], 'x_autorespond'],
    [[['Precedence', 'bulk']], 'precedence'],
    [[['Precedence', 'junk']], 'precedence'],
    [[['Precedence', 'auto_reply']], 'precedence'],
    [[['Subject', 'Automatic reply: Printer is broken']], 'out_of_office_subject'],
    [[['Subject', '=?UTF-8?B?6Ieq5YuV6L+U5L+hOiDjgYrllY/jgYTlkIjjgo/jgZs=?=']], 'out_of_office_subject'],
    [[['Return-Path', '<>']], 'null_return_path'],
  ] as Array<[Array<[string, string]>, string]>)('detects %j as auto_reply %s', async (headers, reason) => {
    expect(await classify(headers)).toMatchObject({ kind: 'auto_reply', reason });
  });

  it('does not treat Auto-Submitted: no as automatic', async () => {
    expect(await classify([['Auto-Submitted', 'no']])).toEqual({
      kind: 'message',
      suppressAutoResponse: false,
    });
  });

  it.each([
    [[['Precedence', 'list']]],
    [[['List-Id', '<support.example.com>']]],
    [[['X-Auto-Response-Suppress', 'All']]],
  ] as Array<[Array<[string, string]>]>)(
    'keeps %j as a message but suppresses auto-responses',
    async (headers) => {
      expect(await classify(headers)).toEqual({ kind: 'message', suppressAutoResponse: true });
    },
  );

  it('classifies read receipts and ARF reports as automatic', async () => {
    const mdn = await classify(
      [['Content-Type', 'multipart/report; report-type=disposition-notification; boundary=rpt']],
      report('disposition-notification', [
        ['message/disposition-notification', 'Disposition: manual-action/MDN-sent-manually; displayed'],
      ]),
    );
    expect(mdn).toEqual({ kind: 'auto_reply', reason: 'read_receipt' });
    const arf = await classify(
      [['Content-Type', 'multipart/report; report-type=feedback-report; boundary=rpt']],
      report('feedback-report', [
        ['text/plain', 'This is an abuse report.'],
        ['message/feedback-report', 'Feedback-Type: abuse\r\nVersion: 1'],
      ]),
    );
    expect(arf).toEqual({ kind: 'auto_reply', reason: 'feedback_report', detail: 'abuse' });
  });
});

describe('classifyInbound: bounces', () => {
  const dsn = (action: string, status: string): string =>
    report('delivery-status', [
      ['text/plain', 'Your message could not be delivered.'],
      [
        'message/delivery-status',
        `Reporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; Gone@Example.com\r\nAction: ${action}\r\nStatus: ${status}\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user`,
      ],
      [
        'text/rfc822-headers',
        'From: support@escalon.test\r\nMessage-ID: <ours-1@escalon.test>\r\nSubject: [#1042] Re: Printer',
      ],
    ]);
  const headers: Array<[string, string | null]> = [
    ['From', 'Mail Delivery System <MAILER-DAEMON@mx.example.com>'],
    ['Auto-Submitted', 'auto-replied'],
    ['Content-Type', 'multipart/report; report-type=delivery-status; boundary=rpt'],
  ];

  it('reads a failed DSN', async () => {
    expect(await classify(headers, dsn('failed', '5.1.1'))).toEqual({
      kind: 'bounce',
      reason: 'delivery_status_report',
      originalMessageId: 'ours-1@escalon.test',
      recipient: 'gone@example.com',
      status: '5.1.1',
      diagnostic: 'smtp; 550 5.1.1 no such user',
      failures: [
        {
          recipient: 'gone@example.com',
          status: '5.1.1',
          diagnostic: 'smtp; 550 5.1.1 no such user',
          action: 'failed',
        },
      ],
    });
  });

  it('treats a delay notice as a report, not a bounce', async () => {
    expect(await classify(headers, dsn('delayed', '4.4.7'))).toEqual({
      kind: 'auto_reply',
      reason: 'delivery_report',
      detail: 'delayed',
    });
  });

  it('recognises a non-standard MAILER-DAEMON bounce', async () => {
    const out = await classify(
      [
        ['From', 'MAILER-DAEMON@mx.example.com'],
        ['Subject', 'failure notice'],
        ['X-Failed-Recipients', 'gone@example.com'],
        ['Return-Path', '<>'],
      ],
      "Sorry, we couldn't deliver.\n\n--- Below this line is a copy of the message.\n\nMessage-ID: <ours-2@escalon.test>\nSubject: hi\n",
    );
    expect(out).toEqual({
      kind: 'bounce',
      reason: 'mailer_daemon',
      originalMessageId: 'ours-2@escalon.test',
      recipient: 'gone@example.com',
      failures: [{ recipient: 'gone@example.com', status: null, diagnostic: null, action: null }],
    });
  });

  it('reads From: MAILER-DAEMON <> (an empty address) as the daemon it names', async () => {
    const out = await classify([
      ['From', 'MAILER-DAEMON <>'],
      ['Subject', 'Undelivered Mail Returned to Sender'],
      ['X-Failed-Recipients', 'gone@example.com'],
    ]);
    expect(out).toMatchObject({ kind: 'bounce', reason: 'mailer_daemon', recipient: 'gone@example.com' });
  });

  it('recognises a Japanese bounce subject with a null return path', async () => {
    const out = await classify([
      ['Return-Path', '<>'],
      ['Subject', '=?UTF-8?B?6YWN5L+h5LiN6IO944Gu44GK55+l44KJ44Gb?='],
    ]);
    expect(out).toMatchObject({ kind: 'bounce', reason: 'mailer_daemon' });
  });
});

describe('isOutOfOfficeSubject', () => {
  it.each([
    'Automatic reply: Printer',
    'Auto-Reply: Printer',
    'AutoReply: x',
    'Out of Office: RE: [#1042]',
    'Out of office',
    '自動返信: お問い合わせ',
    '【自動応答】お問い合わせ',
    '[自動返信] お問い合わせ',
    '不在: お問い合わせ',
    '不在のお知らせ（1/5〜1/10）',
    '夏季休暇のお知らせ',
    'Re: 自動応答：確認',
  ])('matches %s', (subject) => expect(isOutOfOfficeSubject(subject)).toBe(true));

  it.each([
    'Out of office hours support',
    '不在着信について',
    '自動返信メールが届きません',
    'Question about auto reply settings',
    'Printer is broken',
    '休暇申請の方法',
  ])('does not match %s', (subject) => expect(isOutOfOfficeSubject(subject)).toBe(false));
});

describe('extractTicketNumber', () => {
  it.each([
    ['[#1042] Printer', 1042],
    ['Re: Fwd: [#1042] Printer', 1042],
    ['RE: 【#1042】プリンター', 1042],
    ['返信: ［＃１０４２］プリンター', 1042],
    ['Re: [ #7 ] x', 7],
    ['[#12] then [#34]', 12],
  ])('reads %s', (subject, n) => expect(extractTicketNumber(subject)).toBe(n));

  it.each(['Order #1042', '[1042]', '[ABC #1042]', '[#] x', '[#0]', ''])('ignores %s', (subject) =>
    expect(extractTicketNumber(subject)).toBeNull(),
  );

  it('finds the number after any reply prefixes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.array(fc.constantFrom('Re: ', 'RE: ', 'Fwd: ', 'FW: ', '返信: ', '転送: ', 'AW: '), {
          maxLength: 5,
        }),
        fc.string({ maxLength: 40 }).filter((s) => !/[[【［]/.test(s)),
        (n, prefixes, rest) => extractTicketNumber(`${prefixes.join('')}[#${n}] ${rest}`) === n,
      ),
    );
  });
});

describe('threadingKeys', () => {
  it('puts In-Reply-To first, then References newest first, without duplicates or self', () => {
    expect(
      threadingKeys({ messageId: 'self@x', inReplyTo: 'c@x', references: ['a@x', 'b@x', 'c@x', 'self@x'] }),
    ).toEqual(['c@x', 'b@x', 'a@x']);
    expect(threadingKeys({ messageId: 'm@x', inReplyTo: null, references: [] })).toEqual([]);
  });

  it('reads the keys of a parsed reply', async () => {
    const email = await parseInboundEmail(
      buildEml([
        ...BASE_HEADERS,
        ['In-Reply-To', '<2@escalon.test>'],
        ['References', '<1@escalon.test> <2@escalon.test>'],
      ]),
      LIMITS,
    );
    expect(threadingKeys(email)).toEqual(['2@escalon.test', '1@escalon.test']);
  });
});

/** An RFC 2047 word, so the Japanese subjects travel as real mail carries them. */
const b = (s: string): string => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;

describe('classifyInbound: automated mail by every signal together', () => {
  it.each([
    [
      'an au/KDDI error notice from no-reply@ (メールエラー通知)',
      [
        ['From', 'no-reply@mail.au-carrier.example'],
        ['Subject', b('メールエラー通知')],
      ],
      '以下のメールアドレスへの配信ができませんでした。\n宛先: <hanako@au-carrier.example>\n',
    ],
    [
      'an InterScan notice from postmaster@ (メッセージを配信できません。)',
      [
        ['From', 'postmaster@gw.corp.example.co.jp'],
        ['Subject', b('メッセージを配信できません。')],
      ],
      'メッセージを配信できません。受信者: taro@corp.example.co.jp',
    ],
    [
      "Yahoo's 'failure delivery' from MAILER-DAEMON@",
      [
        ['From', 'MAILER-DAEMON@mta.mail.yahoo.example'],
        ['Subject', 'failure delivery'],
      ],
      'Sorry, your mail was not delivered.',
    ],
    [
      "a 'Delivery status notification' with a null return path",
      [
        ['From', 'Mail Delivery System <mail@relay.example>'],
        ['Return-Path', '<>'],
        ['Subject', 'Delivery status notification'],
      ],
      'This is an automatically generated Delivery Status Notification.',
    ],
    [
      "Exim's 'mail failed, returning to sender'",
      [
        ['From', 'Mail Delivery System <Mailer-Daemon@exim.example>'],
        ['Subject', 'Mail delivery failed: returning message to sender'],
        ['X-Failed-Recipients', 'gone@customer.example'],
      ],
      'This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its recipients.\n\n  gone@customer.example\n    SMTP error from remote mail server after RCPT TO:<gone@customer.example>:\n    550 5.1.1 User unknown\n',
    ],
    [
      'an Exchange NDR (Undeliverable:) from postmaster@',
      [
        ['From', 'postmaster@exchange.example'],
        ['Subject', 'Undeliverable: Printer is broken'],
      ],
      'Delivery has failed to these recipients or groups:',
    ],
    [
      'Return-Path: <MAILER-DAEMON> with a bounce subject',
      [
        ['From', 'Mail System <root@old-host.example>'],
        ['Return-Path', '<MAILER-DAEMON>'],
        ['Subject', 'Returned mail: User unknown'],
      ],
      'The original message was received at Mon, 5 Jan 2026.\n\n   ----- The following addresses had permanent fatal errors -----\n<nobody@old-host.example>\n',
    ],
    [
      'From: MAILER-DAEMON <> (no address at all)',
      [
        ['From', 'MAILER-DAEMON <>'],
        ['Subject', 'Returned mail: see transcript for details'],
      ],
      '550 5.1.1 <nobody@example.jp>... User unknown',
    ],
  ] as Array<[string, Array<[string, string]>, string]>)('%s is a bounce', async (_name, headers, body) => {
    expect(await classify(headers, body)).toMatchObject({ kind: 'bounce', reason: 'mailer_daemon' });
  });

  it('reads recipient, status and diagnostic out of a bounce written as text', async () => {
    expect(
      await classify(
        [
          ['From', 'MAILER-DAEMON@mx.example.net'],
          ['Subject', 'failure notice'],
          ['Return-Path', '<>'],
        ],
        "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n\n<gone@example.net>:\n550 5.1.1 user unknown\n\n--- Below this line is a copy of the message.\n\nMessage-ID: <ack-7@escalon.test>\n",
      ),
    ).toEqual({
      kind: 'bounce',
      reason: 'mailer_daemon',
      originalMessageId: 'ack-7@escalon.test',
      recipient: 'gone@example.net',
      status: '5.1.1',
      diagnostic: '550 5.1.1 user unknown',
      failures: [
        {
          recipient: 'gone@example.net',
          status: '5.1.1',
          diagnostic: '550 5.1.1 user unknown',
          action: null,
        },
      ],
    });
  });

  it('records From: MAILER-DAEMON <> as a bounce even with no usable address', async () => {
    const email = await parseInboundEmail(
      buildEml(
        withHeaders([
          ['From', 'MAILER-DAEMON <>'],
          ['Subject', 'Undelivered Mail Returned to Sender'],
        ]),
      ),
      LIMITS,
    );
    expect(email.from?.address ?? '').toBe('');
    expect(classifyInbound(email).kind).toBe('bounce');
  });

  it('keeps From: MAILER-DAEMON <> a bounce when the parser falls back to a Sender address', async () => {
    expect(
      await classify(
        [
          ['From', 'MAILER-DAEMON <>'],
          ['Sender', 'relay@mx.example.jp'],
          ['Subject', 'Returned mail: see transcript for details'],
        ],
        'The original message was received.',
      ),
    ).toMatchObject({ kind: 'bounce', reason: 'mailer_daemon' });
  });

  it('treats a delay warning from a mailer daemon as a report, not a bounce', async () => {
    expect(
      await classify(
        [
          ['From', 'MAILER-DAEMON@mx.example.com'],
          ['Subject', 'Warning: message 1AbC delayed 24 hours'],
        ],
        'This message has not yet been delivered. The mail system will continue trying.',
      ),
    ).toEqual({
      kind: 'auto_reply',
      reason: 'delivery_report',
      detail: 'delayed',
    });
  });

  it.each([
    [
      "fml's 'not member' notice (under the poster's Re: subject)",
      [
        ['From', 'support-ml-admin@ml.example.jp'],
        ['Subject', 'Re: 質問'],
        ['X-ML-Name', 'support-ml'],
        ['X-Mailer', 'fml [fml 4.0.3 release (20011202/4.0.3)]'],
      ],
      'You (taro@example.jp) are not member of this mailing list.\nPlease contact the list maintainer.',
      'list_notice',
    ],
    [
      "fml's 'Loop Alert: Duplicated Message-ID'",
      [
        ['From', 'fml@ml.example.jp'],
        ['Subject', 'Loop Alert: Duplicated Message-ID'],
        ['X-ML-Name', 'support-ml'],
        ['X-ML-Count', '1042'],
      ],
      'fml detected a loop: this Message-ID was seen before.',
      'list_notice',
    ],
    [
      "a carrier relay answering 'Re:' from post_master@",
      [
        ['From', 'post_master@mobile-carrier.example'],
        ['Subject', 'Re: お見積りについて'],
      ],
      'このメールは送信専用アドレスから自動送信されています。',
      'automated_sender',
    ],
    [
      'an AWS Notification Message from no-reply@sns…',
      [
        ['From', 'AWS Notifications <no-reply@sns.amazonaws.com>'],
        ['Subject', 'AWS Notification Message'],
        ['x-amz-sns-message-id', '5f8e-1'],
        ['x-amz-sns-topic-arn', 'arn:aws:sns:ap-northeast-1:1:alerts'],
      ],
      '{"AlarmName":"cpu-high","NewStateValue":"ALARM"}',
      'notification',
    ],
    [
      'Return-Path: <MAILER-DAEMON> with an ordinary subject',
      [
        ['Return-Path', '<MAILER-DAEMON>'],
        ['From', 'Report <report@mx.example.com>'],
        ['Subject', 'Daily report'],
      ],
      'Nothing to report.',
      'automated_sender',
    ],
  ] as Array<[string, Array<[string, string]>, string, string]>)(
    '%s is automatic (%s)',
    async (_name, headers, body, reason) => {
      expect(await classify(headers, body)).toMatchObject({ kind: 'auto_reply', reason });
    },
  );

  it('records a null envelope sender (MAIL FROM:<>) as automatic even when the headers look human', async () => {
    const email = await parseInboundEmail(buildEml(withHeaders([])), LIMITS);
    expect(classifyInbound(email, { envelopeFrom: '' })).toMatchObject({
      kind: 'auto_reply',
      reason: 'null_return_path',
    });
    expect(classifyInbound(email, { envelopeFrom: 'taro@example.jp' })).toEqual({
      kind: 'message',
      suppressAutoResponse: false,
    });
  });

  it.each([
    [
      'a customer forwarding a bounce (Fwd: Returned mail…)',
      [
        ['From', 'Taro Yamada <taro@example.jp>'],
        ['Subject', 'Fwd: Returned mail: see transcript for details'],
      ],
      'サポート様、このエラーが返ってきました。\n\n---------- Forwarded message ---------\nFrom: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.jp>\nSubject: Returned mail\n\nFinal-Recipient: rfc822; support@escalon.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n',
      false,
    ],
    [
      'a customer writing 「メールが届きません」 and pasting the error (Outlook, X-Auto-Response-Suppress)',
      [
        ['Subject', b('メールが届きません')],
        ['X-Auto-Response-Suppress', 'All'],
      ],
      '御社宛てのメールが配信できませんと返ってきます。\nDiagnostic-Code: smtp; 550 5.1.1 user unknown',
      true,
    ],
    [
      'a person posting to an fml list',
      [
        ['Subject', 'Re: [support-ml:1042] 質問'],
        ['X-ML-Name', 'support-ml'],
        ['X-ML-Count', '1042'],
        ['List-Id', 'support-ml.ml.example.jp'],
      ],
      '私の環境でも同じ問題が起きています。',
      true,
    ],
    [
      'a notice from a no-reply address with nothing else automated',
      [
        ['From', 'Gmail Team <gmail-noreply@google.example>'],
        ['Subject', 'Taro has accepted your invitation'],
      ],
      'Taro has accepted your invitation.',
      true,
    ],
    [
      'a newsletter-style sender with a bounces@ return path',
      [
        ['Return-Path', '<bounces@esp.example>'],
        ['Subject', 'Question about my order'],
      ],
      'Where is my order?',
      true,
    ],
  ] as Array<[string, Array<[string, string]>, string, boolean]>)(
    '%s stays a message',
    async (_name, headers, body, suppress) => {
      expect(await classify(headers, body)).toEqual({ kind: 'message', suppressAutoResponse: suppress });
    },
  );
});

describe('classifyInbound: what a bounce says', () => {
  const dsnMail = (groups: string, quoted: Array<[string, string]>) =>
    classify(
      [
        ['From', 'Mail Delivery Subsystem <mailer-daemon@googlemail.example>'],
        ['Content-Type', 'multipart/report; report-type=delivery-status; boundary=rpt'],
        ['Subject', 'Delivery Status Notification (Failure)'],
      ],
      report('delivery-status', [
        ['text/plain', "Your message wasn't delivered."],
        ['message/delivery-status', groups],
        ...quoted,
      ]),
    );

  it('counts Action: expired as a failure, with every failed recipient', async () => {
    const out = await dsnMail(
      'Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; a@example.jp\r\nAction: expired\r\nStatus: 4.4.7\r\n\r\nFinal-Recipient: rfc822; b@example.jp\r\nAction: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2 mailbox full\r\n\r\nFinal-Recipient: rfc822; c@example.jp\r\nAction: delayed\r\nStatus: 4.4.1',
      [],
    );
    expect(out).toMatchObject({
      kind: 'bounce',
      recipient: 'a@example.jp',
      status: '4.4.7',
      failures: [
        { recipient: 'a@example.jp', status: '4.4.7', diagnostic: null, action: 'expired' },
        {
          recipient: 'b@example.jp',
          status: '5.2.2',
          diagnostic: 'smtp; 552 5.2.2 mailbox full',
          action: 'failed',
        },
      ],
    });
  });

  it('finds our Message-ID in the quoted headers when the report carries no Original-Message-ID', async () => {
    const out = await dsnMail('Final-Recipient: rfc822; gone@example.jp\r\nAction: failed\r\nStatus: 5.1.1', [
      [
        'text/rfc822-headers',
        'From: support@escalon.test\r\nMessage-ID: <reply.42@escalon.test>\r\nIn-Reply-To: <cust-1@example.jp>\r\nReferences: <cust-1@example.jp>',
      ],
    ]);
    expect(out).toMatchObject({
      originalMessageId: 'reply.42@escalon.test',
      candidateMessageIds: ['reply.42@escalon.test', 'cust-1@example.jp'],
    });
  });

  it('finds our Message-ID quoted in a message/rfc822 part and in the plain body', async () => {
    const inPart = await dsnMail(
      'Final-Recipient: rfc822; gone@example.jp\r\nAction: failed\r\nStatus: 5.1.1',
      [
        [
          'message/rfc822',
          'From: support@escalon.test\r\nMessage-ID: <ack.9@escalon.test>\r\nSubject: x\r\n\r\nbody',
        ],
      ],
    );
    expect(inPart).toMatchObject({ originalMessageId: 'ack.9@escalon.test' });
    const inBody = await classify(
      [
        ['From', 'postmaster@gw.example.co.jp'],
        ['Subject', b('メッセージを配信できません。')],
      ],
      '次の受信者への配信に失敗しました。\n<gone@example.co.jp>: 550 5.1.1 user unknown\n\n> Message-Id: <ack.10@escalon.test>\n> Subject: Re: 見積\n',
    );
    expect(inBody).toMatchObject({
      kind: 'bounce',
      originalMessageId: 'ack.10@escalon.test',
      recipient: 'gone@example.co.jp',
      status: '5.1.1',
    });
  });
});

describe('classifyInbound: the bounce subjects carriers and MTAs write, with their own headers', () => {
  const b64 = (s: string): string => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
  const ours = 'Message-ID: <ours-9@escalon.test>';

  it.each<[string, Array<[string, string | null]>, string]>([
    [
      'au/KDDI メールエラー通知 from no-reply@',
      [
        ['From', 'no-reply@ezweb.ne.jp'],
        ['Subject', b64('メールエラー通知')],
        ['Message-ID', '<err1@ezweb.ne.jp>'],
        ['Content-Type', 'text/plain; charset=UTF-8'],
        ['Content-Transfer-Encoding', '8bit'],
      ],
      `送信されたメールは以下の理由により配信できませんでした。\n\n宛先: gone@ezweb.ne.jp\n理由: 宛先のメールアドレスが見つかりません。\n\n------ 元のメッセージのヘッダ ------\n${ours}\nSubject: Re: [#12] Printer\n`,
    ],
    [
      'Trend Micro InterScan メッセージを配信できません。 from postmaster@',
      [
        ['From', 'postmaster@mail.example.co.jp'],
        ['Subject', b64('メッセージを配信できません。')],
        ['Message-ID', '<imss1@mail.example.co.jp>'],
        ['Content-Type', 'text/plain; charset=UTF-8'],
        ['Content-Transfer-Encoding', '8bit'],
      ],
      `次の受信者へのメッセージ配信に失敗しました:\n\ngone@example.co.jp\n550 5.1.1 <gone@example.co.jp>... User unknown\n\n${ours}\n`,
    ],
    [
      'Yahoo! JAPAN failure delivery from MAILER-DAEMON@yahoo.co.jp',
      [
        ['From', 'MAILER-DAEMON@yahoo.co.jp'],
        ['Subject', 'failure delivery'],
        ['Message-ID', '<fd1@mta.yahoo.co.jp>'],
      ],
      `Sorry, we were unable to deliver your message to the following address.\n\n<gone@example.jp>:\n550 5.1.1 <gone@example.jp>: Recipient address rejected: User unknown\n\n--- Below this line is a copy of the message.\n\n${ours}\n`,
    ],
    [
      'failure delivery from MAILER-DAEMON <> without Return-Path: <>',
      [
        ['From', 'MAILER-DAEMON <>'],
        ['Subject', 'failure delivery'],
        ['Message-ID', '<fd2@mta.example.jp>'],
      ],
      `Sorry, we were unable to deliver your message to the following address.\n\n<gone@example.jp>:\n550 5.1.1 User unknown\n\n${ours}\n`,
    ],
    [
      'Delivery status notification from postmaster@',
      [
        ['From', 'postmaster@mx.example.com'],
        ['Subject', 'Delivery status notification'],
        ['Message-ID', '<dsn1@mx.example.com>'],
      ],
      `This is an automatically generated Delivery Status Notification.\n\nDelivery to the following recipients failed.\n\n       gone@example.com\n\n${ours}\n`,
    ],
    [
      'exim mail failed, returning to sender from Mailer-Daemon@',
      [
        ['From', 'Mail Delivery System <Mailer-Daemon@mx.example.net>'],
        ['Subject', 'Mail delivery failed: returning message to sender'],
        ['X-Failed-Recipients', 'gone@example.net'],
        ['Auto-Submitted', 'auto-replied'],
        ['Message-ID', '<exim1@mx.example.net>'],
      ],
      `This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  gone@example.net\n    SMTP error from remote mail server after RCPT TO:<gone@example.net>:\n    550 5.1.1 User unknown\n\n------ This is a copy of the message, including all the headers. ------\n${ours}\n`,
    ],
    [
      'mail failed, returning to sender from MAILER-DAEMON@ (no Auto-Submitted)',
      [
        ['From', 'MAILER-DAEMON@mx.example.org'],
        ['Subject', 'mail failed, returning to sender'],
        ['Message-ID', '<mf1@mx.example.org>'],
      ],
      `|------------------------- Failed addresses follow: ---------------------|\n <gone@example.org> ... unknown user\n|------------------------- Message text follows: ------------------------|\n${ours}\n`,
    ],
  ])('records %s as a bounce tied to our message', async (_name, headers, body) => {
    const out = await classify(headers, body);
    expect(out.kind).toBe('bounce');
    const ids = out.kind === 'bounce' ? [out.originalMessageId, ...(out.candidateMessageIds ?? [])] : [];
    expect(ids).toContain('ours-9@escalon.test');
  });

  it('keeps a customer forwarding a bounce (Fwd: Returned mail…) a ticket', async () => {
    const out = await classify(
      [
        ['From', 'Taro Yamada <taro@example.jp>'],
        ['Subject', 'Fwd: Returned mail: see transcript for details'],
      ],
      'メールが届かないようです。\n\n---------- Forwarded message ---------\nFrom: MAILER-DAEMON@mx.example.jp\nSubject: Returned mail: see transcript for details\n\n550 5.1.1 <sales@example.jp>... User unknown\n',
    );
    expect(out.kind).toBe('message');
  });
});
