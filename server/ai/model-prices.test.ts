import { describe, expect, it } from 'vitest';
import { budgetMicros, costMicros, monthOf, UNKNOWN_MODEL_PRICE, priceOf } from './model-prices';

describe('model prices', () => {
  it('costs a call in whole micro-USD, rounding up', () => {
    // 1000 × $0.15/M + 100 × $0.60/M = $0.00015 + $0.00006 = 210 µ$
    expect(costMicros('gpt-4o-mini', 1000, 100)).toBe(210);
    expect(costMicros('gpt-4o-mini', 1, 0)).toBe(1);
    expect(costMicros('gpt-4o-mini', 0, 0)).toBe(0);
    expect(costMicros('parley-rules-1', 10_000, 10_000)).toBe(0);
  });

  it('charges an unknown model the dearest price, so budgets still bind', () => {
    expect(priceOf('some-new-model')).toBe(UNKNOWN_MODEL_PRICE);
    expect(costMicros('some-new-model', 1000, 1000)).toBe(18_000);
  });

  it('converts budgets and months', () => {
    expect(budgetMicros(150)).toBe(1_500_000);
    expect(monthOf(Date.UTC(2026, 10, 30, 23, 59))).toBe('2026-11');
    expect(monthOf(Date.UTC(2026, 11, 1))).toBe('2026-12');
  });
});
