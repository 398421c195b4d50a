import { describe, expect, it } from 'vitest';
import { createI18n } from '../../i18n/index.js';
import { describeProblem, normaliseField } from './FieldProblems.js';

describe('path editor problems', () => {
  const ja = createI18n('ja').t;
  const en = createI18n('en').t;
  it('finds the field whichever notation the server used', () => {
    expect(normaliseField({ field: 'body.levels.0.ackTimeoutSeconds', message: '' })).toBe('levels[0].ackTimeoutSeconds');
    expect(normaliseField({ field: 'levels[1].targets[0].userId', message: '' })).toBe('levels[1].targets[0].userId');
  });
  it('says what is wrong in the reader\'s language, from the code', () => {
    const p = { field: 'levels[0].targets', message: 'a level needs at least one target', code: 'no_targets' };
    expect(describeProblem(p, ja)).toBe('このレベルに宛先を 1 つ以上追加してください。');
    expect(describeProblem(p, en)).toBe('Add at least one target to this level.');
    expect(describeProblem({ field: 'x', message: 'ask is not a brief field', code: 'unknown_brief_field', params: { value: 'ask2' } } as never, ja)).toBe('「ask2」はエスカレーション内容の項目ではありません。');
    // No code (schema checks): a localised frame around the server's words.
    expect(describeProblem({ field: 'name', message: 'must NOT have more than 200 characters' }, ja)).toBe('この値を確認してください（must NOT have more than 200 characters）。');
  });
});
