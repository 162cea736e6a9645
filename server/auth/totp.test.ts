import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import {
  hashRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  otpauthUrl,
  qrSvg,
} from './totp';

describe('totp', () => {
  const secret = newTotpSecret();
  const epoch = 1_800_000_000;

  it('accepts the current code and one step of drift, nothing older', async () => {
    const now = await generate({ secret, epoch });
    const step = Math.floor(epoch / 30);
    expect(await matchTotp(secret, now, null, epoch)).toBe(step);
    const previous = await generate({ secret, epoch: epoch - 30 });
    expect(await matchTotp(secret, previous, null, epoch)).toBe(step - 1);
    const stale = await generate({ secret, epoch: epoch - 90 });
    expect(await matchTotp(secret, stale, null, epoch)).toBeNull();
  });

  it('refuses a step at or before the last one accepted (replay)', async () => {
    const code = await generate({ secret, epoch });
    const step = Math.floor(epoch / 30);
    expect(await matchTotp(secret, code, step, epoch)).toBeNull();
    expect(await matchTotp(secret, code, step - 1, epoch)).toBe(step);
    // The next step's code was used already: nothing in the window is newer.
    expect(await matchTotp(secret, code, step + 1, epoch)).toBeNull();
    expect(await matchTotp(secret, code, step + 5, epoch)).toBeNull();
  });

  it('refuses malformed codes without throwing', async () => {
    for (const code of ['12345', '1234567', 'abcdef', '']) {
      expect(await matchTotp(secret, code, null, epoch)).toBeNull();
    }
  });

  it('builds an otpauth URL and an SVG QR code', async () => {
    const url = otpauthUrl(secret, 'ada@example.com');
    expect(url).toMatch(/^otpauth:\/\/totp\/Parley:ada%40example\.com\?secret=[A-Z2-7]+/);
    expect(await qrSvg(url)).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });
});

describe('recovery codes', () => {
  it('gives ten distinct codes that normalise forgivingly', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const [first] = codes as [string];
    expect(first).toMatch(/^[0-9a-f]{5}(-[0-9a-f]{5}){3}$/);
    expect(hashRecoveryCode(` ${first.toUpperCase().replace(/-/g, ' ')} `)).toBe(
      hashRecoveryCode(first),
    );
    expect(normalizeRecoveryCode('123456')).toBeNull();
  });
});
