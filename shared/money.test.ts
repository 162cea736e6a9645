import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMoney, fromMinorUnits, toMinorUnits } from './money';

describe('money', () => {
  it('knows each currency’s ISO 4217 exponent, whatever ICU says', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('ngn')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('XOF')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('CLF')).toBe(4);
    // ICU shows these without decimals; ISO 4217 (and so a stored amount) has them.
    expect(currencyExponent('IQD')).toBe(3);
    expect(currencyExponent('MGA')).toBe(2);
    expect(currencyExponent('not-a-currency')).toBe(2);
  });

  it('formats the amount a customer reads, exactly, by the exponent', () => {
    expect(formatMoney(150_000, 'USD')).toBe('1,500.00 USD');
    expect(formatMoney(1_500, 'JPY')).toBe('1,500 JPY');
    expect(formatMoney(150_000, 'XOF')).toBe('150,000 XOF');
    expect(formatMoney(1_500, 'KWD')).toBe('1.500 KWD');
    expect(formatMoney(150_050, 'ngn')).toBe('1,500.50 NGN');
    expect(formatMoney(5, 'USD')).toBe('0.05 USD');
    expect(formatMoney(0, 'KWD')).toBe('0.000 KWD');
    expect(formatMoney(-1_234, 'USD')).toBe('-12.34 USD');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'USD')).toBe('90,071,992,547,409.91 USD');
  });

  it('turns typed amounts into integer minor units without float drift', () => {
    expect(toMinorUnits('12.5', 'USD')).toBe(1250);
    expect(toMinorUnits('0.29', 'USD')).toBe(29);
    expect(toMinorUnits('1,299.99', 'NGN')).toBe(129999);
    expect(toMinorUnits('500', 'JPY')).toBe(500);
    expect(toMinorUnits('1.5', 'KWD')).toBe(1500);
    expect(toMinorUnits('5.5', 'JPY')).toBeNull();
    expect(toMinorUnits('1.234', 'USD')).toBeNull();
    expect(toMinorUnits('-1', 'USD')).toBeNull();
    expect(toMinorUnits('abc', 'USD')).toBeNull();
    expect(toMinorUnits('99999999999999999999', 'USD')).toBeNull();
  });

  it('writes minor units back for an input, and round-trips', () => {
    expect(fromMinorUnits(1250, 'USD')).toBe('12.50');
    expect(fromMinorUnits(5, 'USD')).toBe('0.05');
    expect(fromMinorUnits(500, 'JPY')).toBe('500');
    expect(fromMinorUnits(1234, 'KWD')).toBe('1.234');
    for (const currency of ['USD', 'JPY', 'KWD', 'XOF', 'NGN']) {
      for (const minor of [0, 1, 99, 100, 1_500, 123_456_789]) {
        expect(toMinorUnits(fromMinorUnits(minor, currency), currency)).toBe(minor);
      }
    }
  });
});
