import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AnalyticsSummary } from '../../shared/analytics.schema';
import type { Fabric } from '../ports';
import type { Summarize } from './analytics-summary.pg';

/** A fresh summary for a business (the socket layer sends it as `analytics:updated`). */
export interface AnalyticsPushEvents {
  summary: [businessId: string, summary: AnalyticsSummary];
}

export interface AnalyticsPusherDeps {
  summary: Summarize;
  fabric: Pick<Fabric, 'rateLimiter'>;
  log: Logger;
  /** At most one push per business per this window, across every node. */
  intervalMs?: number;
}

export interface AnalyticsPusher {
  /** Something changed the business's figures (a commit); a push follows, coalesced. */
  touch(businessId: string): void;
  /**
   * Where pushes go: whoever listens (the socket layer, once it is built). With no listener,
   * touches are ignored and nothing is read.
   */
  readonly events: EventEmitter<AnalyticsPushEvents>;
  /** Cancels pending pushes (shutdown). */
  stop(): void;
}

interface Pending {
  /** A change not yet reflected in a push. */
  dirty: boolean;
  running: boolean;
  timer: NodeJS.Timeout | null;
}

/**
 * Coalesces commits into `analytics:updated` pushes, on the trailing edge: the first change
 * waits one window, then one push carries everything committed meanwhile; a change during or
 * after that push is pushed when the window allows again, so the last change is always pushed
 * (at most about a window late). The window is the fabric's rate limiter keyed by business, so it
 * holds across nodes (Redis) as well as on one node; a throttled node retries when the limiter
 * says the window frees up. Nothing here is needed after a restart: the summary is read from
 * the database each time, and a lost pending push is replaced by the next commit's.
 */
export function createAnalyticsPusher(deps: AnalyticsPusherDeps): AnalyticsPusher {
  const windowMs = deps.intervalMs ?? 1000;
  const limiter = deps.fabric.rateLimiter({ name: 'analytics-push', limit: 1, windowMs });
  const pending = new Map<string, Pending>();
  const events = new EventEmitter<AnalyticsPushEvents>();
  const listened = () => events.listenerCount('summary') > 0;
  let stopped = false;

  /** Tries again in `ms`: the window of the first change, or what the limiter says is left. */
  const later = (businessId: string, p: Pending, ms: number) => {
    p.timer = setTimeout(() => {
      p.timer = null;
      void run(businessId, p);
    }, ms);
    p.timer.unref();
  };

  async function run(businessId: string, p: Pending): Promise<void> {
    p.running = true;
    try {
      while (p.dirty && !stopped && listened()) {
        const slot = await limiter.hit(businessId);
        if (!slot.allowed) {
          later(businessId, p, Math.max(10, slot.retryAfterMs));
          return;
        }
        // Cleared before reading, so a commit during the read is pushed by the next round.
        p.dirty = false;
        try {
          events.emit('summary', businessId, await deps.summary(businessId));
        } catch (err) {
          deps.log.warn(
            { event: 'analytics.push_failed', businessId, err },
            'analytics push failed',
          );
        }
      }
    } finally {
      p.running = false;
      if (!p.timer && (!p.dirty || stopped || !listened())) pending.delete(businessId);
    }
  }

  return {
    touch(businessId) {
      if (stopped || !listened()) return;
      let p = pending.get(businessId);
      if (!p) {
        p = { dirty: false, running: false, timer: null };
        pending.set(businessId, p);
      }
      p.dirty = true;
      // Trailing edge: the first change opens a window, and the push at its end carries every
      // change made during it (a burst of commits becomes one push, not a leading one plus one).
      if (!p.running && !p.timer) later(businessId, p, windowMs);
    },
    events,
    stop() {
      stopped = true;
      for (const p of pending.values()) if (p.timer) clearTimeout(p.timer);
      pending.clear();
    },
  };
}
