import { describe, expect, it } from 'vitest';
import { canEditCustomerIdentity, customerChanges } from './customers.policy.js';

describe('customer identity', () => {
  it('is changed by supervisors, managers and administrators only', () => {
    expect(['agent', 'specialist', 'supervisor', 'manager', 'admin'].filter((r) => canEditCustomerIdentity(r as never))).toEqual(['supervisor', 'manager', 'admin']);
  });

  it('counts only real changes, each marked identity or contact', () => {
    const current = { name: 'Hanako', email: 'h@example.com', phone: null, tier: 'standard', organization_id: null, locale: 'ja' };
    expect(customerChanges(current, { name: 'Hanako', phone: '+81 3' })).toEqual([{ field: 'phone', from: null, to: '+81 3', identity: false }]);
    expect(customerChanges(current, { tier: 'gold', organization_id: null, locale: 'en' })).toEqual([
      { field: 'tier', from: 'standard', to: 'gold', identity: true },
      { field: 'locale', from: 'ja', to: 'en', identity: false },
    ]);
  });
});
