import { describe, expect, it } from 'vitest';
import { fromMajor, toMajor } from './money';

describe('money', () => {
  it('converts to and from major units without drifting a minor unit', () => {
    expect(toMajor(150050, 'NGN')).toBe(1500.5);
    expect(toMajor(1500, 'JPY')).toBe(1500);
    expect(toMajor(1500, 'KWD')).toBe(1.5);
    expect(fromMajor(1500.5, 'NGN')).toBe(150050);
    expect(fromMajor(1.5, 'KWD')).toBe(1500);
    expect(fromMajor(0.1 + 0.2, 'USD')).toBe(30);
    for (let minor = 0; minor < 5000; minor += 7) {
      expect(fromMajor(toMajor(minor, 'USD'), 'USD')).toBe(minor);
    }
  });
});
