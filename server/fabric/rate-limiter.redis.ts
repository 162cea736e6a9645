import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RateLimiter, RateLimitOptions } from '../ports';
import type { Redis } from './redis';

/**
 * Sliding-window log in a sorted set, atomic in one script. Time is Redis's own clock, so
 * nodes with skewed clocks still agree on the window.
 */
const HIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, now .. '-' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, 0, tonumber(oldest[2]) + window - now}
`;

const COUNT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')
`;

export function createRedisRateLimiter(
  redis: Redis,
  prefix: string,
  options: RateLimitOptions,
  log: Logger,
): RateLimiter {
  const keyOf = (key: string) => `${prefix}rl:${options.name}:${key}`;
  return {
    async hit(key) {
      try {
        const [allowed, remaining, retryAfterMs] = (await redis.eval(HIT_SCRIPT, {
          keys: [keyOf(key)],
          arguments: [String(options.windowMs), String(options.limit), randomUUID()],
        })) as [number, number, number];
        return { allowed: allowed === 1, remaining, retryAfterMs: Math.max(0, retryAfterMs) };
      } catch (err) {
        // Fail open: losing Redis must not take the API down with it (docs/architecture.md,
        // "Topology").
        log.warn(
          { event: 'rate_limit.degraded', limiter: options.name, err },
          'rate limiter unavailable',
        );
        return { allowed: true, remaining: options.limit, retryAfterMs: 0 };
      }
    },
    async count(key) {
      try {
        return (await redis.eval(COUNT_SCRIPT, {
          keys: [keyOf(key)],
          arguments: [String(options.windowMs)],
        })) as number;
      } catch (err) {
        log.warn(
          { event: 'rate_limit.degraded', limiter: options.name, err },
          'rate limiter unavailable',
        );
        return 0;
      }
    },
    async reset(key) {
      try {
        await redis.del(keyOf(key));
      } catch (err) {
        log.warn(
          { event: 'rate_limit.degraded', limiter: options.name, err },
          'rate limiter reset failed',
        );
      }
    },
  };
}
