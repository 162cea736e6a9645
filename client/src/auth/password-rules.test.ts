import { describe, expect, it } from 'vitest';
import { passwordRules } from './password-rules';

const met = (password: string) =>
  Object.fromEntries(passwordRules(password).map((r) => [r.id, r.met]));

describe('password rules', () => {
  it('follows the server: at least 10 characters, at most 72 bytes', () => {
    expect(met('short')).toEqual({ length: false, bytes: true });
    expect(met('long enough pass')).toEqual({ length: true, bytes: true });
    expect(met('a'.repeat(72))).toEqual({ length: true, bytes: true });
    expect(met('a'.repeat(73))).toEqual({ length: true, bytes: false });
    // 20 emoji are 20 characters to a person and 80 bytes to bcrypt.
    expect(met('🙂'.repeat(20))).toEqual({ length: true, bytes: false });
  });
});
