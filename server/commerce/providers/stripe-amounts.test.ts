import { describe, expect, it } from 'vitest';
import { fromStripeAmount, toStripeAmount } from './stripe-amounts';

describe('Stripe amounts', () => {
  it('passes ISO minor units through where Stripe agrees with ISO 4217', () => {
    expect(toStripeAmount(1500, 'usd')).toBe(1500);
    expect(toStripeAmount(1500, 'JPY')).toBe(1500);
    expect(toStripeAmount(1500, 'KWD')).toBe(1500);
    expect(fromStripeAmount(1500, 'xof')).toBe(1500);
  });

  it('converts the currencies Stripe counts differently, both ways', () => {
    // 1,500 ISK is 1500 in ISO minor units and 150000 for Stripe.
    expect(toStripeAmount(1500, 'ISK')).toBe(150_000);
    expect(fromStripeAmount(150_000, 'isk')).toBe(1500);
    // 15.00 MGA is 1500 in ISO minor units and 15 for Stripe; 15.50 cannot be charged.
    expect(toStripeAmount(1500, 'MGA')).toBe(15);
    expect(fromStripeAmount(15, 'MGA')).toBe(1500);
    expect(toStripeAmount(1550, 'MGA')).toBeNull();
  });
});
