import type { Logger } from 'pino';
import type { Fabric } from '../ports';
import { createMemoryHintBus } from './hints.memory';
import { createMemoryPresence } from './presence.memory';
import { createRedisPresence } from './presence.redis';
import { createRedisHintBus } from './hints.redis';
import { createMemoryRateLimiter } from './rate-limiter.memory';
import { createRedisRateLimiter } from './rate-limiter.redis';
import type { Redis } from './redis';

/** The embedded default: one node, everything in this process. */
export function createMemoryFabric(): Fabric {
  return {
    kind: 'memory',
    rateLimiter: (options) => createMemoryRateLimiter(options),
    hints: createMemoryHintBus(),
    presence: createMemoryPresence(),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

export function createRedisFabric(redis: Redis, prefix: string, log: Logger): Fabric {
  return {
    kind: 'redis',
    rateLimiter: (options) => createRedisRateLimiter(redis, prefix, options, log),
    hints: createRedisHintBus(redis, prefix, log),
    presence: createRedisPresence(redis, prefix),
    async ping() {
      await redis.ping();
    },
    async close() {
      if (redis.isOpen) await redis.close();
    },
  };
}
