import { describe, expect, it } from 'vitest';
import { levelLabel } from './level-label.js';

describe('levelLabel', () => {
  it('puts the position before a plain name', () => {
    expect(levelLabel(0, '請求チーム / Billing team')).toBe('L1 請求チーム / Billing team');
    expect(levelLabel(1, 'Department head', ' · ')).toBe('L2 · Department head');
  });
  it('does not double a name that already starts with a level number', () => {
    expect(levelLabel(0, 'L2 請求チーム / Billing team')).toBe('L2 請求チーム / Billing team');
    expect(levelLabel(1, 'l3 Engineering', ' · ')).toBe('l3 Engineering');
  });
  it('keeps a name that merely starts with L', () => {
    expect(levelLabel(0, 'Legal')).toBe('L1 Legal');
    expect(levelLabel(2, 'L2B support')).toBe('L3 L2B support');
  });
  it('shows the position alone without a name', () => {
    expect(levelLabel(2, '')).toBe('L3');
    expect(levelLabel(2, null)).toBe('L3');
  });
});
