import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors';
import type { Fabric, RateLimiter } from '../ports';

const WINDOW_MS = 15 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** The first pause once an account has had too many failures, doubled per further failure. */
const SLOWDOWN_BASE_MS = 250;
const SLOWDOWN_MAX_MS = 8000;
/** Failures of one account kept for the slowdown; far above any real user's. */
const FAILURES_KEPT = 10_000;

export interface AuthLimits {
  /**
   * Before a password is checked. Refuses (429) an IP over its budget, and an account over its
   * budget *from this IP*; then, for an account that failed often from anywhere, waits before
   * answering instead of refusing, so a stranger who knows an e-mail address can slow its
   * owner's sign-in by seconds but never lock it (security review L1). Unknown e-mails count
   * exactly like known ones.
   */
  loginAttempt(email: string, ip: string): Promise<void>;
  /** A wrong password or second factor: counted for the account's slowdown. */
  loginFailed(email: string): Promise<void>;
  /** Forgives the account's failures, from this IP and everywhere (not the IP's count). */
  loginSucceeded(email: string, ip: string): Promise<void>;
  /** Registration and invitation acceptance: each costs a bcrypt hash (security review L2). */
  signupAttempt(ip: string): Promise<void>;
  /** Counts a second-factor or password check by a signed-in user (2FA, account deletion). */
  secondFactorAttempt(userId: string): Promise<void>;
}

export interface AuthLimitOptions {
  /** Attempts per account from one client IP per 15 minutes; past it, failures slow sign-in. */
  attemptsPerAccount: number;
  attemptsPerIp: number;
  /** Registrations and invitation acceptances per client IP per hour. */
  signupsPerIpPerHour: number;
}

/** The pause before checking a password, for an account that failed `failures` times. */
export function slowdownMs(failures: number, threshold: number): number {
  if (failures < threshold) return 0;
  return Math.min(SLOWDOWN_MAX_MS, SLOWDOWN_BASE_MS * 2 ** (failures - threshold));
}

/** Through the fabric: Redis across nodes, in-process on the embedded default. */
export function createAuthLimits(fabric: Fabric, options: AuthLimitOptions): AuthLimits {
  const limiter = (name: string, limit: number, windowMs = WINDOW_MS) =>
    fabric.rateLimiter({ name, limit, windowMs });
  const accountFromIp = limiter('login-account-ip', options.attemptsPerAccount);
  const ip = limiter('login-ip', options.attemptsPerIp);
  const failures = limiter('login-failures', FAILURES_KEPT);
  const signup = limiter('signup-ip', options.signupsPerIpPerHour, HOUR_MS);
  const secondFactor = limiter('second-factor', options.attemptsPerAccount);
  // Keys are hashed so Redis never holds an email address.
  const accountKey = (email: string) => createHash('sha256').update(email).digest('base64url');

  return {
    async loginAttempt(email, clientIp) {
      const account = accountKey(email);
      const verdicts = await Promise.all([
        accountFromIp.hit(`${account}:${clientIp}`),
        ip.hit(clientIp),
      ]);
      refuseIfLimited(verdicts, 'Too many sign-in attempts. Try again later.');
      const pause = slowdownMs(await failures.count(account), options.attemptsPerAccount);
      if (pause > 0) await sleep(pause);
    },
    loginFailed: (email) => failures.hit(accountKey(email)).then(() => undefined),
    async loginSucceeded(email, clientIp) {
      const account = accountKey(email);
      await Promise.all([failures.reset(account), accountFromIp.reset(`${account}:${clientIp}`)]);
    },
    async signupAttempt(clientIp) {
      refuseIfLimited(
        [await signup.hit(clientIp)],
        'Too many sign-ups from here. Try again later.',
      );
    },
    async secondFactorAttempt(userId) {
      refuseIfLimited(
        [await secondFactor.hit(userId)],
        'Too many codes or passwords tried. Try again later.',
      );
    },
  };
}

function refuseIfLimited(verdicts: Awaited<ReturnType<RateLimiter['hit']>>[], message: string) {
  const refused = verdicts.filter((v) => !v.allowed);
  if (refused.length === 0) return;
  const retryAfterMs = Math.max(...refused.map((v) => v.retryAfterMs));
  throw new AppError('rate_limited', {
    message,
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  });
}
