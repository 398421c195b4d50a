import { describe, expect, it } from 'vitest';
import { macroLanguage, macroProblems, unknownPlaceholders } from './macros.policy.js';

describe('macros policy', () => {
  it('finds unknown placeholders, not the known ones or block keywords', () => {
    expect(unknownPlaceholders('Dear {{customer.name}}, #{{ticket.number}} {{#if agent.name}}{{agent.name}}{{else}}-{{/if}}')).toEqual([]);
    expect(unknownPlaceholders('{{customer.nmae}} {{{ticket.secret}}}')).toEqual(['customer.nmae', 'ticket.secret']);
  });
  it('asks for a name and at least one text', () => {
    expect(macroProblems({ name: ' ', bodyJa: '', bodyEn: '' }).map((p) => p.field)).toEqual(['name', 'bodyJa']);
  });
  it('chooses the asked or the requester language, falling back to the other one', () => {
    const both = { bodyJa: 'こんにちは', bodyEn: 'Hello' };
    expect(macroLanguage(both, undefined, 'ja')).toBe('ja');
    expect(macroLanguage(both, undefined, 'en-GB')).toBe('en');
    expect(macroLanguage(both, 'en', 'ja')).toBe('en');
    expect(macroLanguage({ bodyJa: '', bodyEn: 'Hello' }, undefined, 'ja')).toBe('en');
    expect(macroLanguage({ bodyJa: 'こんにちは', bodyEn: ' ' }, 'en', null)).toBe('ja');
  });
});
