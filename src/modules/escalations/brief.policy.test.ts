import { describe, expect, it } from 'vitest';
import { missingBriefFields, unsafeBriefLinks } from './brief.policy.js';
import type { Brief } from './escalation.types.js';

const empty: Brief = {
  category: '',
  ask: '  ',
  concern: '',
  tried: '',
  environment: '',
  background: '',
  customerTemperature: 'calm',
  impact: { scope: 'this_customer', revenueRisk: false, legalRisk: false, note: '' },
  links: [],
};

describe('missingBriefFields', () => {
  it('lists required fields that are empty, once each', () => {
    expect(missingBriefFields(empty, ['ask', 'links', 'impact', 'customerTemperature', 'ask'])).toEqual([
      { field: 'brief.ask', message: 'is required by this escalation level', code: 'required_by_level' },
      { field: 'brief.links', message: 'is required by this escalation level', code: 'required_by_level' },
      { field: 'brief.impact', message: 'is required by this escalation level', code: 'required_by_level' },
    ]);
  });
  it('accepts filled fields', () => {
    const filled: Brief = {
      ...empty,
      ask: 'Approve a refund of ¥12,000',
      links: [{ url: 'https://crm/1', label: 'CRM' }],
      impact: { ...empty.impact, legalRisk: true },
    };
    expect(missingBriefFields(filled, ['ask', 'links', 'impact'])).toEqual([]);
  });
});

describe('unsafeBriefLinks', () => {
  it('accepts http, https and mailto in any case and refuses every other scheme or non-URL, by index', () => {
    const ok = ['https://crm.example/a', 'HTTP://x.example', ' mailto:billing@example.jp '];
    expect(unsafeBriefLinks(ok.map((url) => ({ url })))).toEqual([]);
    const bad = ['javascript:alert(1)', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'ftp://x', '//evil.example', 'https:', 'no scheme', 'java\tscript:alert(1)'];
    expect(unsafeBriefLinks(bad.map((url) => ({ url }))).map((p) => p.field)).toEqual(bad.map((_, i) => `brief.links.${i}.url`));
  });
});
