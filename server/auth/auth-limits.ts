import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import type { Fabric, RateLimiter } from '../ports';

const WINDOW_MS = 15 * 60 * 1000;

export interface AuthLimits {
  /**
   * Counts a login attempt for the account and the client IP; throws 429 once either is over
   * its budget. Unknown emails are counted exactly like known ones, so the limit reveals
   * nothing about which accounts exist.
   */
  loginAttempt(email: string, ip: string): Promise<void>;
  /** A successful login forgives the account's count (not the IP's). */
  loginSucceeded(email: string): Promise<void>;
  /** Counts a second-factor check by a signed-in user (2FA enable/disable, account deletion). */
  secondFactorAttempt(userId: string): Promise<void>;
}

export interface AuthLimitOptions {
  attemptsPerAccount: number;
  attemptsPerIp: number;
}

/** Through the fabric: Redis across nodes, in-process on the embedded default. */
export function createAuthLimits(fabric: Fabric, options: AuthLimitOptions): AuthLimits {
  const account = fabric.rateLimiter({
    name: 'login-account',
    limit: options.attemptsPerAccount,
    windowMs: WINDOW_MS,
  });
  const ip = fabric.rateLimiter({
    name: 'login-ip',
    limit: options.attemptsPerIp,
    windowMs: WINDOW_MS,
  });
  const secondFactor = fabric.rateLimiter({
    name: 'second-factor',
    limit: options.attemptsPerAccount,
    windowMs: WINDOW_MS,
  });
  // Keys are hashed so Redis never holds an email address.
  const accountKey = (email: string) => createHash('sha256').update(email).digest('base64url');

  return {
    async loginAttempt(email, clientIp) {
      const verdicts = await Promise.all([account.hit(accountKey(email)), ip.hit(clientIp)]);
      refuseIfLimited(verdicts, 'Too many sign-in attempts. Try again later.');
    },
    loginSucceeded: (email) => account.reset(accountKey(email)),
    async secondFactorAttempt(userId) {
      refuseIfLimited([await secondFactor.hit(userId)], 'Too many codes tried. Try again later.');
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
