import { currencyExponent } from '../../shared/money';

/**
 * Integer minor units ↔ the major units some providers want (Flutterwave), by the ISO 4217
 * exponent of `shared/money.ts`, the one table of them.
 */

/** 150050 NGN → 1500.5 (what Flutterwave's `amount` means). */
export function toMajor(minor: number, currency: string): number {
  const exp = currencyExponent(currency);
  return Number((minor / 10 ** exp).toFixed(exp));
}

/**
 * 1500.5 NGN → 150050. Rounded, because a provider's float (1500.49999…) must land on the integer
 * it stands for; a genuinely different amount still differs by at least one minor unit.
 */
export function fromMajor(major: number, currency: string): number {
  return Math.round(major * 10 ** currencyExponent(currency));
}
