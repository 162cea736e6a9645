import bcrypt from 'bcrypt';
import { describe, expect, it, vi } from 'vitest';
import { createPasswords, passwordProblem } from './passwords';

describe('password policy', () => {
  it('accepts a long, uncommon password', () => {
    expect(passwordProblem('correct horse battery staple')).toBeNull();
    expect(passwordProblem('Tr0ub4dor&3xyz')).toBeNull();
  });

  it('refuses short, over-long, common and trivial passwords', () => {
    expect(passwordProblem('short1!')).toMatch(/at least 10/);
    expect(passwordProblem('é'.repeat(40))).toMatch(/at most 72 bytes/);
    for (const common of [
      'password123',
      'Password2024!',
      'qwertyuiop',
      'Sunshine99',
      'iloveyou!!',
    ]) {
      expect(passwordProblem(common), common).toMatch(/too common/);
    }
    for (const trivial of ['1234567890', 'aaaaaaaaaaaa', '0987654321', 'abcdefghijklm']) {
      expect(passwordProblem(trivial), trivial).not.toBeNull();
    }
  });
});

describe('password hashing', () => {
  const passwords = createPasswords(4);

  it('verifies the right password only', async () => {
    const hash = await passwords.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$2b\$04\$/);
    expect(await passwords.verify('correct horse battery staple', hash)).toBe(true);
    expect(await passwords.verify('wrong horse battery staple', hash)).toBe(false);
  });

  it('answers false, after a real comparison at the same cost, when there is no hash', async () => {
    const compare = vi.spyOn(bcrypt, 'compare');
    expect(await passwords.verify('parley-dummy-password-for-constant-time', null)).toBe(false);
    // An unknown email costs one full bcrypt comparison, like a wrong password.
    expect(compare).toHaveBeenCalledTimes(1);
    expect(compare.mock.calls[0]?.[1]).toMatch(/^\$2b\$04\$/);
    compare.mockRestore();
  });
});
