import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaTextMessage, newWamid } from '../fakes/meta-payloads';
import { signMetaDelivery } from '../fakes/signing';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { requireServices, TEST_REDIS_URL } from '../helpers/services';
import { spawnNode, type SpawnedNode } from '../helpers/spawn-node';
import { TEST_SECRETS } from '../helpers/test-node';

/**
 * Guarantees 1–3 and 7 (docs/architecture.md, "Guarantees") under chaos, with three real node
 * processes: webhooks are posted to random nodes while one node is `kill -9`ed, another is frozen
 * with SIGSTOP past its lease and resumed, and Redis is flushed. Afterwards every accepted event is
 * applied exactly once, in inbox order per conversation, no effect job exists twice, and no commit
 * happened under a lease epoch older than one already used for the same conversation.
 *
 * Redis: a database of its own (index 7) so that the flush hits only this cluster's keys, not
 * other suites sharing the server.
 */

const haveServices = await requireServices('cluster chaos', 'postgres', 'redis');
const REDIS_DB_URL = `${TEST_REDIS_URL.replace(/\/\d*$/, '')}/7`;
const LEASE_TTL_MS = 2000;
const CONVERSATIONS = 30;
const MESSAGES_EACH = 20;
const PHONE_ID = 'chaos-phone-1';

describe.skipIf(!haveServices)('cluster under chaos (3 node processes)', () => {
  let database: TestDatabase;
  let sql: postgres.Sql;
  const nodes: SpawnedNode[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = (id: string) => ({
      NODE_ENV: 'test',
      NODE_ID: id,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DEMO: '0',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '6',
      REDIS_URL: REDIS_DB_URL,
      REDIS_PREFIX: `chaos-${randomBytes(3).toString('hex')}:`,
      LEASE_TTL_MS: String(LEASE_TTL_MS),
      LEASE_TICK_MS: '300',
      ...TEST_SECRETS,
    });
    // The first node migrates; the others join once the schema exists.
    nodes.push(await spawnNode(env('n1')));
    nodes.push(...(await Promise.all([spawnNode(env('n2')), spawnNode(env('n3'))])));
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    const [business] = await sql`insert into businesses (name) values ('Chaos shop') returning id`;
    await sql`insert into integrations (business_id, channel, external_id, access_token_enc)
              values (${business!.id}, 'whatsapp', ${PHONE_ID}, 'unused')`;
    // Let the three nodes agree on who owns what before the load starts.
    await waitFor(
      async () =>
        (
          await sql`select count(distinct owner)::int as n from shard_leases where lease_until > now()`
        )[0]!.n === 3,
      15_000,
    );
  }, 120_000);

  afterAll(async () => {
    for (const n of nodes) {
      n.process.kill('SIGCONT');
      await n[Symbol.asyncDispose]();
    }
    await sql?.end();
    await database?.drop();
  });

  it('applies every accepted webhook exactly once, in order, through kill -9, SIGSTOP and a Redis flush', async () => {
    const [killed, frozen] = [nodes[0]!, nodes[1]!];
    let isFrozen = false;
    // As a load balancer would: the dead node refuses connections, and the frozen one is
    // skipped once its requests time out (here, at once, so the load keeps flowing).
    const isDead = (n: SpawnedNode) => n.process.exitCode !== null || n.process.signalCode !== null;
    const alive = () => nodes.filter((n) => !isDead(n) && !(n === frozen && isFrozen));
    const contacts = Array.from(
      { length: CONVERSATIONS },
      (_, i) => `4470${String(i).padStart(6, '0')}`,
    );
    // Round-robin over the conversations, so every one of them lives through every fault.
    const plan = Array.from({ length: MESSAGES_EACH }, (_, i) =>
      contacts.map((from) => ({ from, text: `seq ${i}`, wamid: newWamid() })),
    ).flat();
    const accepted = new Set<string>();
    let killedAt = 0;
    let posted = 0;

    const deliver = async (item: (typeof plan)[number]) => {
      const signed = signMetaDelivery(
        metaTextMessage({
          channel: 'whatsapp',
          pageOrPhoneId: PHONE_ID,
          from: item.from,
          text: item.text,
          mid: item.wamid,
        }),
        TEST_SECRETS.META_APP_SECRET,
      );
      // Like Meta: anything but a 200 (or no answer at all) is delivered again, possibly elsewhere.
      for (let attempt = 0; attempt < 50; attempt++) {
        const candidates = alive();
        const target = candidates[Math.floor(Math.random() * candidates.length)]!;
        try {
          const res = await fetch(`${target.url}/api/webhooks/meta`, {
            method: 'POST',
            body: signed.body,
            headers: signed.headers,
            signal: AbortSignal.timeout(3000),
          });
          if (res.status === 200) {
            accepted.add(item.wamid);
            return;
          }
        } catch {
          // Connection refused, reset, or a frozen node that does not answer: try again.
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`could not deliver ${item.wamid}`);
    };

    const chaos = async () => {
      await waitFor(() => posted >= plan.length * 0.25, 60_000);
      killed.process.kill('SIGKILL');
      killedAt = Date.now();
      await waitFor(() => posted >= plan.length * 0.5, 60_000);
      frozen.process.kill('SIGSTOP');
      isFrozen = true;
      // Past its lease: the survivors take every one of its shards, then each conversation gets
      // at least one more event (a full round) while it still sleeps.
      await waitFor(
        async () =>
          (await sql`select count(*)::int as n from shard_leases where owner = 'n2'`)[0]!.n === 0,
        30_000,
        async () =>
          JSON.stringify({
            leases:
              await sql`select owner, count(*)::int, min(lease_until) as until, max(epoch)::int as epoch, now() from shard_leases group by owner`,
            nodes: await sql`select node_id, last_seen, leaving from cluster_nodes`,
            activity:
              await sql`select application_name, state, wait_event_type, left(query, 80) as q, now() - xact_start as age from pg_stat_activity where datname = current_database() and state <> 'idle'`,
          }),
      );
      const roundFrom = posted;
      await waitFor(() => posted >= Math.min(plan.length, roundFrom + CONVERSATIONS * 2), 60_000);
      frozen.process.kill('SIGCONT');
      isFrozen = false;
      await waitFor(() => posted >= plan.length * 0.75, 60_000);
      const redis = createClient({ url: REDIS_DB_URL });
      await redis.connect();
      await redis.flushDb();
      await redis.close();
    };

    const queue = [...plan];
    const workers = Array.from({ length: 8 }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        await deliver(item);
        posted++;
      }
    });
    await Promise.all([...workers, chaos()]);
    expect(accepted.size).toBe(plan.length);

    // Everything accepted gets applied, by the survivors, within the failover budget and then some.
    await waitFor(
      async () =>
        (await sql`select count(*)::int as n from inbox where processed_at is null`)[0]!.n === 0,
      60_000,
    );

    const applied = await sql<{ source_event_id: string; n: number }[]>`
      select i.source_event_id, count(*)::int as n from event_log e join inbox i on i.id = e.inbox_id
       where i.type = 'customer.message' group by i.source_event_id`;
    expect(applied.filter((r) => r.n !== 1)).toEqual([]);
    expect(new Set(applied.map((r) => r.source_event_id.replace(/^whatsapp:/, '')))).toEqual(
      accepted,
    );
    expect(await sql`select count(*)::int as n from inbox where dead_letter`).toEqual([{ n: 0 }]);

    // Per conversation: versions 1..n with no gap, in inbox order, never under an older epoch.
    const logs = await sql<
      {
        conversation_id: string;
        version: number;
        inbox_id: number;
        epoch: number;
        applied_by: string;
      }[]
    >`
      select conversation_id, version::int, inbox_id::float8 as inbox_id, epoch::int, applied_by from event_log order by conversation_id, version`;
    const byConversation = new Map<string, (typeof logs)[number][]>();
    for (const l of logs)
      byConversation.set(l.conversation_id, [...(byConversation.get(l.conversation_id) ?? []), l]);
    expect(byConversation.size).toBe(CONVERSATIONS);
    for (const [, rows] of byConversation) {
      expect(rows.map((r) => r.version)).toEqual(rows.map((_, i) => i + 1));
      expect(rows.map((r) => r.inbox_id)).toEqual(
        [...rows.map((r) => r.inbox_id)].sort((a, b) => a - b),
      );
      for (let i = 1; i < rows.length; i++)
        expect(rows[i]!.epoch).toBeGreaterThanOrEqual(rows[i - 1]!.epoch);
    }

    // No effect was enqueued twice for one event (job ids are derived from the event).
    const effects = await sql<{ effect: string; n: number }[]>`
      select data->>'effectId' as effect, count(*)::int as n
        from (select data from pgboss.job union all select data from pgboss.archive) j
       where data ? 'effectId' group by 1`;
    expect(effects.filter((e) => e.n !== 1)).toEqual([]);
    expect(effects.length).toBeGreaterThanOrEqual(CONVERSATIONS);

    // The killed node's conversations moved on to the survivors; the frozen one lost some of
    // its shards while it slept and the newer owner's commits carry a newer epoch.
    let resumedOnOthers = 0;
    let frozenOvertaken = 0;
    for (const [, rows] of byConversation) {
      const byKilled = rows.filter((r) => r.applied_by === 'n1');
      if (byKilled.length > 0 && rows.at(-1)!.applied_by !== 'n1') resumedOnOthers++;
      for (let i = 1; i < rows.length; i++) {
        if (
          rows[i - 1]!.applied_by === 'n2' &&
          rows[i]!.applied_by !== 'n2' &&
          rows[i]!.epoch > rows[i - 1]!.epoch
        )
          frozenOvertaken++;
      }
    }
    expect(resumedOnOthers).toBeGreaterThan(0);
    expect(frozenOvertaken).toBeGreaterThan(0);
    const afterKill = await sql<{ at: Date }[]>`
      select min(e.created_at) as at from event_log e
       where e.applied_by <> 'n1' and e.created_at > to_timestamp(${killedAt / 1000})
         and e.conversation_id in (select conversation_id from event_log where applied_by = 'n1')`;
    const failoverMs = new Date(afterKill[0]!.at).getTime() - killedAt;
    process.stdout.write(
      `chaos: ${plan.length} events; first commit on the killed node's conversations ${failoverMs} ms after kill -9\n`,
    );
    expect(killed.process.signalCode).toBe('SIGKILL');
  }, 240_000);
});

async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  explain?: () => Promise<string>,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until)
      throw new Error(`condition not met in time${explain ? `: ${await explain()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
