import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { hashToken } from './opaque-token';

export const TOTP_ISSUER = 'Parley';
export const RECOVERY_CODE_COUNT = 10;
const PERIOD = 30;

/** A fresh base32 TOTP secret (160 bits), as authenticator apps expect. */
export function newTotpSecret(): string {
  return generateSecret();
}

export function otpauthUrl(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}

export const isTotpCode = (code: string) => /^\d{6}$/.test(code);

/**
 * The time step `code` belongs to, or null. One step of clock drift either way is accepted;
 * steps at or before `afterStep` (the last one accepted) are refused, so a code is good once.
 */
export async function matchTotp(
  secret: string,
  code: string,
  afterStep: number | null,
  epochSeconds?: number,
): Promise<number | null> {
  if (!isTotpCode(code)) return null;
  const epoch = epochSeconds ?? Math.floor(Date.now() / 1000);
  // otplib throws when afterTimeStep lies past the window (a code of the next step was used);
  // nothing in the window can be newer then, so that is simply no match.
  if (afterStep !== null && afterStep >= Math.floor(epoch / PERIOD) + 1) return null;
  const result = await verify({
    secret,
    token: code,
    epoch,
    epochTolerance: PERIOD,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  // The result type covers HOTP too; a TOTP match carries its time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Ten codes of 80 random bits each, shown once as `xxxxx-xxxxx-xxxxx-xxxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const hex = randomBytes(10).toString('hex');
    return hex.match(/.{5}/g)!.join('-');
  });
}

/** Case, spaces and dashes do not matter when a person types a code back. */
export function normalizeRecoveryCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]/g, '');
  return /^[0-9a-f]{20}$/.test(compact) ? compact : null;
}

export function hashRecoveryCode(code: string): string | null {
  const normalized = normalizeRecoveryCode(code);
  return normalized ? hashToken(`recovery:${normalized}`) : null;
}
