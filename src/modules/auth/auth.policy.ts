import type { Role } from './auth.types.js';

/**
 * What each role may do. Every route names one permission (or is explicitly public);
 * the auth hook refuses a route that names neither, so nothing ships unguarded.
 */
export const PERMISSIONS = [
  'tickets.read',
  'tickets.write',
  'users.read',
  'users.manage',
  'teams.read',
  'teams.manage',
  'customers.read',
  'customers.write',
  'customers.delete',
  'audit.read',
  'tokens.own',
  'tokens.manage',
  'settings.read',
  'settings.manage',
  'escalations.read',
  'escalations.write',
  'escalations.supervise',
  'paths.manage',
  'deliveries.manage',
  'intake.manage',
  // privacy (issue 14 §4): export and erase a customer's data (APPI / GDPR requests)
  'customers.privacy',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const everyone: Permission[] = [
  'tickets.read',
  'tickets.write',
  'users.read',
  'teams.read',
  'customers.read',
  'customers.write',
  'tokens.own',
  'settings.read',
  'escalations.read',
  'escalations.write',
];

const grants: Record<Role, ReadonlySet<Permission>> = {
  agent: new Set(everyone),
  specialist: new Set(everyone),
  supervisor: new Set([...everyone, 'escalations.supervise', 'customers.privacy']),
  manager: new Set([...everyone, 'escalations.supervise', 'customers.delete', 'paths.manage', 'customers.privacy']),
  admin: new Set(PERMISSIONS),
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].has(permission);
}

/** Minimum password rules: long enough to resist guessing, not so strict people write it down. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 10) problems.push('must be at least 10 characters long');
  if (password.length > 200) problems.push('must be at most 200 characters long');
  if (/^(.)\1+$/.test(password)) problems.push('must not be one repeated character');
  return problems;
}
