/**
 * Decoding through the real SMTP receiver on loopback, on SQLite and PostgreSQL: each kind of
 * mail a careful client reads (HTML-only parts, raw 8-bit Japanese subjects, carrier emoji,
 * senders outside the first From, BOM and CR-only mail) becomes a ticket with readable text;
 * a failed record shows its subject and sender; and a property test: any byte string delivered
 * over SMTP ends as a ticket, a reply, a recorded rejection with a reason, or a failed record
 * listed for reprocessing — never lost, never a 5xx, never a crash.
 */
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { BASE_HEADERS, buildEml, useSmtpIntake, withHeaders } from './email-test-support.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');

describeEachDb('email intake decoding over SMTP', (ctx) => {
  const smtp = useSmtpIntake(() => ctx().deps.intakeEmail);
  let seq = 0;
  const uniq = () => `${Date.now().toString(36)}-${seq++}`;
  const db = () => ctx().deps.database.db;

  /** Delivers a mail; the inbound row it became. */
  const deliver = async (raw: Buffer) => {
    const r = await smtp.client().send(raw);
    expect(r.code, r.text).toBe(250);
    const id = /as (\S+)$/.exec(r.text)?.[1];
    expect(id, r.text).toBeDefined();
    return db().selectFrom('inbound_messages').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
  };
  const ticketOf = async (raw: Buffer) => {
    const row = await deliver(raw);
    expect([row.status, row.reason], row.error ?? '').toEqual(['processed', 'ticket_created']);
    const ticket = await db()
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', row.ticket_id!)
      .executeTakeFirstOrThrow();
    const event = await db()
      .selectFrom('ticket_events')
      .selectAll()
      .where('id', '=', row.event_id!)
      .executeTakeFirstOrThrow();
    const requester = await db()
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', ticket.requester_id!)
      .executeTakeFirstOrThrow();
    return { row, ticket, body: event.body, requester };
  };
  const mid = (): [string, string] => ['Message-ID', `<decode-${uniq()}@example.jp>`];

  it('converts an HTML-only part inside multipart to readable text', async () => {
    const boundary = 'b-html';
    const raw = buildEml(
      withHeaders([mid(), ['Content-Type', `multipart/mixed; boundary="${boundary}"`]]),
      [
        `--${boundary}`,
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>Fish &amp; Chips &lt;tasty&gt;</p><p>Line1<br>Line2</p>',
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
    expect((await ticketOf(raw)).body).toBe('Fish & Chips <tasty>\n\nLine1\nLine2');
  });

  it('decodes raw CP932 subjects (NEC symbols, kanji only) and carrier emoji into the ticket', async () => {
    const cp932 = Buffer.concat([
      Buffer.from(
        `From: taro@docomo.ne.jp\r\nTo: support@escalon.test\r\nMessage-ID: <sjis-${uniq()}@example.jp>\r\nSubject: `,
        'latin1',
      ),
      iconv.encode('①②③ 見積依頼', 'cp932'),
      hex('f89f'),
      Buffer.from(
        '\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
        'latin1',
      ),
      iconv.encode('明日は', 'cp932'),
      hex('f89f 0d0a'),
    ]);
    const { ticket, body } = await ticketOf(cp932);
    expect(ticket.subject).toBe('①②③ 見積依頼☀️');
    expect(body).toBe('明日は☀️');
  });

  it('opens tickets for senders found in Reply-To, Sender, a second From, full-width and quoted addresses', async () => {
    const cases: Array<[Buffer, string]> = [
      [
        buildEml([
          ['From', 'nobody'],
          ['Reply-To', 'Jiro <jiro@example.jp>'],
          ['Subject', 'reply-to only'],
          mid(),
        ]),
        'jiro@example.jp',
      ],
      [buildEml([['Sender', 'saburo@example.jp'], ['Subject', 'sender only'], mid()]), 'saburo@example.jp'],
      [
        buildEml([
          ['From', 'undisclosed'],
          ['From', 'Hanako <hanako@example.jp>'],
          ['Subject', 'second from'],
          mid(),
        ]),
        'hanako@example.jp',
      ],
      [
        Buffer.from(
          `From: 山田 <Ｔａｒｏ＠example.jp>\r\nSubject: full width\r\nMessage-ID: <fw-${uniq()}@example.jp>\r\n\r\nhi\r\n`,
          'utf8',
        ),
        'taro@example.jp',
      ],
      [
        buildEml([['From', '"john doe"@example.com'], ['Subject', 'quoted local part'], mid()]),
        '"john doe"@example.com',
      ],
    ];
    for (const [raw, address] of cases) expect((await ticketOf(raw)).requester.email).toBe(address);
  });

  it('records From: MAILER-DAEMON <> as automated mail, not as no_sender', async () => {
    const row = await deliver(
      buildEml(
        [
          ['From', 'MAILER-DAEMON <>'],
          ['To', 'support@escalon.test'],
          ['Subject', 'Undelivered Mail Returned to Sender'],
          mid(),
        ],
        'Your mail could not be delivered.',
      ),
    );
    // The classifier reads the null sender's name as a daemon: a bounce (naming no mail of ours).
    expect([row.status, row.reason]).toEqual(['rejected', 'bounce_unmatched']);
    expect(row.ticket_id).toBeNull();
    expect(row.from_address).toBe('MAILER-DAEMON <>');
  });

  it('parses a UTF-8 BOM before the headers and CR-only line ends', async () => {
    const bom = await ticketOf(
      Buffer.concat([hex('efbbbf'), buildEml(withHeaders([mid(), ['Subject', 'BOM mail']]), 'Hello BOM')]),
    );
    expect([bom.ticket.subject, bom.body]).toEqual(['BOM mail', 'Hello BOM']);
    const mac = await ticketOf(
      Buffer.from(
        `From: Taro <taro@example.jp>\rSubject: Mac mail\rMessage-ID: <mac-${uniq()}@example.jp>\r\rLine one\rLine two\r`,
        'latin1',
      ),
    );
    expect([mac.ticket.subject, mac.body]).toEqual(['Mac mail', 'Line one\nLine two']);
  });

  it('lists a failed record with its subject and sender decoded', async () => {
    // More MIME parts than the parser allows: the mail fails, its headers are still readable.
    const boundary = 'b-many';
    const parts = Array.from(
      { length: 1005 },
      (_, i) => `--${boundary}\r\nContent-Type: text/plain\r\n\r\npart ${i}`,
    ).join('\r\n');
    const raw = Buffer.concat([
      Buffer.from(
        `From: 山田 <Ｔａｒｏ＠example.jp>\r\nMessage-ID: <many-${uniq()}@example.jp>\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\nSubject: `,
        'utf8',
      ),
      iconv.encode('見積依頼', 'cp932'),
      Buffer.from(`\r\n\r\n${parts}\r\n--${boundary}--\r\n`, 'latin1'),
    ]);
    const row = await deliver(raw);
    expect(row.status).toBe('failed');
    const t = ctx();
    const list = await t.request('GET', '/api/v1/inbound-messages?status=failed&limit=100', t.actors.admin);
    expect(list.body.items.find((i: { id: string }) => i.id === row.id)).toMatchObject({
      subject: '見積依頼',
      from: 'taro@example.jp',
    });
  });

  it('property: any byte string over SMTP becomes a ticket, a reply, a recorded rejection or a listed failure', async () => {
    const valid = (i: number): Buffer =>
      buildEml(
        withHeaders([
          ['Message-ID', `<prop-${uniq()}-${i}@example.jp>`],
          ['Subject', `Property ${i}`],
        ]),
        'Hello,\nmy printer is broken.\n',
      );
    const charset = fc.constantFrom(
      'utf-8',
      'iso-2022-jp',
      'shift_jis',
      'euc-jp',
      'iso-8859-1',
      'x-bogus',
      'utf-7',
      '',
    );
    const cte = fc.constantFrom('7bit', '8bit', 'base64', 'quoted-printable', 'x-bogus', '');
    const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
    const leaf = fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'text/html',
          'application/octet-stream',
          'message/rfc822',
          'message/delivery-status',
          'image/png',
        ),
        charset,
        cte,
        bytes(300),
      )
      .map(([type, cs, enc, body]) =>
        Buffer.concat([
          Buffer.from(
            `Content-Type: ${type}${cs ? `; charset=${cs}` : ''}\r\nContent-Transfer-Encoding: ${enc}\r\n\r\n`,
            'latin1',
          ),
          body,
        ]),
      );
    const mime: fc.Arbitrary<Buffer> = fc.letrec<{ node: Buffer }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc
          .tuple(
            fc.constantFrom('mixed', 'alternative', 'related', 'report'),
            fc.array(tie('node'), { maxLength: 4 }),
            fc.boolean(),
          )
          .map(([sub, children, closed]) => {
            const b = `b${children.length}x${sub}`;
            return Buffer.concat([
              Buffer.from(`Content-Type: multipart/${sub}; boundary="${b}"\r\n\r\n`, 'latin1'),
              ...children.flatMap((c) => [Buffer.from(`--${b}\r\n`), c, Buffer.from('\r\n')]),
              Buffer.from(closed ? `--${b}--\r\n` : ''),
            ]);
          }),
      ),
    })).node;
    const withMime = mime.map((m) =>
      Buffer.concat([
        Buffer.from(
          `From: a@example.jp\r\nSubject: mime\r\nMessage-ID: <m-${uniq()}@example.jp>\r\n`,
          'latin1',
        ),
        m,
      ]),
    );
    const mutation = fc.oneof(
      fc.tuple(fc.constant('insert' as const), fc.nat(), bytes(40)),
      fc.tuple(fc.constant('delete' as const), fc.nat(), fc.nat({ max: 60 })),
      fc.tuple(fc.constant('nul' as const), fc.nat(), fc.constant(Buffer.alloc(3))),
      fc.tuple(fc.constant('long' as const), fc.nat(), fc.constant(Buffer.alloc(20_000, 0x78))),
      fc.tuple(fc.constant('truncate' as const), fc.nat(), fc.constant(Buffer.alloc(0))),
    );
    const mutated = fc
      .tuple(fc.oneof(fc.nat({ max: 1000 }).map(valid), withMime), fc.array(mutation, { maxLength: 4 }))
      .map(([base, ms]) => {
        let out = base;
        for (const [kind, at, arg] of ms) {
          const p = out.length === 0 ? 0 : at % (out.length + 1);
          if (kind === 'delete') out = Buffer.concat([out.subarray(0, p), out.subarray(p + (arg as number))]);
          else if (kind === 'truncate') out = out.subarray(0, p);
          else out = Buffer.concat([out.subarray(0, p), arg as Buffer, out.subarray(p)]);
        }
        return out;
      });
    const header = fc.constantFrom(
      ...BASE_HEADERS.map(([k]) => k),
      'Reply-To',
      'Sender',
      'Content-Type',
      'Auto-Submitted',
      'Return-Path',
    );
    const randomHeaders = fc
      .tuple(fc.array(fc.tuple(header, bytes(60)), { maxLength: 8 }), bytes(400))
      .map(([hs, body]) =>
        Buffer.concat([
          ...hs.flatMap(([k, v]) => [Buffer.from(`${k}: `), v, Buffer.from('\r\n')]),
          Buffer.from('\r\n'),
          body,
        ]),
      );
    const anyBytes = fc.oneof(bytes(2000), mutated, withMime, randomHeaders);

    const seen: Array<{ id: string; status: string }> = [];
    await fc.assert(
      fc.asyncProperty(anyBytes, async (raw) => {
        const r = await smtp.client().send(raw);
        expect(r.code, r.text).toBe(250);
        const id = /as (\S+)$/.exec(r.text)?.[1];
        const row = await db()
          .selectFrom('inbound_messages')
          .selectAll()
          .where('id', '=', id ?? '')
          .executeTakeFirst();
        expect(row, r.text).toBeDefined();
        expect(['processed', 'rejected', 'failed']).toContain(row!.status);
        expect(row!.reason).toBeTruthy();
        if (row!.status === 'processed' && row!.reason !== 'bounce') {
          expect(['ticket_created', 'reply_added']).toContain(row!.reason);
          expect(
            await db()
              .selectFrom('tickets')
              .select('id')
              .where('id', '=', row!.ticket_id!)
              .executeTakeFirst(),
          ).toBeDefined();
        }
        seen.push({ id: row!.id, status: row!.status });
      }),
      { numRuns: 100 },
    );
    // Every failed one is listed for reprocessing; the receiver still takes ordinary mail.
    const t = ctx();
    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.request(
        'GET',
        `/api/v1/inbound-messages?status=failed&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        t.actors.admin,
      );
      for (const item of page.body.items) listed.add(item.id);
      cursor = page.body.nextCursor;
    } while (cursor);
    for (const s of seen.filter((x) => x.status === 'failed')) expect(listed.has(s.id), s.id).toBe(true);
    expect((await deliver(valid(9999))).status).toBe('processed');
  }, 120_000);
});
