import { describe, expect, it } from 'vitest';
import { parseInboundEmail, peekSubjectAndSender, tryParseInboundEmail } from './email-parse.js';
import { resolveCidReferences } from './email-sanitize.js';
import { BASE_HEADERS, LIMITS, buildEml, withHeaders } from './email-test-support.js';
import { EmailParseError } from './email.types.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');

describe('parseInboundEmail: envelope fields', () => {
  it('normalises ids, addresses, subject and date', async () => {
    const email = await parseInboundEmail(
      buildEml(
        withHeaders([
          ['Cc', 'a@example.com, Group: B@Example.com, c@example.com;, a@example.com'],
          ['In-Reply-To', '<prev@escalon.test> (comment)'],
          ['References', '<first@escalon.test>\r\n <prev@escalon.test>'],
          ['Subject', '=?UTF-8?B?44GK5ZWP44GE5ZCI44KP44Gb?= [#1042]'],
        ]),
      ),
      LIMITS,
    );
    expect(email.messageId).toBe('abc123@example.jp');
    expect(email.messageIdSynthetic).toBe(false);
    expect(email.inReplyTo).toBe('prev@escalon.test');
    expect(email.references).toEqual(['first@escalon.test', 'prev@escalon.test']);
    expect(email.subject).toBe('お問い合わせ [#1042]');
    expect(email.from).toEqual({ address: 'taro@example.jp', name: 'Taro Yamada' });
    expect(email.to).toEqual(['support@escalon.test']);
    expect(email.cc).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(email.date?.toISOString()).toBe('2026-01-05T01:00:00.000Z');
    expect(email.returnPath).toBeNull();
    expect(email.headers['message-id']).toEqual(['<abc123@example.jp>']);
  });

  it('gives a deterministic synthetic id when Message-ID is missing', async () => {
    const raw = buildEml(withHeaders([['Message-ID', null]]));
    const [a, b] = await Promise.all([
      parseInboundEmail(raw, LIMITS),
      parseInboundEmail(Buffer.from(raw), LIMITS),
    ]);
    expect(a.messageIdSynthetic).toBe(true);
    expect(a.messageId).toMatch(/^sha256-[0-9a-f]{64}@synthetic\.escalon\.invalid$/);
    expect(b.messageId).toBe(a.messageId);
    const other = await parseInboundEmail(
      buildEml(withHeaders([['Message-ID', null]]), 'Other body'),
      LIMITS,
    );
    expect(other.messageId).not.toBe(a.messageId);
  });

  it('leaves date null (not "now") when the Date header is bad or missing', async () => {
    expect(
      (await parseInboundEmail(buildEml(withHeaders([['Date', 'yesterday-ish']])), LIMITS)).date,
    ).toBeNull();
    expect((await parseInboundEmail(buildEml(withHeaders([['Date', null]])), LIMITS)).date).toBeNull();
  });

  it('reads the null return path as an empty string', async () => {
    const email = await parseInboundEmail(buildEml([['Return-Path', '<>'], ...BASE_HEADERS]), LIMITS);
    expect(email.returnPath).toBe('');
  });

  it('skips an mbox "From " separator line', async () => {
    const raw = Buffer.concat([
      Buffer.from('From taro@example.jp Mon Jan  5 10:00:00 2026\r\n'),
      buildEml(BASE_HEADERS),
    ]);
    const email = await parseInboundEmail(raw, LIMITS);
    expect(email.subject).toBe('Printer is broken');
    expect(email.from?.address).toBe('taro@example.jp');
  });
});

describe('parseInboundEmail: Japanese charsets', () => {
  const body = (charset: string, cte: string, bytes: Buffer): Buffer =>
    buildEml(
      withHeaders([
        ['Content-Type', `text/plain; charset=${charset}`],
        ['Content-Transfer-Encoding', cte],
      ]),
      bytes,
    );

  it('decodes ISO-2022-JP bodies and encoded-word subjects', async () => {
    const raw = buildEml(
      withHeaders([
        ['Subject', '=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?='],
        ['Content-Type', 'text/plain; charset=ISO-2022-JP'],
        ['Content-Transfer-Encoding', '7bit'],
      ]),
      hex('1b2442 467c 4b5c 386c 244e 2546 2539 2548 1b2842'),
    );
    const email = await parseInboundEmail(raw, LIMITS);
    expect(email.subject).toBe('日本語');
    expect(email.text).toBe('日本語のテスト');
  });

  it('decodes Shift_JIS and EUC-JP bodies', async () => {
    const sjis = await parseInboundEmail(
      body('Shift_JIS', '8bit', hex('93fa 967b 8cea 82cc 8365 8358 8367')),
      LIMITS,
    );
    expect(sjis.text).toBe('日本語のテスト');
    const euc = await parseInboundEmail(
      body('EUC-JP', '8bit', hex('c6fc cbdc b8ec a4ce a5c6 a5b9 a5c8')),
      LIMITS,
    );
    expect(euc.text).toBe('日本語のテスト');
  });

  it('recovers a raw (unencoded) Shift_JIS subject', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: a@example.jp\r\nSubject: ', 'latin1'),
      hex('8365 8358 8367 82c5 82b7'),
      Buffer.from('\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\nbody\r\n', 'latin1'),
    ]);
    expect((await parseInboundEmail(raw, LIMITS)).subject).toBe('テストです');
  });
});

describe('parseInboundEmail: bodies', () => {
  it('derives text from HTML-only mail and sanitises the HTML', async () => {
    const html = [
      '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>',
      '<p onclick="steal()">Hello <b>there</b></p>',
      '<a href="javascript:alert(1)">bad</a> <a href="https://example.com/x">good</a>',
      '<img src="https://tracker.example/open.gif" width="1" height="1">',
      '<img src="https://cdn.example/logo.png" alt="Logo">',
      '<img src="cid:logo@x" alt="inline"><img src="cid:missing@x" alt="gone">',
      '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input></form>',
      '<div style="background:url(https://evil.example/t)">styled</div>',
      '</body></html>',
    ].join('\n');
    const boundary = 'rel-1';
    const raw = buildEml(
      withHeaders([['Content-Type', `multipart/related; boundary="${boundary}"`]]),
      [
        `--${boundary}`,
        'Content-Type: text/html; charset=utf-8',
        '',
        html,
        `--${boundary}`,
        'Content-Type: image/png',
        'Content-ID: <logo@x>',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('PNGDATA').toString('base64'),
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
    const email = await parseInboundEmail(raw, LIMITS);
    const out = email.html ?? '';
    expect(out).not.toMatch(/script|onclick|javascript:|iframe|<form|<input|style=|<style|tracker\.example/i);
    expect(out).toContain('<b>there</b>');
    expect(out).toContain('href="https://example.com/x"');
    expect(out).toContain('rel="noopener noreferrer nofollow"');
    expect(out).toMatch(/<a href="https:\/\/cdn\.example\/logo\.png"[^>]*>\[image: Logo\]<\/a>/);
    expect(out).toContain('src="cid:logo@x"');
    expect(out).not.toContain('cid:missing@x');
    expect(out).toContain('[gone]');
    expect(email.text).toContain('Hello there');
    expect(email.attachments).toHaveLength(1);
    expect(email.attachments[0]).toMatchObject({
      contentId: 'logo@x',
      inline: true,
      contentType: 'image/png',
      rejected: null,
    });
    expect(email.attachments[0]?.content.toString()).toBe('PNGDATA');

    const served = resolveCidReferences(out, (cid) =>
      cid === 'logo@x' ? '/api/v1/attachments/1?x=1&y=2' : null,
    );
    expect(served).toContain('src="/api/v1/attachments/1?x=1&amp;y=2"');
    expect(served).not.toContain('cid:');
  });

  it('folds the quoted reply into quotedText', async () => {
    const email = await parseInboundEmail(
      buildEml(
        BASE_HEADERS,
        'Still broken.\n\nOn Mon, 5 Jan 2026 at 10:00, Support <support@escalon.test> wrote:\n> Try again.\n',
      ),
      LIMITS,
    );
    expect(email.visibleText).toBe('Still broken.');
    expect(email.quotedText).toContain('> Try again.');
  });
});

describe('parseInboundEmail: limits and failures', () => {
  const withAttachments = (sizes: number[]): Buffer => {
    const boundary = 'mix-1';
    const parts = sizes.map((size, i) =>
      [
        `--${boundary}`,
        `Content-Type: application/octet-stream; name="f${i}.bin"`,
        `Content-Disposition: attachment; filename="f${i}.bin"`,
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.alloc(size, i + 1).toString('base64'),
      ].join('\r\n'),
    );
    return buildEml(
      withHeaders([['Content-Type', `multipart/mixed; boundary="${boundary}"`]]),
      [`--${boundary}`, 'Content-Type: text/plain', '', 'See files.', ...parts, `--${boundary}--`, ''].join(
        '\r\n',
      ),
    );
  };

  it('keeps metadata but drops the bytes of oversize attachments', async () => {
    const email = await parseInboundEmail(withAttachments([100, 5000, 300]), {
      maxAttachmentBytes: 1000,
      maxTotalBytes: 100_000,
    });
    expect(email.attachments.map((a) => [a.filename, a.size, a.rejected, a.content.length])).toEqual([
      ['f0.bin', 100, null, 100],
      ['f1.bin', 5000, 'attachment_too_large', 0],
      ['f2.bin', 300, null, 300],
    ]);
    expect(email.attachments[1]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects with typed reasons', async () => {
    const reasonOf = async (raw: Buffer, limits = LIMITS): Promise<string> => {
      const result = await tryParseInboundEmail(raw, limits);
      return result.ok ? 'ok' : result.error.reason;
    };
    expect(await reasonOf(Buffer.alloc(0))).toBe('empty');
    expect(await reasonOf(Buffer.from('\r\n  \r\n'))).toBe('empty');
    expect(await reasonOf(Buffer.from('just some text\nno headers here\n'))).toBe('no_headers');
    expect(
      await reasonOf(buildEml(BASE_HEADERS, 'x'.repeat(2000)), {
        maxAttachmentBytes: 10,
        maxTotalBytes: 1000,
      }),
    ).toBe('too_large');
    await expect(parseInboundEmail(Buffer.alloc(0), LIMITS)).rejects.toBeInstanceOf(EmailParseError);
    const error = await parseInboundEmail(buildEml(BASE_HEADERS, 'x'.repeat(2000)), {
      maxAttachmentBytes: 10,
      maxTotalBytes: 1000,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'payload_too_large',
      reason: 'too_large',
      details: { reason: 'too_large' },
    });
  });
});

describe('parseInboundEmail: decoding like a careful mail client', () => {
  const multipart = (type: string, parts: Array<[string, string | Buffer]>): Buffer => {
    const boundary = 'part-b';
    const chunks: Buffer[] = [];
    for (const [head, body] of parts) {
      chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`, 'latin1'));
      chunks.push(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return buildEml(
      withHeaders([['Content-Type', `${type}; boundary="${boundary}"`]]),
      Buffer.concat(chunks),
    );
  };
  const html =
    '<p>Fish &amp; Chips &lt;tasty&gt;</p><p>Line1<br>Line2</p><ul><li>one</li><li>two</li></ul>' +
    '<p>See <a href="https://example.com/faq">our FAQ</a> &copy; 2026</p><h2>Details</h2>';

  it.each(['multipart/mixed', 'multipart/alternative', 'multipart/related'])(
    'converts HTML-only content inside %s to text (entities, paragraphs, line breaks, lists, links)',
    async (type) => {
      const email = await parseInboundEmail(
        multipart(type, [['Content-Type: text/html; charset=utf-8', html]]),
        LIMITS,
      );
      expect(email.text).toBe(
        'Fish & Chips <tasty>\n\nLine1\nLine2\n\n * one\n * two\n\nSee our FAQ <https://example.com/faq> © 2026\n\nDetails',
      );
      expect(email.text).not.toMatch(/&amp;|&lt;|Line1Line2/);
    },
  );

  it('converts an HTML part whose text part is empty', async () => {
    const email = await parseInboundEmail(
      multipart('multipart/alternative', [
        ['Content-Type: text/plain; charset=utf-8', ''],
        ['Content-Type: text/html; charset=utf-8', '<div>A &amp; B</div><div>C</div>'],
      ]),
      LIMITS,
    );
    expect(email.text).toBe('A & B\nC');
  });

  const rawSubject = (bytes: Buffer, extra: Array<[string, string]> = [], from = 'a@example.jp'): Buffer =>
    Buffer.concat([
      Buffer.from(`From: ${from}\r\nSubject: `, 'latin1'),
      bytes,
      Buffer.from(`\r\n${extra.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\nbody\r\n`, 'latin1'),
    ]);

  it('decodes raw CP932 subjects with NEC symbols and kanji only (no kana needed)', async () => {
    expect((await parseInboundEmail(rawSubject(hex('8740 8741 8742')), LIMITS)).subject).toBe('①②③');
    expect((await parseInboundEmail(rawSubject(hex('8ca9 90cf 88cb 978a')), LIMITS)).subject).toBe(
      '見積依頼',
    );
  });

  it('decodes raw EUC-JP and raw ISO-2022-JP subjects, with the body charset as a hint', async () => {
    const euc = rawSubject(hex('b8ab c0d1 b0cd cdea'), [['Content-Type', 'text/plain; charset=EUC-JP']]);
    expect((await parseInboundEmail(euc, LIMITS)).subject).toBe('見積依頼');
    const iso = rawSubject(hex('1b2442 382b 4051 304d 4d6a 1b2842'));
    expect((await parseInboundEmail(iso, LIMITS)).subject).toBe('見積依頼');
  });

  it('keeps a raw Latin-1 subject Latin-1', async () => {
    expect(
      (await parseInboundEmail(rawSubject(Buffer.from('Grüße aus Köln', 'latin1')), LIMITS)).subject,
    ).toBe('Grüße aus Köln');
  });

  it('maps carrier emoji in subject and body alike (Shift_JIS docomo, UTF-8 SoftBank, ISO-2022-JP webcode)', async () => {
    const docomo = Buffer.concat([
      Buffer.from('From: taro@docomo.ne.jp\r\nSubject: ', 'latin1'),
      hex('93dc 82e8 f89f'),
      Buffer.from(
        '\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
        'latin1',
      ),
      hex('96be 93fa 82cd f89f'),
    ]);
    const d = await parseInboundEmail(docomo, LIMITS);
    expect(d.subject).toBe('曇り☀️');
    expect(d.text).toBe('明日は☀️');

    const softbank = Buffer.from(
      'From: hanako@i.softbank.jp\r\nSubject: \uE04A\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n晴れ\uE04A\r\n',
      'utf8',
    );
    const s = await parseInboundEmail(softbank, LIMITS);
    expect([s.subject, s.text]).toEqual(['☀️', '晴れ☀️']);

    const webcode = hex('1b2442 4032 246c 1b2842 1b2447 6a 0f');
    const iso = Buffer.concat([
      Buffer.from(
        `From: jiro@example.jp\r\nSubject: =?ISO-2022-JP?B?${webcode.toString('base64')}?=\r\n`,
        'latin1',
      ),
      Buffer.from('Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n', 'latin1'),
      webcode,
      hex('1b2442 7521 1b2842 0d0a'),
    ]);
    const j = await parseInboundEmail(iso, LIMITS);
    expect(j.subject).toBe('晴れ☀️');
    // An emoji code point without a Unicode emoji: one 〓, no '?' or stray bytes.
    expect(j.text).toBe('晴れ☀️〓');
  });

  it('maps au mail emoji in an ISO-2022-JP subject and a Shift_JIS body from an au phone', async () => {
    const raw = Buffer.concat([
      Buffer.from(
        `From: saburo@ezweb.ne.jp\r\nSubject: =?ISO-2022-JP?B?${hex('1b2442 753a 1b2842').toString('base64')}?=\r\n`,
        'latin1',
      ),
      Buffer.from('Content-Type: text/plain; charset=Shift_JIS\r\n\r\n', 'latin1'),
      hex('8cb3 8b43 ee4f'),
    ]);
    const email = await parseInboundEmail(raw, LIMITS);
    expect([email.subject, email.text]).toEqual(['⚠️', '元気🍩']);
  });

  it('finds the sender in a second From, Sender or Reply-To, full-width and quoted addresses', async () => {
    const from = async (headers: Array<[string, string]>) =>
      (await parseInboundEmail(buildEml(headers), LIMITS)).from;
    expect(
      await from([
        ['From', 'undisclosed'],
        ['From', 'Hanako <Hanako@Example.jp>'],
      ]),
    ).toEqual({
      address: 'hanako@example.jp',
      name: 'Hanako',
    });
    expect(
      await from([
        ['From', 'nobody'],
        ['Reply-To', 'Jiro <jiro@example.jp>'],
      ]),
    ).toEqual({
      address: 'jiro@example.jp',
      name: 'Jiro',
    });
    expect(
      await from([
        ['Sender', 'Saburo <saburo@example.jp>'],
        ['Reply-To', 'jiro@example.jp'],
      ]),
    ).toEqual({
      address: 'saburo@example.jp',
      name: 'Saburo',
    });
    expect(await from([['From', '"john doe"@example.com']])).toEqual({
      address: '"john doe"@example.com',
      name: '',
    });
    const wide = await parseInboundEmail(
      Buffer.from('From: 山田 <Ｔａｒｏ＠example.jp>\r\nSubject: s\r\n\r\nx\r\n', 'utf8'),
      LIMITS,
    );
    expect(wide.from).toEqual({ address: 'taro@example.jp', name: '山田' });
  });

  it('reads From: MAILER-DAEMON <> as a null sender, never replaced by Reply-To', async () => {
    const email = await parseInboundEmail(
      buildEml([
        ['From', 'MAILER-DAEMON <>'],
        ['Reply-To', 'someone@example.com'],
        ['Subject', 'failure delivery'],
      ]),
      LIMITS,
    );
    expect(email.from).toBeNull();
    expect(email.nullSender).toBe('MAILER-DAEMON');
    const normal = await parseInboundEmail(buildEml(BASE_HEADERS), LIMITS);
    expect(normal.nullSender).toBeNull();
  });

  it('parses mail with a UTF-8 BOM before the headers and with CR-only line ends', async () => {
    const bom = await parseInboundEmail(
      Buffer.concat([hex('efbbbf'), buildEml(BASE_HEADERS, 'Hello BOM')]),
      LIMITS,
    );
    expect([bom.subject, bom.from?.address, bom.text]).toEqual([
      'Printer is broken',
      'taro@example.jp',
      'Hello BOM',
    ]);
    const mac = Buffer.from(
      'From: Taro <taro@example.jp>\rSubject: Mac mail\rMIME-Version: 1.0\r\rLine one\rLine two\r',
      'latin1',
    );
    const email = await parseInboundEmail(mac, LIMITS);
    expect([email.subject, email.from?.address, email.text]).toEqual([
      'Mac mail',
      'taro@example.jp',
      'Line one\nLine two',
    ]);
  });

  it('reads subject and sender best-effort from raw bytes for failed records', () => {
    const raw = Buffer.concat([
      Buffer.from('From: Ｔａｒｏ＠example.jp\r\nSubject: ', 'utf8'),
      hex('8ca9 90cf'),
      Buffer.from('\r\n\r\n'),
    ]);
    expect(peekSubjectAndSender(raw)).toEqual({ subject: '見積', from: 'taro@example.jp' });
    expect(peekSubjectAndSender(buildEml([['From', 'MAILER-DAEMON <>']]))).toEqual({
      subject: null,
      from: 'MAILER-DAEMON <>',
    });
    expect(peekSubjectAndSender(Buffer.from([0, 1, 2, 0xff]))).toEqual({ subject: null, from: null });
  });
});
