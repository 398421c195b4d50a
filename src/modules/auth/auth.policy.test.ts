import { describe, expect, it } from 'vitest';
import { can, passwordProblems, PERMISSIONS } from './auth.policy.js';
import { ROLES } from './auth.types.js';

describe('can', () => {
  it('gives admins every permission', () => {
    for (const p of PERMISSIONS) expect(can('admin', p)).toBe(true);
  });
  it('keeps user management and audit to admins', () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect(can(role, 'users.manage')).toBe(false);
      expect(can(role, 'audit.read')).toBe(false);
      expect(can(role, 'settings.manage')).toBe(false);
    }
  });
  it('lets every role work tickets', () => {
    for (const role of ROLES) expect(can(role, 'tickets.write')).toBe(true);
  });
  it('lets supervisors supervise escalations but not agents', () => {
    expect(can('supervisor', 'escalations.supervise')).toBe(true);
    expect(can('agent', 'escalations.supervise')).toBe(false);
  });
  it('leaves exporting and erasing customer data to supervisors and above', () => {
    expect(ROLES.filter((r) => can(r, 'customers.privacy'))).toEqual(['supervisor', 'manager', 'admin']);
  });
});

describe('passwordProblems', () => {
  const none = () => false;
  const codes = (
    pw: string,
    email: string | null = 'hanako.sato@example.com',
    common: (p: string) => boolean = none,
  ) => passwordProblems(pw, email, common).map((p) => p.code);
  it('accepts a long passphrase', () => expect(codes('correct horse battery')).toEqual([]));
  it('refuses fewer than 12 characters, counting characters not UTF-16 units', () => {
    expect(codes('elevenchars')).toEqual(['password_too_short']);
    expect(codes('twelve chars')).toEqual([]);
    expect(codes('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑')).toContain('password_too_short');
  });
  it('refuses one repeated character', () => expect(codes('aaaaaaaaaaaaa')).toContain('password_repeated'));
  it('refuses the email address or its local part, in any case', () => {
    expect(codes('my-Hanako.Sato-2026')).toEqual(['password_contains_email']);
    expect(codes('hanako.sato@example.com!')).toEqual(['password_contains_email']);
    expect(codes('sato-and-hanako')).toEqual([]);
    expect(codes('x-ab-long-enough', 'ab@example.com')).toEqual([]);
  });
  it('refuses what the common list holds, ignoring case', () => {
    expect(codes('Password1234', null, (p) => p === 'password1234')).toEqual(['password_common']);
  });
});
