import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldQuotedText } from './email-quote.js';

const fold = (lines: string[]): ReturnType<typeof foldQuotedText> => foldQuotedText(lines.join('\n'));

describe('foldQuotedText', () => {
  it('folds from an English attribution line', () => {
    expect(
      fold([
        'Thanks, it works now.',
        '',
        'On Mon, Jan 5, 2026 at 10:00 AM Support <s@x.test> wrote:',
        '> Please restart.',
      ]),
    ).toEqual({
      visibleText: 'Thanks, it works now.',
      quotedText: 'On Mon, Jan 5, 2026 at 10:00 AM Support <s@x.test> wrote:\n> Please restart.',
    });
  });

  it('folds an attribution the client wrapped over two lines', () => {
    const out = fold([
      'Done.',
      '',
      'On Mon, 5 Jan 2026 at 10:00, Support Desk <support@escalon.test>',
      'wrote:',
      '> hi',
    ]);
    expect(out.visibleText).toBe('Done.');
    expect(out.quotedText.startsWith('On Mon, 5 Jan 2026')).toBe(true);
  });

  it.each([
    ['2026年1月5日 10:00 サポート <support@escalon.test> のメッセージ:'],
    ['2026/01/05 10:00、サポート <support@escalon.test>のメール:'],
    ['2026年1月5日(月) 10:00 山田 太郎 <taro@example.jp>:'],
    ['2026年1月5日 10:00 サポートさんは書きました：'],
  ])('folds from the Japanese attribution %s', (attribution) => {
    const out = fold(['ご対応ありがとうございます。', '', attribution, '> 再起動してください。']);
    expect(out.visibleText).toBe('ご対応ありがとうございます。');
    expect(out.quotedText.startsWith(attribution)).toBe(true);
  });

  it('does not take a dated line in a letter for an attribution', () => {
    const text = '2026年1月5日:\n本日の障害について報告します。';
    expect(foldQuotedText(text)).toEqual({ visibleText: text, quotedText: '' });
  });

  it('folds Outlook headers and the rule above them', () => {
    const out = fold([
      'Please see below.',
      '',
      '________________________________',
      'From: Support <support@escalon.test>',
      'Sent: Monday, January 5, 2026 10:00 AM',
      'To: Taro',
      'Subject: RE: [#1042] Printer',
      '',
      'Old text',
    ]);
    expect(out.visibleText).toBe('Please see below.');
    expect(out.quotedText.startsWith('____')).toBe(true);
    expect(out.quotedText).toContain('Old text');
  });

  it('folds Japanese Outlook headers and Original Message separators', () => {
    expect(
      fold([
        '了解です。',
        '差出人: サポート <support@escalon.test>',
        '送信日時: 2026年1月5日 10:00',
        '件名: RE: 件名',
      ]).visibleText,
    ).toBe('了解です。');
    expect(fold(['OK', '-----Original Message-----', 'From: x']).quotedText).toBe(
      '-----Original Message-----\nFrom: x',
    );
    expect(fold(['OK', '-----元のメッセージ-----', '本文']).visibleText).toBe('OK');
  });

  it('folds a trailing > block but keeps inline answers', () => {
    expect(fold(['Yes.', '', '> Did it work?', '> Really?', ''])).toEqual({
      visibleText: 'Yes.',
      quotedText: '> Did it work?\n> Really?',
    });
    const inline = ['> Which model?', 'The X100.', '> Which firmware?', 'Version 2.'].join('\n');
    expect(foldQuotedText(inline)).toEqual({ visibleText: inline, quotedText: '' });
  });

  it('keeps bottom-posted answers visible', () => {
    const text = ['On Mon, 5 Jan 2026, Support <s@x.test> wrote:', '> Which model?', '', 'The X100.'].join(
      '\n',
    );
    expect(foldQuotedText(text)).toEqual({ visibleText: text, quotedText: '' });
  });

  it('does not fold forwarded messages', () => {
    const text =
      'FYI\n\n---------- Forwarded message ---------\nFrom: Customer <c@x.test>\nDate: Mon, Jan 5\n\nIt broke.';
    expect(foldQuotedText(text).quotedText).toBe('');
  });

  it('never folds everything away', () => {
    expect(fold(['> only a quote'])).toEqual({ visibleText: '> only a quote', quotedText: '' });
  });

  it('loses no line: every non-blank line ends up visible or quoted', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '> quoted',
        'On Mon, 5 Jan 2026, A <a@x.test> wrote:',
        '-----Original Message-----',
        'From: a',
        'Sent: b',
        '',
      ),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const text = lines.join('\n');
        const { visibleText, quotedText } = foldQuotedText(text);
        const rejoined = `${visibleText}\n${quotedText}`;
        for (const l of text.replace(/\r\n?/g, '\n').split('\n'))
          if (l.trim() !== '') expect(rejoined).toContain(l.trim());
      }),
    );
  });
});
