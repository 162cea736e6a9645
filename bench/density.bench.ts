import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type postgres from 'postgres';
import { listConversationItems } from '../server/conversations/conversation-items.pg';
import { createPasswords } from '../server/auth/passwords';
import { openDatabase } from '../server/persistence/db';
import { shardOf } from '../server/runtime/shards';
import { startFakeMetaGraph } from '../test/fakes/meta-graph.fake';
import { createTestDatabase } from '../test/helpers/databases';
import { TEST_REDIS_URL } from '../test/helpers/services';
import { TEST_SECRETS } from '../test/helpers/test-node';
import pg from 'postgres';
import { seedChannels, signedMessage } from './lib/channels';
import { onCleanup, runPart } from './lib/cleanup';
import { startDensityNode, type DensityNode, type Memory } from './lib/density-node';
import { machine, PHONE_ID, progress, until, writeResult } from './lib/harness';
import { round1, table, type PartResult } from './lib/result';
import { connectSockets, hasSocketServer } from './lib/socket-clients';

/**
 * Density: memory per conversation actor in one node's executor cache, memory per idle
 * socket.io websocket, and the time to page 100,000 stored conversations through the inbox
 * list.
 *
 *   npm run bench:density [-- --quick] [--actors 10000 --sockets 1000 --conversations 100000]
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    actors: { type: 'string' },
    sockets: { type: 'string' },
    conversations: { type: 'string' },
    'page-size': { type: 'string' },
  },
});
const QUICK = values.quick;
// The executor keeps at most 10,000 conversations (runtime.ts cacheSize); more would measure evictions.
const ACTORS = Math.min(10_000, Number(values.actors ?? (QUICK ? 2000 : 10_000)));
const WARM = Math.min(500, Math.floor(ACTORS / 4));
const SOCKETS = Number(values.sockets ?? (QUICK ? 200 : 1000));
const CONVERSATIONS = Number(values.conversations ?? (QUICK ? 20_000 : 100_000));
const PAGE_SIZE = Number(values['page-size'] ?? 50);
const MiB = 2 ** 20;

async function main() {
  const host = machine();
  process.stdout.write(
    `density benchmark on ${host.cpus} × ${host.cpuModel}, load ${host.loadAverage.join(' ')}${QUICK ? ' (quick)' : ''}\n`,
  );
  const database = await createTestDatabase();
  onCleanup(() => database.drop());
  const graph = await startFakeMetaGraph();
  onCleanup(() => graph.close());
  const node = await startDensityNode({
    NODE_ENV: 'test',
    NODE_ID: 'd1',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DEMO: '0',
    BCRYPT_COST: '4',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '8',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `bench-density-${randomUUID().slice(0, 6)}:`,
    RATE_LIMIT_PER_MINUTE: '1000000',
    META_GRAPH_URL: graph.url,
    ...TEST_SECRETS,
  });
  onCleanup(() => node.kill());
  const sql = pg(database.url, { max: 4, onnotice: () => {} });
  onCleanup(() => sql.end());
  const [business] = await sql<{ id: string }[]>`
    insert into businesses (name) values ('Density shop') returning id`;
  const businessId = business!.id;
  await sql`insert into integrations (business_id, channel, external_id, access_token_enc)
            values (${businessId}, 'whatsapp', ${PHONE_ID}, 'unused')`;
  await seedChannels(sql, businessId);
  progress('node up');

  const actors = await measureActors(sql, node, businessId);
  progress(`actors: ${actors.perActor.heapBytes} B heap, ${actors.perActor.rssBytes} B RSS each`);
  const sockets = await measureSockets(node);
  progress(
    `sockets: ${sockets.skipped ? `skipped (${sockets.note})` : `${sockets.perSocket?.rssBytes} B RSS each`}`,
  );
  await seedPagingConversations(sql, businessId);
  const paging = (await hasListRoute(node.url))
    ? await pageThroughRoute(sql, node.url, businessId)
    : await pageThroughReader(database.url, businessId);
  await node.kill();
  progress(`paging: ${paging.conversations} conversations in ${paging.totalMs} ms`);

  const result: PartResult & Record<string, unknown> = {
    benchmark: 'density',
    at: new Date().toISOString(),
    quick: QUICK,
    machine: host,
    settings: {
      actors: ACTORS,
      warmActors: WARM,
      sockets: SOCKETS,
      conversations: CONVERSATIONS,
      pageSize: PAGE_SIZE,
    },
    actors,
    sockets,
    paging,
    markdown: [
      ...table(
        ['figure', 'value'],
        [
          [
            `memory per conversation actor in the executor cache (${actors.measured} actors, after GC)`,
            `${kib(actors.perActor.heapBytes)} KiB heap, ${kib(actors.perActor.rssBytes)} KiB RSS (snapshot JSON ${actors.snapshotJsonBytes} B)`,
          ],
          [
            `node memory with ${actors.after.cached} cached actors`,
            `${mib(actors.after.heapUsed)} MiB heap, ${mib(actors.after.rss)} MiB RSS (from ${mib(actors.before.heapUsed)} / ${mib(actors.before.rss)} with ${actors.before.cached})`,
          ],
          [
            'memory per idle socket.io websocket',
            sockets.skipped
              ? `skipped: ${sockets.note}`
              : `${kib(sockets.perSocket!.heapBytes)} KiB heap, ${kib(sockets.perSocket!.rssBytes)} KiB RSS (${sockets.connected} sockets)`,
          ],
          [
            `page ${paging.conversations} stored conversations through the inbox list, ${PAGE_SIZE} per page (${paging.via})`,
            `${paging.totalMs} ms total, ${paging.pages} pages, p50 ${paging.pageMs.p50} / p99 ${paging.pageMs.p99} / max ${paging.pageMs.max} ms per page; first tenth of the pages ${paging.pageMs.firstTenthMs} ms, last tenth ${paging.pageMs.lastTenthMs} ms on average`,
          ],
        ],
      ),
    ],
    caveats: [
      'RSS moves with what the allocator returns to the system after the forced collections (it can even shrink); the heap figure is the one to compare.',
      'Actor memory is the growth of one node process between two measurements (two forced full GCs each) divided by the growth of its executor cache; it includes the per-conversation bookkeeping around the cached snapshot (shard map, mailbox entries).',
      'Cached snapshots are real ones: every seeded conversation carries the snapshot of a conversation that took a customer message and the offline bot’s reply; an actor with a long history or a checkout in progress is larger.',
      ...(sockets.skipped ? [`Sockets: ${sockets.note}`] : []),
      `Paging uses ${paging.via}.`,
    ],
    reproduce: `npm run bench:density -- --actors ${ACTORS} --sockets ${SOCKETS} --conversations ${CONVERSATIONS}`,
  };
  process.stdout.write(`results: ${writeResult('density', result)}\n`);
}

/** Seeds `ACTORS` conversations with a real snapshot, then has the node load them all. */
async function measureActors(sql: postgres.Sql, node: DensityNode, businessId: string) {
  // One real conversation: a customer message and the offline bot's reply.
  const first = signedMessage(0, 'hello, do you have mugs?');
  const res = await fetch(`${node.url}/api/webhooks/meta`, {
    method: 'POST',
    body: first.body,
    headers: first.headers,
  });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  await until(
    async () => (await sql`select 1 from event_log where type = 'ai.replied'`).length > 0,
    60_000,
  );
  const [real] = await sql<{ snapshot: string; version: number; state: string }[]>`
    select snapshot::text as snapshot, version::int as version, state from conversations limit 1`;
  const seeded = await seedConversations(sql, businessId, ACTORS, real!);
  const load = async (ids: string[]) => {
    // A projection-only event (a reaction): the node loads the conversation into its cache and
    // commits, but the machine takes no step and no effect job runs.
    await sql`
      insert into inbox (business_id, conversation_id, shard, source, source_event_id, type, payload)
      select ${businessId}, c.id, c.shard, 'meta', 'density:' || c.id, 'message.reaction',
             '{"providerMessageId":"none","action":"react","emoji":"+"}'::jsonb
        from conversations c where c.id = any(${ids}::uuid[])`;
    await until(
      async () =>
        (
          await sql`select count(*)::int as n from inbox where processed_at is null and not dead_letter`
        )[0]!.n === 0,
      600_000,
    );
  };
  await load(seeded.slice(0, WARM));
  await settle();
  const before = await node.measure();
  await load(seeded.slice(WARM));
  await settle();
  const after = await node.measure();
  const measured = after.cached - before.cached;
  return {
    measured,
    /** The seeded snapshot as JSON text, for scale. */
    snapshotJsonBytes: Buffer.byteLength(real!.snapshot),
    before,
    after,
    perActor: {
      heapBytes: Math.round((after.heapUsed - before.heapUsed) / Math.max(1, measured)),
      rssBytes: Math.round((after.rss - before.rss) / Math.max(1, measured)),
    },
  };
}

/** Conversations (and contacts) of the business in one statement each; returns their ids. */
async function seedConversations(
  sql: postgres.Sql,
  businessId: string,
  count: number,
  real: { snapshot: string; version: number; state: string },
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await sql`
    insert into contacts (business_id, channel, external_id, name)
    select ${businessId}, 'whatsapp', 'density-' || n, 'Customer ' || n from generate_series(1, ${count}) n`;
  await sql`
    insert into conversations (id, business_id, contact_id, channel, shard, state, snapshot, version, last_message_preview, last_message_at)
    select c.id, ${businessId}, k.id, 'whatsapp', c.shard, ${real.state}, ${real.snapshot}::text::jsonb, ${real.version},
           'hello, do you have mugs?', now()
      from unnest(${ids}::uuid[], ${ids.map(shardOf)}::int[]) with ordinality as c(id, shard, n)
      join contacts k on k.business_id = ${businessId} and k.external_id = 'density-' || c.n`;
  return ids;
}

/** Lets timers, the sweep and pg-boss go quiet before a measurement. */
const settle = () => new Promise((r) => setTimeout(r, 2000));

async function measureSockets(node: DensityNode): Promise<{
  skipped: boolean;
  note: string;
  connected?: number;
  before?: Memory;
  after?: Memory;
  perSocket?: { heapBytes: number; rssBytes: number };
}> {
  if (!(await hasSocketServer(node.url))) {
    return {
      skipped: true,
      note: 'this node serves no socket.io yet (GET /socket.io/ answers 404; the realtime server is on another branch). The measurement turns itself on once /socket.io answers: bench/lib/socket-clients.ts connects the sockets with an owner token from POST /api/auth/register.',
    };
  }
  const reg = await fetch(`${node.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      businessName: 'Density sockets',
      email: `density-${randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery staple',
      name: 'Owner',
    }),
  });
  const { accessToken } = (await reg.json()) as { accessToken: string };
  const before = await node.measure();
  const clients = await connectSockets(node.url, accessToken, SOCKETS);
  await settle();
  const after = await node.measure();
  await clients.close();
  const n = Math.max(1, clients.connected);
  return {
    skipped: false,
    note: '',
    connected: clients.connected,
    before,
    after,
    perSocket: {
      heapBytes: Math.round((after.heapUsed - before.heapUsed) / n),
      rssBytes: Math.round((after.rss - before.rss) / n),
    },
  };
}

/** Stores conversations (with contacts) until the business has `CONVERSATIONS` of them. */
async function seedPagingConversations(sql: postgres.Sql, businessId: string): Promise<void> {
  const existing = (await sql<{ n: number }[]>`select count(*)::int as n from conversations`)[0]!.n;
  const extra = Math.max(0, CONVERSATIONS - existing);
  await sql`
    insert into contacts (business_id, channel, external_id, name)
    select ${businessId}, (array['whatsapp','instagram','messenger'])[1 + n % 3]::text, 'page-' || n, 'Customer ' || n
      from generate_series(1, ${extra}) n`;
  await sql`
    insert into conversations (business_id, contact_id, channel, shard, state, last_message_preview, last_message_at, updated_at)
    select k.business_id, k.id, k.channel, (random() * 255)::int, 'bot', 'hello', now(),
           now() - random() * interval '30 days'
      from contacts k where k.business_id = ${businessId} and k.external_id like 'page-%'`;
  await sql`analyze conversations; analyze contacts`.simple();
}

/** `GET /api/conversations` is served (401 without a token) rather than unknown (404). */
async function hasListRoute(url: string): Promise<boolean> {
  const res = await fetch(`${url}/api/conversations`);
  await res.arrayBuffer();
  return res.status !== 404;
}

type Page = { items: unknown[]; nextCursor: string | null };

/** Pages newest first until the cursor runs out; times every page. */
async function pageAll(via: string, fetchPage: (cursor: string | undefined) => Promise<Page>) {
  const pageMs: number[] = [];
  let cursor: string | undefined;
  let seen = 0;
  const started = performance.now();
  do {
    const t = performance.now();
    const page = await fetchPage(cursor);
    pageMs.push(performance.now() - t);
    seen += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const totalMs = Math.round(performance.now() - started);
  // In fetch order: if late pages cost more than early ones, the cursor is not using the index.
  const tenth = Math.max(1, Math.floor(pageMs.length / 10));
  const mean = (xs: number[]) => round1(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  const firstVsLast = {
    firstTenthMs: mean(pageMs.slice(0, tenth)),
    lastTenthMs: mean(pageMs.slice(-tenth)),
  };
  pageMs.sort((a, b) => a - b);
  const at = (p: number) =>
    round1(pageMs[Math.min(pageMs.length - 1, Math.floor((p / 100) * pageMs.length))] ?? 0);
  return {
    via,
    conversations: seen,
    pages: pageMs.length,
    totalMs,
    pageMs: { p50: at(50), p99: at(99), max: round1(pageMs.at(-1) ?? 0), ...firstVsLast },
  };
}

async function pageThroughReader(databaseUrl: string, businessId: string) {
  const database = await openDatabase(
    { kind: 'postgres', url: databaseUrl, poolSize: 2 },
    'bench-density',
  );
  try {
    const userId = randomUUID();
    return await pageAll(
      'the reader listConversationItems (server/conversations/conversation-items.pg.ts); GET /api/conversations is not served on this branch',
      (cursor) =>
        listConversationItems(database.db, businessId, userId, {
          limit: PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        }),
    );
  } finally {
    await database.close();
  }
}

/** Through the REST route, as the dashboard does, signed in as an owner of the business. */
async function pageThroughRoute(sql: postgres.Sql, url: string, businessId: string) {
  const email = `density-owner-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'correct horse battery staple';
  const hash = await createPasswords(4).hash(password);
  const [user] = await sql<{ id: string }[]>`
    insert into users (email, name, password_hash) values (${email}, 'Owner', ${hash}) returning id`;
  await sql`insert into memberships (business_id, user_id, role) values (${businessId}, ${user!.id}, 'owner')`;
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  return pageAll('the REST route GET /api/conversations', async (cursor) => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) });
    const res = await fetch(`${url}/api/conversations?${query}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (res.status !== 200) throw new Error(`GET /api/conversations answered ${res.status}`);
    return (await res.json()) as Page;
  });
}

const kib = (b: number) => round1(b / 1024);
const mib = (b: number) => round1(b / MiB);

runPart(main);
