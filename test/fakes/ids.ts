import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random `[A-Za-z0-9]{length}`, the alphabet most providers use in their ids. */
export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}

/** Lowercase hex of `bytes` random bytes. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A positive integer id in `[10^(digits-1), 10^digits)`, like Paystack's or Flutterwave's. */
export function randomNumericId(digits = 9): number {
  const min = 10 ** (digits - 1);
  return min + Math.floor(Math.random() * 9 * min);
}

/** Unix time in whole seconds. */
export function unixSeconds(at = Date.now()): number {
  return Math.floor(at / 1000);
}
