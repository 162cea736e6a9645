/**
 * Money is an integer count of a currency's minor units plus its ISO 4217 code, everywhere
 * (database, events, API). This is the one place that knows how many minor units make a major
 * one, and the one formatter of amounts: the machine's payment-link text, the AI prompt, the
 * offline bot, invoices, owner e-mail and the web app all show money through `formatMoney`.
 *
 * The exponents are ISO 4217's (the SIX list, amendment 178, 2025), not ICU's: ICU shows some
 * currencies without their ISO decimals (IQD, MGA, RSD, …), and a stored amount must mean the
 * same thing wherever it is read. Every currency not listed has two decimals.
 */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** Digits after the decimal point: JPY 0, USD 2, KWD 3. Case-insensitive. */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** `1234567` → `1,234,567`. */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * `formatMoney(150050, 'NGN')` → `1,500.50 NGN`; `1500 JPY` → `1,500 JPY`; `1500 KWD` (fils) →
 * `1.500 KWD`. Exact for every safe integer: the digits are cut from the integer, never divided.
 */
export function formatMoney(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exp + 1, '0');
  const whole = groupThousands(exp === 0 ? digits : digits.slice(0, -exp));
  const amount = exp === 0 ? whole : `${whole}.${digits.slice(-exp)}`;
  return `${sign}${amount} ${currency.toUpperCase()}`;
}

/** `"12.5"` in USD → 1250, `"1,500"` JPY → 1500; null when it is not an amount in that currency. */
export function toMinorUnits(amount: string, currency: string): number | null {
  const text = amount.trim().replace(/[\s,]/g, '');
  const exp = currencyExponent(currency);
  const pattern = exp === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{0,${exp}})?$`);
  if (!pattern.test(text)) return null;
  const [whole = '0', fraction = ''] = text.split('.');
  const minor = Number(`${whole}${fraction.padEnd(exp, '0')}`);
  return Number.isSafeInteger(minor) ? minor : null;
}

/** 1250 USD → `"12.50"`, 1500 JPY → `"1500"`: an amount as a form field shows it. */
export function fromMinorUnits(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exp + 1, '0');
  return exp === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}
