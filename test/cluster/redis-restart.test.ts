import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBusiness } from '../helpers/auth';
import { findBinary } from '../helpers/binaries';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { request } from '../helpers/http';
import { startPrivateRedis, type PrivateRedis } from '../helpers/private-redis';
import { waitUntil } from '../helpers/seed';
import { IN_CI, requireServices } from '../helpers/services';
import { spawnNode, type SpawnedNode } from '../helpers/spawn-node';
import { TEST_SECRETS } from '../helpers/test-node';
import { postMetaText } from '../helpers/meta';

/**
 * A Redis crash and restart (keys lost) delays work, never stops it. Regression: socket.io's
 * streams adapter re-polled at once on every failed read, our fail-fast clients failed every
 * read while reconnecting, and the loop of rejected promises starved the event loop: the node
 * stopped answering and applying anything (found by `bench:failover`).
 */
const SUITE = 'a node through a Redis restart';
const haveServer = Boolean(findBinary('redis-server'));
if (!haveServer && IN_CI) throw new Error(`${SUITE}: redis-server is required under CI`);
const haveServices = haveServer && (await requireServices(SUITE, 'postgres'));

describe.skipIf(!haveServices)(SUITE, () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  let redis: PrivateRedis;
  let node: SpawnedNode;
  const pageId = `restart-page-${randomUUID()}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startPrivateRedis();
    node = await spawnNode({
      NODE_ENV: 'test',
      NODE_ID: 'restart-a',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DEMO: '0',
      BCRYPT_COST: '4',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redis.url,
      REDIS_PREFIX: `restart-${randomBytes(3).toString('hex')}:`,
      ...TEST_SECRETS,
    });
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
  }, 120_000);

  afterAll(async () => {
    await node?.[Symbol.asyncDispose]();
    await redis?.stop();
    await sql?.end();
    await database?.drop();
  });

  async function customerSays(from: string, text: string) {
    const res = await postMetaText(node.url, {
      channel: 'messenger',
      pageOrPhoneId: pageId,
      from,
      text,
    });
    expect(res.status).toBe(200);
  }
  const applied = async (text: string) =>
    (await sql`select 1 from messages where text = ${text} and direction = 'in'`).length === 1;

  it('keeps answering and applying events after Redis is killed and restarted', async () => {
    const shop = await registerBusiness(node.url, 'Restart shop');
    await sql`insert into integrations (business_id, channel, external_id, access_token_enc)
              values (${shop.business.id}, 'messenger', ${pageId}, 'unused')`;
    const from = `psid-${randomUUID()}`;
    await customerSays(from, 'before the restart');
    await waitUntil(
      async () => ((await applied('before the restart')) ? true : null),
      'before',
      15_000,
    );

    await redis.restart();
    // The webhook is stored in PostgreSQL whatever Redis does; the owner's sweep applies it.
    await customerSays(from, 'after the restart');
    await waitUntil(
      async () => ((await applied('after the restart')) ? true : null),
      'after',
      20_000,
    );
    // And the node still answers: its event loop is not starved.
    for (let i = 0; i < 5; i++) {
      const health = await request(node.url, '/healthz');
      expect(health.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
    }
    await customerSays(from, 'a while later');
    await waitUntil(async () => ((await applied('a while later')) ? true : null), 'later', 20_000);
  }, 90_000);
});
