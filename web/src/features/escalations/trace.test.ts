import { describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n/index.js';
import { describeTrace } from './trace.js';

describe('the receiver trace in the reader\'s language', () => {
  const ja = createI18n('ja').t;
  const en = createI18n('en').t;
  const facts = [
    { code: 'unavailable', role: 'user', name: '佐藤', why: 'on_leave', delegate: '田中' },
    { code: 'team_reachable', team: '請求', names: ['木村', '加藤'], skipped: [{ name: '森', why: 'off' }] },
    { code: 'fallback' },
  ];

  it('puts each fact into words', () => {
    expect(describeTrace(facts, [], ja)).toEqual([
      '佐藤 さん（本人）は休暇中（不在）です → 代理 田中 さん',
      'チーム 請求: 木村、加藤 に連絡できます（除外: 森 さんは勤務外です）',
      '全レベルを使い切りました → パスの最終受け手へ。管理者に警告します',
    ]);
    expect(describeTrace(facts, [], en)).toEqual([
      'User 佐藤 is on leave (out of office) → delegate 田中',
      'Team 請求: 木村, 加藤 reachable (skipped: 森 is off)',
      'Every level is exhausted → the path fallback; administrators are alerted',
    ]);
  });

  it('does not escape names (React escapes) and shows old rows as stored', () => {
    expect(describeTrace([{ code: 'reachable', role: 'delegate', name: 'O\'Brien <ops>' }], [], en)).toEqual(['Delegate O\'Brien <ops> is reachable']);
    expect(describeTrace(undefined, ['user Sato is reachable'], ja)).toEqual(['user Sato is reachable']);
  });
});
