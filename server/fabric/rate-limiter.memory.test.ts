import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './rate-limiter.memory';

describe('createMemoryRateLimiter', () => {
  it('slides the window instead of resetting it on a boundary', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ name: 't', limit: 3, windowMs: 1000 }, () => now);
    for (const t of [0, 400, 800]) {
      now = t;
      expect((await limiter.hit('ip')).allowed).toBe(true);
    }
    now = 999;
    expect(await limiter.hit('ip')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1 });
    now = 1000; // the hit at 0 has left the window
    expect((await limiter.hit('ip')).allowed).toBe(true);
    expect((await limiter.hit('ip')).allowed).toBe(false);
  });

  it('keeps keys apart and forgets one on reset', async () => {
    const limiter = createMemoryRateLimiter({ name: 't', limit: 1, windowMs: 60_000 });
    expect((await limiter.hit('a')).allowed).toBe(true);
    expect((await limiter.hit('b')).allowed).toBe(true);
    expect((await limiter.hit('a')).allowed).toBe(false);
    await limiter.reset('a');
    expect((await limiter.hit('a')).allowed).toBe(true);
  });
});
