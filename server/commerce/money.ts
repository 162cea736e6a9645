/**
 * Integer minor units ↔ the major units some providers want (Flutterwave). The exponent is ISO
 * 4217's, from ICU (JPY 0, USD 2, KWD 3), so no currency table is kept here.
 */
export function minorExponent(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
  } catch {
    return 2;
  }
}

/** 150050 NGN → 1500.5 (what Flutterwave's `amount` means). */
export function toMajor(minor: number, currency: string): number {
  const exp = minorExponent(currency);
  return Number((minor / 10 ** exp).toFixed(exp));
}

/**
 * 1500.5 NGN → 150050. Rounded, because a provider's float (1500.49999…) must land on the integer
 * it stands for; a genuinely different amount still differs by at least one minor unit.
 */
export function fromMajor(major: number, currency: string): number {
  return Math.round(major * 10 ** minorExponent(currency));
}

/** `12.50 USD`, `1,500 JPY`: for messages to customers and owners. */
export function formatMoney(minor: number, currency: string): string {
  const exp = minorExponent(currency);
  const major = (minor / 10 ** exp).toLocaleString('en', {
    minimumFractionDigits: exp,
    maximumFractionDigits: exp,
  });
  return `${major} ${currency.toUpperCase()}`;
}
