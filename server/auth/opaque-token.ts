import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: refresh tokens and invitation tokens. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What is stored instead of a token. Plain SHA-256 suffices: the tokens carry 256 random bits,
 * so there is nothing to brute-force, and a lookup by hash stays a single index probe.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
