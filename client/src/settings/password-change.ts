import { passwordRules } from '../auth/password-rules';

export type PasswordChangeField = 'currentPassword' | 'newPassword';

/**
 * What can be told before asking the server, keyed like the server's field errors so both show
 * in the same place. The common-password list is the server's alone; that one comes back on
 * submit.
 */
export function passwordChangeProblems(
  currentPassword: string,
  newPassword: string,
): Partial<Record<PasswordChangeField, string>> {
  const problems: Partial<Record<PasswordChangeField, string>> = {};
  if (currentPassword === '') problems.currentPassword = 'Enter your current password.';
  if (!passwordRules(newPassword).every((rule) => rule.met)) {
    problems.newPassword = 'This password does not meet the rules below yet.';
  } else if (newPassword === currentPassword) {
    problems.newPassword = 'Choose a password other than the current one.';
  }
  return problems;
}
