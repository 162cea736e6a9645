/**
 * Stripe counts some currencies in other units than ISO 4217 does (docs.stripe.com/currencies):
 * ISK has no decimals in ISO but two in Stripe's API (for backwards compatibility), and MGA has
 * two in ISO but none in Stripe's. Parley's amounts are ISO minor units everywhere else, so they
 * are converted at this edge only, both ways.
 */
const SCALE: Readonly<Record<string, number>> = { ISK: 100, MGA: 0.01 };

/** ISO minor units → Stripe's `unit_amount`; null when Stripe cannot express it exactly. */
export function toStripeAmount(minor: number, currency: string): number | null {
  const amount = minor * (SCALE[currency.toUpperCase()] ?? 1);
  return Number.isSafeInteger(amount) ? amount : null;
}

/** Stripe's `amount_total` → ISO minor units. */
export function fromStripeAmount(amount: number, currency: string): number {
  return Math.round(amount / (SCALE[currency.toUpperCase()] ?? 1));
}
