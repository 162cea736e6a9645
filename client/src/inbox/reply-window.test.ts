import { describe, expect, it } from 'vitest';
import { formatRemaining, nextWindowCheck, replyWindow, REPLY_WINDOW_MS } from './reply-window';

const inbound = '2026-11-01T10:00:00.000Z';
const t0 = Date.parse(inbound);

describe("Meta's 24-hour reply window", () => {
  it('is open for 24 hours after the last inbound message', () => {
    const w = replyWindow(inbound, t0 + 60_000);
    expect(w).toEqual({
      open: true,
      closesAt: t0 + REPLY_WINDOW_MS,
      remainingMs: REPLY_WINDOW_MS - 60_000,
    });
  });

  it('closes exactly at 24 hours', () => {
    expect(replyWindow(inbound, t0 + REPLY_WINDOW_MS - 1).open).toBe(true);
    expect(replyWindow(inbound, t0 + REPLY_WINDOW_MS)).toEqual({
      open: false,
      reason: 'expired',
      closedAt: t0 + REPLY_WINDOW_MS,
    });
  });

  it('is closed when the customer never wrote', () => {
    expect(replyWindow(null, t0)).toEqual({ open: false, reason: 'never', closedAt: null });
    expect(replyWindow('garbage', t0)).toMatchObject({ open: false, reason: 'never' });
  });

  it('counts down for the hint and says when to look again', () => {
    expect(formatRemaining(3 * 3600_000 + 12 * 60_000 + 5000)).toBe('3h 12m left to reply');
    expect(formatRemaining(14 * 60_000)).toBe('14m left to reply');
    expect(formatRemaining(10_000)).toBe('Less than a minute left to reply');
    expect(nextWindowCheck(replyWindow(inbound, t0 + REPLY_WINDOW_MS - 5000))).toBe(5000);
    expect(nextWindowCheck(replyWindow(inbound, t0))).toBe(60_000);
    expect(nextWindowCheck(replyWindow(null, t0))).toBeNull();
  });
});
