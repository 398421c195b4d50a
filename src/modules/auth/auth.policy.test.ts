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
  it('accepts a long passphrase', () => expect(passwordProblems('correct horse battery')).toEqual([]));
  it('rejects short and repeated passwords', () => {
    expect(passwordProblems('short')).toContain('must be at least 10 characters long');
    expect(passwordProblems('aaaaaaaaaaaa')).toContain('must not be one repeated character');
  });
});
