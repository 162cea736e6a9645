import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedEntry, PresenceUpdated } from '../../shared/realtime.events';
import { addMember, login, registerBusiness } from '../helpers/auth';
import { request } from '../helpers/http';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { connectFeed, connectSocket, type DashboardSocket } from '../helpers/realtime';
import { waitUntil } from '../helpers/seed';
import { requireServices, TEST_REDIS_URL } from '../helpers/services';
import { spawnNode, type SpawnedNode } from '../helpers/spawn-node';
import { TEST_SECRETS } from '../helpers/test-node';
import { postMetaText } from '../helpers/meta';

/**
 * Guarantee 8 (docs/architecture.md, "Guarantees") across processes: two nodes on one PostgreSQL
 * and one Redis. Webhooks go to node B; a dashboard on node A sees every conversation change,
 * through the Redis Streams adapter for whatever B's shards commit, in one consecutive per-business
 * seq order.
 */

const haveServices = await requireServices('realtime cross-node', 'postgres', 'redis');
const PAGE_ID = `xnode-page-${randomUUID()}`;
const CONVERSATIONS = 12;
const MESSAGES_EACH = 3;

describe.skipIf(!haveServices)('realtime across two node processes', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  let nodeA: SpawnedNode;
  let nodeB: SpawnedNode;
  let socket: DashboardSocket | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    const prefix = `xnode-${randomBytes(3).toString('hex')}:`;
    const env = (id: string) => ({
      NODE_ENV: 'test',
      NODE_ID: id,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DEMO: '0',
      BCRYPT_COST: '4',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LEASE_TTL_MS: '2000',
      LEASE_TICK_MS: '300',
      PRESENCE_TTL_MS: '1500',
      ...TEST_SECRETS,
    });
    nodeA = await spawnNode(env('node-a'));
    nodeB = await spawnNode(env('node-b'));
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    await waitUntil(
      async () =>
        (
          await sql`select count(distinct owner)::int as n from shard_leases where lease_until > now()`
        )[0]!.n === 2,
      'both nodes owning shards',
      20_000,
    );
  }, 120_000);

  afterAll(async () => {
    socket?.close();
    await nodeA?.[Symbol.asyncDispose]();
    await nodeB?.[Symbol.asyncDispose]();
    await sql?.end();
    await database?.drop();
  });

  it('a dashboard on node A receives what node B ingests, in consecutive seq order', async () => {
    const shop = await registerBusiness(nodeA.url, 'Cross-node shop');
    await sql`insert into integrations (business_id, channel, external_id, access_token_enc)
              values (${shop.business.id}, 'messenger', ${PAGE_ID}, 'unused')`;
    const raw = await connectSocket(nodeA.url, shop.accessToken);
    socket = raw.socket;
    expect(raw.hello.nodeId).toBe('node-a');
    const received: FeedEntry[] = [];
    for (const event of [
      'conversation:created',
      'conversation:updated',
      'message:created',
      'message:status',
    ] as const) {
      raw.socket.on(event, (data: FeedEntry['data']) =>
        received.push({ event, data } as FeedEntry),
      );
    }
    const feed = await connectFeed(nodeA.url, () => shop.accessToken);
    const delivered: number[] = [];
    feed.client.on('entry', (e) => delivered.push(e.data.seq));

    const customers = Array.from({ length: CONVERSATIONS }, () => `psid-${randomUUID()}`);
    for (let round = 0; round < MESSAGES_EACH; round++) {
      await Promise.all(
        customers.map(async (from) => {
          const res = await postMetaText(nodeB.url, {
            channel: 'messenger',
            pageOrPhoneId: PAGE_ID,
            from,
            text: `m${round}`,
          });
          expect(res.status).toBe(200);
        }),
      );
    }

    const dbVersions = async () =>
      new Map(
        (
          await sql<{ id: string; version: number }[]>`
            select id, version::int as version from conversations where business_id = ${shop.business.id}`
        ).map((r) => [r.id, r.version]),
      );
    await waitUntil(
      async () => {
        const want = await dbVersions();
        if (want.size !== CONVERSATIONS) return false;
        // A 200 means stored in the inbox; wait until every message is applied too.
        const [inbound] = await sql<{ n: number }[]>`
          select count(*)::int as n from messages
           where business_id = ${shop.business.id} and direction = 'in'`;
        if ((inbound?.n ?? 0) < CONVERSATIONS * MESSAGES_EACH) return false;
        const [counter] = await sql<{ seq: number }[]>`
          select seq::int as seq from feed_counters where business_id = ${shop.business.id}`;
        const seq = counter?.seq ?? 0;
        // A late publisher sends the conversation as it is now, so versions can match before
        // the last messages' entries are out: wait for those too.
        const messagesOut = received.filter((e) => e.event === 'message:created').length;
        return (
          messagesOut >= CONVERSATIONS * MESSAGES_EACH &&
          [...want].every(([id, v]) => feed.conversations.get(id)?.version === v) &&
          feed.client.seq === seq &&
          received.length === seq - raw.hello.seq
        );
      },
      'node A dashboards at the DB versions',
      30_000,
    );

    // The raw socket got every seq exactly once; the feed client applied them in order.
    const seqs = received.map((e) => e.data.seq).sort((a, b) => a - b);
    seqs.forEach((s, i) => expect(s).toBe(raw.hello.seq + 1 + i));
    delivered.forEach((s, i) => i > 0 && expect(s).toBeGreaterThan(delivered[i - 1]!));
    expect(received.filter((e) => e.event === 'conversation:updated').length).toBeGreaterThan(0);
    expect(received.filter((e) => e.event === 'message:created').length).toBeGreaterThanOrEqual(
      CONVERSATIONS * MESSAGES_EACH,
    );

    // Node B committed some of them: those reached node A only through the Redis adapter.
    const owners = await sql<{ owner: string }[]>`
      select distinct l.owner from conversations c join shard_leases l on l.shard = c.shard
       where c.business_id = ${shop.business.id}`;
    expect(owners.map((o) => o.owner)).toContain('node-b');
    feed.close();
  });

  it('a logout on node A closes that session’s socket on node B, and no other', async () => {
    const shop = await registerBusiness(nodeA.url, 'Logout shop');
    const stolen = await login(nodeA.url, shop.email);
    const thief = await connectSocket(nodeB.url, stolen.body.accessToken);
    const owner = await connectSocket(nodeB.url, shop.accessToken);
    expect(thief.hello.nodeId).toBe('node-b');
    const closed = new Promise<string>((resolve) => thief.socket.once('disconnect', resolve));
    const logout = await request(nodeA.url, '/api/auth/logout', {
      json: { refreshToken: stolen.body.refreshToken },
    });
    expect(logout.status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect(owner.socket.connected).toBe(true);
    owner.socket.close();
  });

  // Last: it kills node B.
  it('takes the agents of a node that crashed out of presence on the other nodes', async () => {
    const shop = await registerBusiness(nodeA.url, 'Presence shop');
    const agent = await addMember(nodeA.url, shop.accessToken, 'agent');
    const watcher = await connectSocket(nodeA.url, shop.accessToken);
    const updates: PresenceUpdated[] = [];
    watcher.socket.on('presence:updated', (p) => updates.push(p));
    const online = (p: PresenceUpdated | undefined) =>
      p?.agents.some((a) => a.userId === agent.user.id) ?? false;

    const onB = await connectSocket(nodeB.url, agent.accessToken);
    await waitUntil(async () => online(updates.at(-1)), 'the agent on node B online', 10_000);
    nodeB.kill('SIGKILL');
    await nodeB.exited;
    // No goodbye from node B: node A notices the expired entry on its heartbeat.
    await waitUntil(
      async () => updates.length > 0 && !online(updates.at(-1)),
      'the agent offline on node A',
      15_000,
    );
    onB.socket.close();
    watcher.socket.close();
  });
});
