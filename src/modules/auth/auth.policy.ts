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
  // major incidents (issue 17): the services catalogue, declaring, approving RCAs
  'incidents.read',
  'incidents.write',
  'incidents.declare',
  'incidents.approve',
  'services.manage',
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
  'incidents.read',
  'incidents.write',
];

const grants: Record<Role, ReadonlySet<Permission>> = {
  agent: new Set(everyone),
  specialist: new Set(everyone),
  supervisor: new Set([...everyone, 'escalations.supervise', 'customers.privacy', 'incidents.declare']),
  manager: new Set([...everyone, 'escalations.supervise', 'customers.delete', 'paths.manage', 'customers.privacy', 'incidents.declare', 'incidents.approve', 'services.manage']),
  admin: new Set(PERMISSIONS),
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].has(permission);
}

/** The password rules (issue 14): long enough, not the email, not a common password. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

export interface PasswordProblem {
  /** password_too_short | password_too_long | password_repeated | password_contains_email | password_common */
  code: string;
  message: string;
  params?: Record<string, string | number>;
}

/**
 * What is wrong with a new password, as codes the console translates. `isCommon` is the
 * common-password list (passed in so the rule stays pure); the comparison ignores case.
 */
export function passwordProblems(
  password: string,
  email: string | null,
  isCommon: (lowercased: string) => boolean,
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const lower = password.toLowerCase();
  if ([...password].length < PASSWORD_MIN_LENGTH)
    problems.push({
      code: 'password_too_short',
      message: `must be at least ${PASSWORD_MIN_LENGTH} characters long`,
      params: { min: PASSWORD_MIN_LENGTH },
    });
  if (password.length > PASSWORD_MAX_LENGTH)
    problems.push({
      code: 'password_too_long',
      message: `must be at most ${PASSWORD_MAX_LENGTH} characters long`,
      params: { max: PASSWORD_MAX_LENGTH },
    });
  if (/^(.)\1+$/su.test(password))
    problems.push({ code: 'password_repeated', message: 'must not be one repeated character' });
  if (email) {
    const address = email.trim().toLowerCase();
    const local = address.split('@')[0] ?? '';
    // A local part of one or two letters ("a@…") would refuse half of all passwords.
    if (lower.includes(address) || (local.length >= 3 && lower.includes(local))) {
      problems.push({
        code: 'password_contains_email',
        message: 'must not contain your email address or its part before the @',
      });
    }
  }
  if (isCommon(lower))
    problems.push({
      code: 'password_common',
      message: 'is one of the most common passwords; choose another',
    });
  return problems;
}
