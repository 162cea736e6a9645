/**
 * Meta's customer service window: a business may send free-form messages for 24 hours after the
 * customer's last message (WhatsApp, Messenger and Instagram alike). Outside it the channel
 * refuses the reply, so the composer says so instead of letting the message fail.
 */
export const REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

export type ReplyWindow =
  | { open: true; closesAt: number; remainingMs: number }
  | { open: false; reason: 'never' | 'expired'; closedAt: number | null };

export function replyWindow(lastInboundAt: string | null, now: number): ReplyWindow {
  if (!lastInboundAt) return { open: false, reason: 'never', closedAt: null };
  const from = Date.parse(lastInboundAt);
  if (Number.isNaN(from)) return { open: false, reason: 'never', closedAt: null };
  const closesAt = from + REPLY_WINDOW_MS;
  if (now >= closesAt) return { open: false, reason: 'expired', closedAt: closesAt };
  return { open: true, closesAt, remainingMs: closesAt - now };
}

/** `"3h 12m left"`, `"14m left"`; for the hint under the composer. */
export function formatRemaining(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  if (hours > 0) return `${hours}h ${minutes % 60}m left to reply`;
  if (minutes > 0) return `${minutes}m left to reply`;
  return 'Less than a minute left to reply';
}

/** When the window should next be re-checked (its close, or a minute for the countdown). */
export function nextWindowCheck(window: ReplyWindow): number | null {
  if (!window.open) return null;
  return Math.min(window.remainingMs, 60_000);
}
