import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryFabric, createRedisFabric } from '../../server/fabric/fabric';
import { connectRedis } from '../../server/fabric/redis';
import type { Fabric } from '../../server/ports';
import { requireServices, TEST_REDIS_URL } from '../helpers/services';

const haveRedis = await requireServices('rate-limiter contract [redis]', 'redis');
const log = pino({ level: 'silent' });

const implementations: { name: string; enabled: boolean; make: () => Promise<Fabric> }[] = [
  { name: 'memory', enabled: true, make: async () => createMemoryFabric() },
  {
    name: 'redis',
    enabled: haveRedis,
    make: async () =>
      createRedisFabric(
        await connectRedis(TEST_REDIS_URL, log),
        `parley-test:${randomBytes(4).toString('hex')}:`,
        log,
      ),
  },
];

for (const impl of implementations) {
  describe.skipIf(!impl.enabled)(`RateLimiter contract [${impl.name}]`, () => {
    const fabrics: Fabric[] = [];
    const make = async () => {
      const f = await impl.make();
      fabrics.push(f);
      return f;
    };
    afterAll(async () => {
      await Promise.all(fabrics.map((f) => f.close()));
    });

    it('allows exactly `limit` hits per window and reports what is left', async () => {
      const limiter = (await make()).rateLimiter({ name: 'c1', limit: 3, windowMs: 60_000 });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await limiter.hit('k'));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
      expect(results[3]!.retryAfterMs).toBeGreaterThan(59_000);
      expect(results[3]!.retryAfterMs).toBeLessThanOrEqual(60_000);
    });

    it('lets hits back in once the window slides past them', async () => {
      const limiter = (await make()).rateLimiter({ name: 'c2', limit: 2, windowMs: 300 });
      expect((await limiter.hit('k')).allowed).toBe(true);
      expect((await limiter.hit('k')).allowed).toBe(true);
      const refused = await limiter.hit('k');
      expect(refused.allowed).toBe(false);
      await new Promise((r) => setTimeout(r, refused.retryAfterMs + 20));
      expect((await limiter.hit('k')).allowed).toBe(true);
    });

    it('counts concurrent hits without losing any', async () => {
      const limiter = (await make()).rateLimiter({ name: 'c3', limit: 50, windowMs: 60_000 });
      const results = await Promise.all(Array.from({ length: 80 }, () => limiter.hit('k')));
      expect(results.filter((r) => r.allowed)).toHaveLength(50);
    });

    it('separates names and keys, and resets a key', async () => {
      const fabric = await make();
      const a = fabric.rateLimiter({ name: 'c4a', limit: 1, windowMs: 60_000 });
      const b = fabric.rateLimiter({ name: 'c4b', limit: 1, windowMs: 60_000 });
      expect((await a.hit('k')).allowed).toBe(true);
      expect((await b.hit('k')).allowed).toBe(true);
      expect((await a.hit('other')).allowed).toBe(true);
      expect((await a.hit('k')).allowed).toBe(false);
      await a.reset('k');
      expect((await a.hit('k')).allowed).toBe(true);
    });

    it('counts the hits in the window without adding one', async () => {
      const limiter = (await make()).rateLimiter({ name: 'c5', limit: 3, windowMs: 300 });
      expect(await limiter.count('k')).toBe(0);
      await limiter.hit('k');
      await limiter.hit('k');
      expect(await limiter.count('k')).toBe(2);
      expect(await limiter.count('k')).toBe(2);
      await limiter.hit('k');
      await limiter.hit('k');
      // Refused hits are not recorded.
      expect(await limiter.count('k')).toBe(3);
      await new Promise((r) => setTimeout(r, 350));
      expect(await limiter.count('k')).toBe(0);
    });
  });
}
