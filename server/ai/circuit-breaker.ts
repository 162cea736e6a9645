/**
 * Circuit breakers, one per key (provider and business), so a dead provider costs one timeout
 * per cool-down instead of one per message.
 *
 *   closed ──(N consecutive failures)──▶ open ──(cool-down passed: one caller probes)──▶ half_open
 *     ▲                                   ▲                                                │
 *     └────────────── probe succeeded ────┼────────────────────────────────────────────────┤
 *                                         └──────────────── probe failed ──────────────────┘
 *
 * Pure apart from the injected clock. Only keys that have failed are stored, and a success
 * forgets the key, so the map stays as small as the set of currently failing providers.
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker refuses calls before it lets one probe through. */
  cooldownMs: number;
  now?: () => number;
  onTransition?: (key: string, from: BreakerState, to: BreakerState) => void;
}

export interface CircuitBreakers {
  /**
   * Whether a call for `key` may go out now. In half-open state only the first caller after the
   * cool-down gets `true` (the probe); everyone else is refused until the probe reports.
   */
  tryAcquire(key: string): boolean;
  recordSuccess(key: string): void;
  recordFailure(key: string): void;
  state(key: string): BreakerState;
  /** Keys whose breaker is open or half-open. */
  openKeys(): string[];
}

interface Entry {
  state: BreakerState;
  failures: number;
  /** When it opened, or when the probe started (half-open). */
  since: number;
}

export function createCircuitBreakers(options: BreakerOptions): CircuitBreakers {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const move = (key: string, entry: Entry, to: BreakerState) => {
    const from = entry.state;
    entry.state = to;
    entry.since = now();
    if (from !== to) options.onTransition?.(key, from, to);
  };

  return {
    tryAcquire(key) {
      const entry = entries.get(key);
      if (!entry || entry.state === 'closed') return true;
      // A probe that never reported (its caller crashed) must not keep the breaker shut forever.
      if (now() - entry.since < options.cooldownMs) return false;
      move(key, entry, 'half_open');
      return true;
    },
    recordSuccess(key) {
      const entry = entries.get(key);
      if (!entry) return;
      entries.delete(key);
      if (entry.state !== 'closed') options.onTransition?.(key, entry.state, 'closed');
    },
    recordFailure(key) {
      const entry = entries.get(key) ?? { state: 'closed', failures: 0, since: now() };
      entries.set(key, entry);
      entry.failures += 1;
      if (entry.state === 'half_open' || entry.failures >= options.failureThreshold) {
        move(key, entry, 'open');
      }
    },
    state(key) {
      return entries.get(key)?.state ?? 'closed';
    },
    openKeys() {
      return [...entries].filter(([, e]) => e.state !== 'closed').map(([k]) => k);
    },
  };
}
