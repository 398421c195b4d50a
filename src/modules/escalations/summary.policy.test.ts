import { describe, expect, it } from 'vitest';
import { cleanMessage, summarizeTimeline, type SummaryEvent } from './summary.policy.js';

const T0 = Date.UTC(2024, 4, 1, 0, 0); // 09:00 in Tokyo
const msg = (i: number, body: string, over: Partial<SummaryEvent> = {}): SummaryEvent => ({
  atMs: T0 + i * 60_000,
  kind: 'message.added',
  authorType: 'customer',
  authorName: 'Yamada',
  visibility: 'public',
  body,
  ...over,
});
const change = (i: number, field: string, from: unknown, to: unknown): SummaryEvent => ({
  atMs: T0 + i * 60_000,
  kind: 'field.changed',
  authorType: 'user',
  authorName: 'Sato',
  visibility: 'internal',
  body: null,
  data: { field, from, to },
});

describe('summarizeTimeline', () => {
  const events = [
    msg(1, 'First message'),
    msg(2, 'I was charged twice.\n\n> quoted old mail\n> more'),
    change(3, 'priority', 'normal', 'high'),
    msg(4, 'Checked the invoice', { authorType: 'user', authorName: 'Sato', visibility: 'internal' }),
    change(5, 'tags', [], ['vip']),
    { ...msg(6, ''), kind: 'ticket.assigned' },
  ];

  it('lists the latest messages and field changes in English', () => {
    expect(summarizeTimeline(events, { lang: 'en', timeZone: 'Asia/Tokyo', maxMessages: 2 })).toBe(
      [
        'Timeline summary (latest 2 of 3 messages, 2 field changes; times in Asia/Tokyo)',
        'Messages:',
        '- 2024-05-01 09:02 Customer (Yamada): I was charged twice.',
        '- 2024-05-01 09:04 Agent (Sato) (internal note): Checked the invoice',
        'Field changes:',
        '- 2024-05-01 09:03 Priority: normal → high (by Sato)',
        '- 2024-05-01 09:05 Tags: (empty) → vip (by Sato)',
      ].join('\n'),
    );
  });

  it('speaks Japanese and is deterministic whatever the input order', () => {
    const ja = summarizeTimeline([...events].reverse(), {
      lang: 'ja',
      timeZone: 'Asia/Tokyo',
      maxMessages: 1,
      maxChanges: 1,
    });
    expect(ja).toBe(
      [
        '経緯の要約（メッセージ全3件中 最新1件、項目変更2件、時刻はAsia/Tokyo）',
        'メッセージ:',
        '- 2024-05-01 09:04 担当者 (Sato)（社内メモ）: Checked the invoice',
        '項目変更:',
        '- 2024-05-01 09:05 タグ: （空） → vip (変更者 Sato)',
      ].join('\n'),
    );
    expect(
      summarizeTimeline(events, { lang: 'ja', timeZone: 'Asia/Tokyo', maxMessages: 1, maxChanges: 1 }),
    ).toBe(ja);
  });

  it('trims long messages by code point and the whole text', () => {
    const long = '😀'.repeat(50) + 'あ'.repeat(400);
    const s = summarizeTimeline([msg(1, long)], { lang: 'en', timeZone: 'UTC', maxCharsPerMessage: 60 });
    const line = s.split('\n')[2] as string;
    expect(line.endsWith('…')).toBe(true);
    expect(line).toContain('😀'.repeat(50) + 'あ'.repeat(9) + '…');
    expect(
      Array.from(summarizeTimeline([msg(1, long)], { lang: 'en', timeZone: 'UTC', maxTotalChars: 80 }))
        .length,
    ).toBe(80);
  });

  it('says when there is nothing yet', () => {
    expect(summarizeTimeline([], { lang: 'en', timeZone: 'UTC' })).toBe(
      'Nothing has happened on this ticket yet.',
    );
    expect(summarizeTimeline([msg(1, '> only a quote')], { lang: 'ja', timeZone: 'UTC' })).toBe(
      'このチケットにはまだ経緯がありません。',
    );
  });

  it('cleans quoted lines (including full-width ＞) and whitespace', () => {
    expect(cleanMessage('Hello\r\n＞ 引用\n  world  \n\n> x')).toBe('Hello world');
  });

  it('names people and teams and labels fields and values in the reader\'s language', () => {
    const change = (at: number, field: string, from: unknown, to: unknown): SummaryEvent => ({ atMs: Date.UTC(2024, 4, 1, 0, at), kind: 'field.changed', authorType: 'user', authorName: 'Sato', visibility: 'internal', body: null, data: { field, from, to } });
    const changes = [change(1, 'assigneeId', null, '01a2user'), change(2, 'status', 'new', 'open'), change(3, 'teamId', '01team', 'gone')];
    const names = { '01a2user': '佐藤 花子', '01team': '請求チーム' };
    const ja = summarizeTimeline(changes, { lang: 'ja', timeZone: 'Asia/Tokyo', names });
    expect(ja).toContain('- 2024-05-01 09:01 担当者: （空） → 佐藤 花子 (変更者 Sato)');
    expect(ja).toContain('- 2024-05-01 09:02 ステータス: 新規 → 対応中');
    expect(ja).toContain('- 2024-05-01 09:03 チーム: 請求チーム → （削除済み）');
    expect(ja).not.toMatch(/01a2|assigneeId|status/);
    const en = summarizeTimeline(changes, { lang: 'en', timeZone: 'UTC', names });
    expect(en).toContain('- 2024-05-01 00:01 Assignee: (empty) → 佐藤 花子 (by Sato)');
    expect(en).toContain('- 2024-05-01 00:02 Status: new → open');
  });
});
