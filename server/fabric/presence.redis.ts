import type { PresenceEntry, PresenceStore } from '../ports';
import type { Redis } from './redis';

/**
 * One sorted set per business: member = the entry as JSON (node, user, name, role), score =
 * when it expires. Nodes refresh their own members; readers drop expired ones.
 */
export function createRedisPresence(redis: Redis, prefix: string): PresenceStore {
  const keyOf = (businessId: string) => `${prefix}presence:${businessId}`;
  const member = (e: PresenceEntry) =>
    JSON.stringify([e.nodeId, e.userId, e.name, e.role] satisfies unknown[]);
  return {
    async refresh(businessId, entries, ttlMs) {
      if (entries.length === 0) return;
      const until = Date.now() + ttlMs;
      const key = keyOf(businessId);
      await redis
        .multi()
        .zAdd(
          key,
          entries.map((e) => ({ score: until, value: member(e) })),
        )
        .pExpire(key, ttlMs * 2)
        .exec();
    },
    async remove(businessId, entry) {
      await redis.zRem(keyOf(businessId), member(entry));
    },
    async prune(businessId) {
      return redis.zRemRangeByScore(keyOf(businessId), '-inf', Date.now());
    },
    async list(businessId) {
      const key = keyOf(businessId);
      await redis.zRemRangeByScore(key, '-inf', Date.now());
      const members = await redis.zRange(key, 0, -1);
      const agents = new Map<string, Omit<PresenceEntry, 'nodeId'>>();
      for (const raw of members) {
        const [, userId, name, role] = JSON.parse(raw) as [
          string,
          string,
          string | null,
          PresenceEntry['role'],
        ];
        agents.set(userId, { userId, name, role });
      }
      return [...agents.values()];
    },
  };
}
