import type { Logger } from 'pino';
import type { PresenceEntry, PresenceStore } from '../ports';

/**
 * This node's share of presence: how many sockets each agent has here. The first socket of an
 * agent adds them, the last one removes them, a heartbeat keeps them alive in the store. A
 * crashed node's agents expire after the TTL: each heartbeat also prunes the businesses this
 * node has dashboards of, and whoever dropped expired entries reports the change. `onChange`
 * fires after each add, remove or such expiry, so the business room gets `presence:updated`.
 */
export interface PresenceTracker {
  join(businessId: string, entry: PresenceEntry): void;
  leave(businessId: string, entry: PresenceEntry): void;
  stop(): Promise<void>;
}

export function createPresenceTracker(deps: {
  store: PresenceStore;
  ttlMs: number;
  log: Logger;
  onChange(businessId: string): void;
}): PresenceTracker {
  const { store, ttlMs, log } = deps;
  const local = new Map<string, Map<string, { entry: PresenceEntry; sockets: number }>>();
  const failed = (err: unknown) =>
    log.warn({ event: 'realtime.presence_failed', err }, 'presence update failed');

  const heartbeat = setInterval(
    () => {
      for (const [businessId, agents] of local) {
        const entries = [...agents.values()].map((a) => a.entry);
        store.refresh(businessId, entries, ttlMs).catch(failed);
        store.prune(businessId).then((dropped) => {
          if (dropped > 0) deps.onChange(businessId);
        }, failed);
      }
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  heartbeat.unref();

  return {
    join(businessId, entry) {
      const agents = local.get(businessId) ?? new Map();
      local.set(businessId, agents);
      const seen = agents.get(entry.userId);
      if (seen) {
        seen.sockets += 1;
        return;
      }
      agents.set(entry.userId, { entry, sockets: 1 });
      store.refresh(businessId, [entry], ttlMs).then(() => deps.onChange(businessId), failed);
    },
    leave(businessId, entry) {
      const agents = local.get(businessId);
      const seen = agents?.get(entry.userId);
      if (!agents || !seen) return;
      seen.sockets -= 1;
      if (seen.sockets > 0) return;
      agents.delete(entry.userId);
      if (agents.size === 0) local.delete(businessId);
      store.remove(businessId, seen.entry).then(() => deps.onChange(businessId), failed);
    },
    async stop() {
      clearInterval(heartbeat);
      const all = [...local].flatMap(([b, agents]) =>
        [...agents.values()].map((a) => store.remove(b, a.entry)),
      );
      local.clear();
      await Promise.allSettled(all);
    },
  };
}
