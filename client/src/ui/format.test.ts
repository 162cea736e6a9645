import { describe, expect, it } from 'vitest';
import { currencyDigits, fromMinorUnits, humanizeKey, toMinorUnits } from './format';

describe('money', () => {
  it('knows how many decimals a currency has', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
    expect(currencyDigits('not-a-currency')).toBe(2);
  });

  it('turns typed amounts into integer minor units without float drift', () => {
    expect(toMinorUnits('12.5', 'USD')).toBe(1250);
    expect(toMinorUnits('0.29', 'USD')).toBe(29);
    expect(toMinorUnits('1,299.99', 'NGN')).toBe(129999);
    expect(toMinorUnits('500', 'JPY')).toBe(500);
    expect(toMinorUnits('5.5', 'JPY')).toBeNull();
    expect(toMinorUnits('1.234', 'USD')).toBeNull();
    expect(toMinorUnits('-1', 'USD')).toBeNull();
    expect(toMinorUnits('abc', 'USD')).toBeNull();
  });

  it('writes minor units back for an input', () => {
    expect(fromMinorUnits(1250, 'USD')).toBe('12.50');
    expect(fromMinorUnits(5, 'USD')).toBe('0.05');
    expect(fromMinorUnits(500, 'JPY')).toBe('500');
    expect(fromMinorUnits(1234, 'KWD')).toBe('1.234');
  });
});

describe('humanizeKey', () => {
  it('reads camelCase and snake_case keys as words', () => {
    expect(humanizeKey('handoffRate')).toBe('Handoff rate');
    expect(humanizeKey('first_response_p50')).toBe('First response p50');
  });
});
