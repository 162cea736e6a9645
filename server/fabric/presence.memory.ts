import type { PresenceEntry, PresenceStore } from '../ports';

/** The embedded default: one process, entries expire by their own clock. */
export function createMemoryPresence(now: () => number = Date.now): PresenceStore {
  const byBusiness = new Map<string, Map<string, { entry: PresenceEntry; until: number }>>();
  const keyOf = (e: PresenceEntry) => `${e.nodeId}\u0000${e.userId}`;
  return {
    refresh(businessId, entries, ttlMs) {
      const map = byBusiness.get(businessId) ?? new Map();
      byBusiness.set(businessId, map);
      for (const entry of entries) map.set(keyOf(entry), { entry, until: now() + ttlMs });
      return Promise.resolve();
    },
    remove(businessId, entry) {
      byBusiness.get(businessId)?.delete(keyOf(entry));
      return Promise.resolve();
    },
    prune(businessId) {
      const map = byBusiness.get(businessId);
      let dropped = 0;
      for (const [key, { until }] of map ?? []) {
        if (until > now()) continue;
        map?.delete(key);
        dropped += 1;
      }
      return Promise.resolve(dropped);
    },
    list(businessId) {
      const map = byBusiness.get(businessId);
      const agents = new Map<string, Omit<PresenceEntry, 'nodeId'>>();
      for (const [key, { entry, until }] of map ?? []) {
        if (until <= now()) map?.delete(key);
        else agents.set(entry.userId, { userId: entry.userId, name: entry.name, role: entry.role });
      }
      return Promise.resolve([...agents.values()]);
    },
  };
}
