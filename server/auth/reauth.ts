import { AppError } from '../errors';
import type { AuthLimits } from './auth-limits';
import type { Passwords } from './passwords';

/**
 * The current password, asked again before a change that would let whoever holds a stolen
 * access token keep the account (security review L8): two-factor on or off, payment keys, the
 * password itself. Counted like a second factor, so it cannot be guessed through these routes;
 * refused with 403, not 401 (the session is fine, the confirmation is not, and a 401 would make
 * the web client refresh and retry). Called outside any transaction: bcrypt takes a while.
 */
export async function confirmPassword(
  deps: { passwords: Passwords; limits: AuthLimits },
  user: { id: string; passwordHash: string },
  password: string,
  field = 'password',
): Promise<void> {
  await deps.limits.secondFactorAttempt(user.id);
  if (!(await deps.passwords.verify(password, user.passwordHash))) {
    const message = 'The password is not correct.';
    throw new AppError('forbidden', { message, issues: [{ path: `body.${field}`, message }] });
  }
}
