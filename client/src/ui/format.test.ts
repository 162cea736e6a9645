import { describe, expect, it } from 'vitest';
import {
  currencyDigits,
  formatDuration,
  formatMoney,
  formatPercent,
  formatRelative,
  fromMinorUnits,
  humanizeKey,
  toMinorUnits,
} from './format';

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

describe('times and ratios', () => {
  const now = Date.parse('2026-11-10T12:00:00.000Z');
  it('writes compact relative times', () => {
    expect(formatRelative('2026-11-10T11:59:50.000Z', now)).toBe('now');
    expect(formatRelative('2026-11-10T11:55:00.000Z', now)).toBe('5m');
    expect(formatRelative('2026-11-10T09:00:00.000Z', now)).toBe('3h');
    expect(formatRelative('2026-11-08T12:00:00.000Z', now)).toBe('2d');
    expect(formatRelative('2026-10-01T12:00:00.000Z', now, 'en-US')).toBe('Oct 1');
    expect(formatRelative('nope', now)).toBe('');
  });

  it('writes durations and percentages', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(125_000)).toBe('2m 5s');
    expect(formatDuration(3 * 3600_000 + 60_000)).toBe('3h 1m');
    expect(formatDuration(null)).toBe('—');
    expect(formatPercent(0.1234)).toBe('12%');
    expect(formatPercent(0.05)).toBe('5.0%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(null)).toBe('—');
  });

  it('formats money per currency', () => {
    expect(formatMoney(1250, 'USD', 'en-US')).toBe('$12.50');
    expect(formatMoney(500, 'JPY', 'en-US')).toBe('¥500');
  });
});
