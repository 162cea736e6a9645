import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '../../../shared/auth.schema';

export interface PasswordRule {
  id: 'length' | 'bytes';
  text: string;
  met: boolean;
}

/**
 * The server's rules as the person types: length and bcrypt's 72-byte cap (checked here too);
 * the list of common passwords ships with the server only, so that one is checked on submit.
 */
export function passwordRules(password: string): PasswordRule[] {
  const bytes = new TextEncoder().encode(password).length;
  return [
    {
      id: 'length',
      text: `At least ${PASSWORD_MIN_LENGTH} characters`,
      met: password.length >= PASSWORD_MIN_LENGTH,
    },
    {
      id: 'bytes',
      text: `At most ${PASSWORD_MAX_BYTES} bytes (about ${PASSWORD_MAX_BYTES} letters, fewer with emoji or accents)`,
      met: bytes <= PASSWORD_MAX_BYTES,
    },
  ];
}

export const PASSWORD_COMMON_NOTE = 'Not a common or easily guessed password.';
