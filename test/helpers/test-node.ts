import { randomBytes } from 'node:crypto';
import { loadConfig, type Env } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startNode, type RunningNode, type StartOptions } from '../../server/main';
import { createTestDatabase, type TestDatabase } from './databases';
import { TEST_REDIS_URL } from './services';

export type Mode = 'embedded' | 'full';
export const MODES: readonly Mode[] = ['embedded', 'full'];

/** Fixed secrets so tests can sign webhooks and tokens the way providers and clients do. */
export const TEST_SECRETS = {
  JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
  ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  META_APP_SECRET: 'test-meta-app-secret',
  META_VERIFY_TOKEN: 'test-verify-token',
} as const;

/**
 * Nodes of one test file. `full` mode shares one fresh PostgreSQL database and one Redis key
 * prefix between its nodes, like a real deployment; `embedded` nodes each get an in-memory
 * PGlite and the in-process fabric, like `npm start`.
 */
export interface Cluster extends AsyncDisposable {
  readonly mode: Mode;
  readonly database: TestDatabase | null;
  readonly redisPrefix: string;
  /** The environment a node of this cluster runs with (for spawned processes too). */
  env(overrides?: Env): Env;
  start(overrides?: Env, options?: StartOptions): Promise<RunningNode>;
  stopAll(): Promise<void>;
}

export async function createCluster(mode: Mode): Promise<Cluster> {
  const database = mode === 'full' ? await createTestDatabase() : null;
  const redisPrefix = `parley-test:${randomBytes(4).toString('hex')}:`;
  const nodes = new Set<RunningNode>();
  let counter = 0;

  const env = (overrides: Env = {}): Env => ({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO: '0',
    // bcrypt at its minimum cost: the tests exercise the logic, not the work factor.
    BCRYPT_COST: '4',
    // Every test registers its businesses from 127.0.0.1; the limit has a test of its own.
    SIGNUPS_PER_IP_PER_HOUR: '1000000',
    ...TEST_SECRETS,
    ...(mode === 'full'
      ? {
          DATABASE_URL: database?.url,
          DATABASE_POOL_SIZE: '4',
          REDIS_URL: TEST_REDIS_URL,
          REDIS_PREFIX: redisPrefix,
        }
      : { PGLITE_DATA_DIR: 'memory://' }),
    ...overrides,
  });

  const stopAll = async () => {
    await Promise.allSettled([...nodes].map((n) => n.shutdown()));
    nodes.clear();
  };

  return {
    mode,
    database,
    redisPrefix,
    env,
    async start(overrides = {}, options = {}) {
      const config = loadConfig(env({ NODE_ID: `${mode}-${++counter}`, ...overrides }));
      const log = options.log ?? createLogger({ level: config.logLevel, nodeId: config.nodeId });
      const node = await startNode(config, { ...options, log });
      const tracked: RunningNode = {
        ...node,
        async shutdown() {
          nodes.delete(tracked);
          await node.shutdown();
        },
      };
      nodes.add(tracked);
      return tracked;
    },
    stopAll,
    async [Symbol.asyncDispose]() {
      await stopAll();
      await database?.drop();
    },
  };
}
