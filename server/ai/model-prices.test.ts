import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_MODELS,
  budgetMicros,
  costMicros,
  effectiveBudgetMinor,
  FREE,
  isPaid,
  monthOf,
} from './model-prices';
import { DEFAULT_MODELS, PAID_PROVIDERS } from './settings';

const MINI = { inputPerKTokens: 150, outputPerKTokens: 600 };

describe('model prices', () => {
  it('costs a call in whole micro-USD, rounding up', () => {
    // 1000 × $0.15/M + 100 × $0.60/M = $0.00015 + $0.00006 = 210 µ$
    expect(costMicros(MINI, 1000, 100)).toBe(210);
    expect(costMicros(MINI, 1, 0)).toBe(1);
    expect(costMicros(MINI, 0, 0)).toBe(0);
    expect(costMicros(FREE, 10_000, 10_000)).toBe(0);
    expect(isPaid(MINI)).toBe(true);
    expect(isPaid(FREE)).toBe(false);
  });

  it('offers every default model in the built-in list', () => {
    for (const provider of PAID_PROVIDERS) {
      expect(BUILT_IN_MODELS[provider].map((m) => m.model)).toContain(DEFAULT_MODELS[provider]);
    }
  });

  it('binds a business by the smaller of its budget and the operator budget', () => {
    expect(effectiveBudgetMinor(null, 5000)).toBe(5000);
    expect(effectiveBudgetMinor(1000, 5000)).toBe(1000);
    expect(effectiveBudgetMinor(9000, 5000)).toBe(5000);
    expect(effectiveBudgetMinor(null, 0)).toBe(0);
  });

  it('converts budgets and months', () => {
    expect(budgetMicros(150)).toBe(1_500_000);
    expect(monthOf(Date.UTC(2026, 10, 30, 23, 59))).toBe('2026-11');
    expect(monthOf(Date.UTC(2026, 11, 1))).toBe('2026-12');
  });
});
