import { describe, expect, it } from 'vitest';
import { missingBriefFields } from './brief.policy.js';
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
      { field: 'brief.ask', message: 'is required by this escalation level' },
      { field: 'brief.links', message: 'is required by this escalation level' },
      { field: 'brief.impact', message: 'is required by this escalation level' },
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
