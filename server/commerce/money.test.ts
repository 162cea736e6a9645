import { describe, expect, it } from 'vitest';
import { formatMoney, fromMajor, minorExponent, toMajor } from './money';

describe('money', () => {
  it('knows each currency’s minor unit from ISO 4217', () => {
    expect(minorExponent('USD')).toBe(2);
    expect(minorExponent('JPY')).toBe(0);
    expect(minorExponent('KWD')).toBe(3);
  });

  it('converts to and from major units without drifting a minor unit', () => {
    expect(toMajor(150050, 'NGN')).toBe(1500.5);
    expect(toMajor(1500, 'JPY')).toBe(1500);
    expect(fromMajor(1500.5, 'NGN')).toBe(150050);
    expect(fromMajor(0.1 + 0.2, 'USD')).toBe(30);
    for (let minor = 0; minor < 5000; minor += 7) {
      expect(fromMajor(toMajor(minor, 'USD'), 'USD')).toBe(minor);
    }
  });

  it('formats for people', () => {
    expect(formatMoney(123456, 'usd')).toBe('1,234.56 USD');
    expect(formatMoney(1500, 'JPY')).toBe('1,500 JPY');
  });
});
