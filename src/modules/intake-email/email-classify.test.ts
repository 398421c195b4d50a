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
