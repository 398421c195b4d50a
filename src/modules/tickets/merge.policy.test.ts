import { describe, expect, it } from 'vitest';
import { mergeNotice, mergeProblem } from './merge.policy.js';

const t = (id: string, over: Partial<{ status: 'open' | 'closed'; requesterId: string | null; mergedIntoId: string | null }> = {}) => ({ id, status: 'open' as const, requesterId: 'c1', mergedIntoId: null, ...over });

describe('mergeProblem', () => {
  it('refuses itself, closed or merged tickets, and different customers unless confirmed', () => {
    expect(mergeProblem(t('a'), t('b'), { confirmDifferentCustomer: false })).toBeNull();
    expect(mergeProblem(t('a'), t('a'), { confirmDifferentCustomer: true })).toBe('same_ticket');
    expect(mergeProblem(t('a', { status: 'closed' }), t('b'), { confirmDifferentCustomer: false })).toBe('source_closed');
    expect(mergeProblem(t('a'), t('b', { mergedIntoId: 'c' }), { confirmDifferentCustomer: false })).toBe('target_closed');
    expect(mergeProblem(t('a'), t('b', { requesterId: 'c2' }), { confirmDifferentCustomer: false })).toBe('different_customer');
    expect(mergeProblem(t('a'), t('b', { requesterId: 'c2' }), { confirmDifferentCustomer: true })).toBeNull();
    expect(mergeProblem(t('a', { requesterId: null }), t('b', { requesterId: 'c2' }), { confirmDifferentCustomer: false })).toBeNull();
  });
  it('tells the requester in their language, naming both numbers', () => {
    expect(mergeNotice('ja', { name: '小林 誠', sourceNumber: 1041, targetNumber: 1040, subject: '請求' }).subject).toBe('[#1040] お問い合わせ #1041 は #1040 で対応いたします');
    expect(mergeNotice('en', { name: 'Anna', sourceNumber: 7, targetNumber: 5, subject: 'x' }).text).toContain('Your request #7');
  });
});
