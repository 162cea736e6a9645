import { beforeAll, expect, it } from 'vitest';
import { request } from '../helpers/http';
import { describeModes } from '../helpers/modes';

async function burst(url: string, count: number, headers: Record<string, string> = {}) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++)
    statuses.push((await request(url, '/api/nothing-here', { headers })).status);
  return statuses;
}

describeModes('per-IP rate limit', (cluster) => {
  beforeAll(async () => {});
  // Every test is the same client (127.0.0.1); in full mode each gets its own Redis counters.
  const ownCounters = (name: string) => ({ REDIS_PREFIX: `${cluster.redisPrefix}${name}:` });

  it('answers the 101st request in a minute with 429 and Retry-After; probes stay open', async () => {
    const node = await cluster.start({ RATE_LIMIT_PER_MINUTE: '100', ...ownCounters('first') });
    const statuses = await burst(node.url, 100);
    expect(new Set(statuses)).toEqual(new Set([404]));

    const limited = await request(node.url, '/api/nothing-here');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await request(node.url, '/healthz')).status).toBe(200);
    const metrics = await request<string>(node.url, '/metrics');
    expect(metrics.text).toMatch(/parley_rate_limited_total\{[^}]*\} 1/);
    await node.shutdown();
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const behindProxy = await cluster.start({
      RATE_LIMIT_PER_MINUTE: '3',
      TRUSTED_PROXIES: '127.0.0.1',
      ...ownCounters('proxy'),
    });
    const a = { 'x-forwarded-for': '198.51.100.9, 203.0.113.7' };
    expect(await burst(behindProxy.url, 4, a)).toEqual([404, 404, 404, 429]);
    // Another client behind the same proxy has its own budget.
    expect(await burst(behindProxy.url, 1, { 'x-forwarded-for': '203.0.113.8' })).toEqual([404]);
    await behindProxy.shutdown();

    // Without trust, the header is the client's own claim: rotating it buys nothing.
    const direct = await cluster.start({ RATE_LIMIT_PER_MINUTE: '3', ...ownCounters('direct') });
    const spoofed: number[] = [];
    for (let i = 0; i < 4; i++) {
      spoofed.push(...(await burst(direct.url, 1, { 'x-forwarded-for': `203.0.113.${20 + i}` })));
    }
    expect(spoofed).toEqual([404, 404, 404, 429]);
    await direct.shutdown();
  });

  it.runIf(cluster.mode === 'full')(
    'counts one client across two nodes sharing Redis',
    async () => {
      const limits = { RATE_LIMIT_PER_MINUTE: '100', ...ownCounters('shared') };
      const [a, b] = await Promise.all([cluster.start(limits), cluster.start(limits)]);
      const statuses = [...(await burst(a!.url, 60)), ...(await burst(b!.url, 40))];
      expect(new Set(statuses)).toEqual(new Set([404]));
      expect((await request(a!.url, '/api/nothing-here')).status).toBe(429);
      expect((await request(b!.url, '/api/nothing-here')).status).toBe(429);
    },
  );
});
