import type { Logger } from 'pino';
import { createClient } from 'redis';

function createRedisClient(url: string, name: string) {
  return createClient({
    url,
    name,
    disableOfflineQueue: true,
    commandOptions: { timeout: 2000 },
    socket: {
      connectTimeout: 3000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  });
}

export type Redis = ReturnType<typeof createRedisClient>;

/**
 * A node-redis client that fails fast instead of queueing while disconnected: every caller has
 * a fallback (Postgres sweep, fail-open limiter), and a queue would only turn an outage into
 * hung requests.
 */
export async function connectRedis(url: string, log: Logger, name = 'parley'): Promise<Redis> {
  const client = createRedisClient(url, name);
  let down = false;
  client.on('error', (err: unknown) => {
    if (!down) log.warn({ event: 'redis.error', err }, 'redis connection problem');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ event: 'redis.ready' }, 'redis connection restored');
    down = false;
  });
  await client.connect();
  return client;
}
