import { describe, expect, it } from 'vitest';
import { checkPassword } from './password.js';

describe('checkPassword (with the common-password list)', () => {
  it('refuses common passwords of any length', async () => {
    expect((await checkPassword('qwerty123456', null)).map((p) => p.code)).toEqual(['password_common']);
    expect((await checkPassword('Password1234', null)).map((p) => p.code)).toEqual(['password_common']);
  });
  it('accepts the demo and test passwords', async () => {
    expect(await checkPassword('escalon-demo-2026', 'tanaka@demo.example')).toEqual([]);
    expect(await checkPassword('test-password-123', 'agent@test.example')).toEqual([]);
  });
});
