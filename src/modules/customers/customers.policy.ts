import type { Role } from '../auth/index.js';

/**
 * Who a customer is and what they are entitled to (name, email, tier, organization) decides
 * where mail goes and how fast the desk answers: supervisors and above change it. Contact
 * details (phone) and the language anyone who may write customers adds.
 */
export const CUSTOMER_IDENTITY_COLUMNS = ['name', 'email', 'tier', 'organization_id'] as const;
const IDENTITY_ROLES: ReadonlySet<Role> = new Set<Role>(['supervisor', 'manager', 'admin']);

export const canEditCustomerIdentity = (role: Role): boolean => IDENTITY_ROLES.has(role);

export interface CustomerChange {
  field: string;
  from: unknown;
  to: unknown;
  identity: boolean;
}

/** The columns `patch` really changes, each marked identity or not. */
export function customerChanges(current: Record<string, unknown>, patch: Record<string, unknown>): CustomerChange[] {
  const identity = new Set<string>(CUSTOMER_IDENTITY_COLUMNS);
  return Object.entries(patch)
    .filter(([field, to]) => (current[field] ?? null) !== (to ?? null))
    .map(([field, to]) => ({ field, from: current[field] ?? null, to: to ?? null, identity: identity.has(field) }));
}
