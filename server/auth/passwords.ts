import bcrypt from 'bcrypt';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '../../shared/auth.schema';
import { AppError } from '../errors';
import { createCpuLanes, type CpuLanes } from './cpu-lanes';
import { COMMON_PASSWORDS, isTrivialSequence } from './common-passwords';

export interface Passwords {
  hash(password: string): Promise<string>;
  /**
   * Compares against `hash`, or against a dummy hash of the same cost when there is none, so an
   * unknown email costs as much time as a wrong password and the two cannot be told apart.
   */
  verify(password: string, hash: string | null | undefined): Promise<boolean>;
}

/**
 * bcrypt at `cost`, two at a time (libuv's pool has four threads, shared with file and crypto
 * work), checks at sign-in before hashes of new passwords (`cpu-lanes.ts`).
 */
export function createPasswords(cost: number, lanes: CpuLanes = DEFAULT_LANES()): Passwords {
  // Made on first use, at the configured cost, so the dummy comparison costs what a real one does.
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => lanes.run('background', () => bcrypt.hash(password, cost)),
    async verify(password, hash) {
      dummy ??= bcrypt.hash('parley-dummy-password-for-constant-time', cost);
      const against = hash ?? (await dummy);
      const matches = await lanes.run('urgent', () => bcrypt.compare(password, against));
      return Boolean(hash) && matches;
    },
  };
}

const DEFAULT_LANES = () => createCpuLanes({ concurrency: 2, maxWaiting: 64 });

/**
 * Why a new password is refused, or null. Length is also in the shared schema; the common-list
 * check lives here so the list ships with the server only.
 */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  }
  // bcrypt ignores everything after 72 bytes; refuse rather than silently truncate.
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return `Use at most ${PASSWORD_MAX_BYTES} bytes.`;
  }
  const core = password
    .toLowerCase()
    .trim()
    .replace(/[\d\W_]+$/u, '');
  if (COMMON_PASSWORDS.has(password.toLowerCase()) || COMMON_PASSWORDS.has(core)) {
    return 'This password is too common. Choose another one.';
  }
  if (isTrivialSequence(password)) return 'This password is too easy to guess.';
  return null;
}

/** Throws the 400 a client shows next to the password field. */
export function assertAcceptablePassword(password: string, field = 'password'): void {
  const problem = passwordProblem(password);
  if (problem) {
    throw new AppError('bad_request', {
      message: problem,
      issues: [{ path: `body.${field}`, message: problem }],
    });
  }
}
