import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent, formatRelative, humanizeKey } from './format';

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
});
