import { describe, expect, it } from 'vitest';
import { passwordChangeRequestSchema } from '../../../shared/auth.schema';
import { passwordChangeProblems } from './password-change';

const NEW = 'a brand new passphrase 77';

describe('password change, before asking the server', () => {
  it('accepts what the server schema accepts', () => {
    expect(passwordChangeProblems('old secret', NEW)).toEqual({});
    expect(
      passwordChangeRequestSchema.safeParse({ currentPassword: 'old secret', newPassword: NEW })
        .success,
    ).toBe(true);
  });

  it('asks for the current password and for a new one that meets the rules', () => {
    expect(passwordChangeProblems('', 'short')).toEqual({
      currentPassword: 'Enter your current password.',
      newPassword: 'This password does not meet the rules below yet.',
    });
    // 73 bytes: bcrypt would silently cut it, so the server refuses it.
    expect(passwordChangeProblems('old secret', 'é'.repeat(37)).newPassword).toBe(
      'This password does not meet the rules below yet.',
    );
  });

  it('refuses the current password as the new one', () => {
    expect(passwordChangeProblems(NEW, NEW)).toEqual({
      newPassword: 'Choose a password other than the current one.',
    });
  });
});
