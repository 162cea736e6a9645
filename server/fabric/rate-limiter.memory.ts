import type { RateLimiter, RateLimitOptions, RateLimitResult } from '../ports';

/** One node's sliding-window log, on the monotonic clock. */
export function createMemoryRateLimiter(
  options: RateLimitOptions,
  now: () => number = () => performance.now(),
): RateLimiter & { size(): number } {
  const hits = new Map<string, number[]>();

  const prune = (log: number[], t: number) => {
    let drop = 0;
    while (drop < log.length && (log[drop] as number) <= t - options.windowMs) drop++;
    if (drop > 0) log.splice(0, drop);
  };

  // Keys of clients that went away would otherwise stay forever.
  const sweeper = setInterval(
    () => {
      const t = now();
      for (const [key, log] of hits) {
        prune(log, t);
        if (log.length === 0) hits.delete(key);
      }
    },
    Math.max(options.windowMs, 1000),
  );
  sweeper.unref();

  return {
    hit(key) {
      const t = now();
      let log = hits.get(key);
      if (!log) hits.set(key, (log = []));
      prune(log, t);
      let result: RateLimitResult;
      if (log.length < options.limit) {
        log.push(t);
        result = { allowed: true, remaining: options.limit - log.length, retryAfterMs: 0 };
      } else {
        const oldest = log[0] as number;
        result = {
          allowed: false,
          remaining: 0,
          retryAfterMs: Math.max(1, oldest + options.windowMs - t),
        };
      }
      return Promise.resolve(result);
    },
    count(key) {
      const log = hits.get(key);
      if (!log) return Promise.resolve(0);
      prune(log, now());
      return Promise.resolve(log.length);
    },
    reset(key) {
      hits.delete(key);
      return Promise.resolve();
    },
    size: () => hits.size,
  };
}
