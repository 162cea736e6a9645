import { parseArgs } from 'node:util';
import type postgres from 'postgres';
import { startFakeMetaGraph } from '../test/fakes/meta-graph.fake';
import type { SpawnedNode } from '../test/helpers/spawn-node';
import { seedChannels } from './lib/channels';
import { onCleanup, runPart } from './lib/cleanup';
import { machine, progress, startCluster, until, writeResult } from './lib/harness';
import { startOrderedLoad, type Accepted } from './lib/ordered-load';
import { startPrivateRedis } from '../test/helpers/private-redis';
import { table, type PartResult } from './lib/result';

/**
 * Failover and chaos under steady load: three node processes sharing a fresh database and a
 * private redis-server; customers write in order (each waits for the 200 of its last message);
 * one node is `kill -9`ed, another frozen with SIGSTOP past its lease and thawed, and Redis is
 * crashed and restarted (its keys gone). Measures how long each fault stops the orphaned
 * conversations, then counts lost, duplicated and out-of-order events, which must all be 0.
 *
 *   npm run bench:failover [-- --quick] [--contacts 300 --concurrency 32 --steady 15]
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    contacts: { type: 'string' },
    concurrency: { type: 'string' },
    steady: { type: 'string' },
  },
});
const QUICK = values.quick;
const CONTACTS = Number(values.contacts ?? (QUICK ? 60 : 300));
const CONCURRENCY = Number(values.concurrency ?? (QUICK ? 12 : 32));
/** Seconds of undisturbed load before and between the faults. */
const STEADY_S = Number(values.steady ?? (QUICK ? 4 : 15));
const LEASE = { LEASE_TTL_MS: '2000', LEASE_TICK_MS: '300' };

interface Resume {
  /** From the fault to the first event another node applied on the victim's conversations. */
  resumeMs: number | null;
  shards: number;
}

async function main() {
  const host = machine();
  process.stdout.write(
    `failover benchmark on ${host.cpus} × ${host.cpuModel}, load ${host.loadAverage.join(' ')}${QUICK ? ' (quick)' : ''}\n`,
  );
  const redis = await startPrivateRedis();
  onCleanup(() => redis.stop());
  const graph = await startFakeMetaGraph();
  onCleanup(() => graph.close());
  const cluster = await startCluster(3, {
    ...LEASE,
    REDIS_URL: redis.url,
    META_GRAPH_URL: graph.url,
  });
  onCleanup(async () => {
    for (const n of cluster.nodes) n.process.kill('SIGCONT');
    await cluster.close();
  });
  await seedChannels(cluster.sql, cluster.businessId);
  const sql = cluster.sql;
  const [killed, frozen] = [cluster.nodes[0]!, cluster.nodes[1]!];
  let isFrozen = false;
  const load = startOrderedLoad({
    nodes: () => cluster.nodes,
    skip: (n: SpawnedNode) => n === frozen && isFrozen,
    contacts: CONTACTS,
    concurrency: CONCURRENCY,
  });
  onCleanup(() => load.stop());
  progress(`3 nodes up; ${CONTACTS} contacts writing in order, ${CONCURRENCY} at a time`);
  await sleep(STEADY_S * 1000);
  await stableLeases(sql);

  // 1. kill -9
  const killShards = await ownedBy(sql, 'b1');
  killed.process.kill('SIGKILL');
  const killedAt = Date.now();
  progress(`kill -9 b1 (${killShards.length} shards)`);
  const kill = await resumed(sql, 'b1', killShards, killedAt);
  progress(`b1's conversations resumed after ${kill.resumeMs} ms`);
  await sleep(STEADY_S * 1000);

  // 2. SIGSTOP past the lease, then SIGCONT
  const stopShards = await ownedBy(sql, 'b2');
  frozen.process.kill('SIGSTOP');
  isFrozen = true;
  const stoppedAt = Date.now();
  progress(`SIGSTOP b2 (${stopShards.length} shards)`);
  const stop = await resumed(sql, 'b2', stopShards, stoppedAt);
  await until(async () => (await ownedBy(sql, 'b2')).length === 0, 30_000);
  const frozenForMs = Number(LEASE.LEASE_TTL_MS) * 2;
  await sleep(Math.max(0, stoppedAt + frozenForMs - Date.now()));
  frozen.process.kill('SIGCONT');
  isFrozen = false;
  const frozenMs = Date.now() - stoppedAt;
  progress(
    `SIGCONT b2 after ${Date.now() - stoppedAt} ms; its conversations resumed after ${stop.resumeMs} ms`,
  );
  await sleep(STEADY_S * 1000);

  // 3. Redis crash and restart (every key lost)
  const redisAt = Date.now();
  await redis.restart();
  const redisBackMs = Date.now() - redisAt;
  const redisResumeMs = await firstAppliedAfter(sql, redisAt);
  progress(
    `redis restarted in ${redisBackMs} ms; events received after the crash applied after ${redisResumeMs} ms`,
  );
  await sleep(STEADY_S * 1000);

  await load.stop();
  progress(`load stopped: ${load.posted} accepted, ${load.retries} retries; draining`);
  await until(
    async () =>
      (
        await sql`select count(*)::int as n from inbox where processed_at is null and not dead_letter`
      )[0]!.n === 0,
    120_000,
  );
  const audit = await auditEvents(sql, load.accepted);
  const failures =
    audit.lost +
    audit.duplicated +
    audit.outOfOrder +
    audit.versionGaps +
    audit.epochRegressions +
    audit.deadLettered;
  process.stdout.write(
    `lost ${audit.lost}, duplicated ${audit.duplicated}, out of order ${audit.outOfOrder}, version gaps ${audit.versionGaps}, epoch regressions ${audit.epochRegressions}, dead-lettered ${audit.deadLettered} ` +
      `(${audit.accepted} accepted, ${audit.applied} applied customer messages, ${audit.conversations} conversations) → ${failures === 0 ? 'OK' : 'FAILED'}\n`,
  );

  const faults = {
    kill: { ...kill, note: 'kill -9 of b1' },
    sigstop: { ...stop, frozenMs, note: 'SIGSTOP of b2 past its lease, then SIGCONT' },
    redis: {
      restartMs: redisBackMs,
      resumeMs: redisResumeMs,
      note: 'redis-server kill -9 and restart, keys lost',
    },
  };
  const result: PartResult & Record<string, unknown> = {
    benchmark: 'failover',
    at: new Date().toISOString(),
    quick: QUICK,
    machine: host,
    settings: {
      nodes: 3,
      contacts: CONTACTS,
      concurrency: CONCURRENCY,
      steadySeconds: STEADY_S,
      ...LEASE,
    },
    faults,
    audit,
    retries: load.retries,
    markdown: [
      `Three node processes; ${CONTACTS} contacts over three channels each send their next message only after the last one was answered 200 (${CONCURRENCY} in flight), retrying like Meta on any failure. Lease TTL ${LEASE.LEASE_TTL_MS} ms, tick ${LEASE.LEASE_TICK_MS} ms.`,
      '',
      ...table(
        ['fault', 'shards affected', 'time to resume (ms)'],
        [
          ['kill -9 one node', kill.shards, kill.resumeMs ?? 'did not resume'],
          [
            `SIGSTOP one node for ${frozenMs} ms, then SIGCONT`,
            stop.shards,
            stop.resumeMs ?? 'did not resume',
          ],
          [
            `Redis kill -9 + restart (back in ${redisBackMs} ms)`,
            'all',
            redisResumeMs ?? 'did not resume',
          ],
        ],
      ),
      '',
      ...table(
        ['check (must be 0)', 'count'],
        [
          ['lost (accepted, never applied)', audit.lost],
          ['duplicated (applied more than once)', audit.duplicated],
          ['out of order (customer messages not in send order)', audit.outOfOrder],
          ['version gaps (event_log versions not 1..n)', audit.versionGaps],
          ['epoch regressions (commit under an older lease epoch)', audit.epochRegressions],
          ['dead-lettered inbox rows', audit.deadLettered],
        ],
      ),
      '',
      `${audit.accepted} webhooks accepted (${load.retries} deliveries retried), ${audit.applied} customer messages applied over ${audit.conversations} conversations.`,
    ],
    caveats: [
      '“Time to resume” is measured from the fault to the first event_log row (transaction start time, PostgreSQL clock) that a surviving node committed on a conversation of the victim’s shards; it includes the lease TTL by design.',
      'The load is closed-loop (a contact waits for its 200), so a fault also slows the load itself; rates are not reported here, see ingest.',
    ],
    reproduce: `npm run bench:failover -- --contacts ${CONTACTS} --concurrency ${CONCURRENCY} --steady ${STEADY_S}`,
  };
  process.stdout.write(`results: ${writeResult('failover', result)}\n`);
  if (failures > 0) process.exitCode = 1;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ownedBy(sql: postgres.Sql, node: string): Promise<number[]> {
  const rows = await sql<{ shard: number }[]>`select shard from shard_leases where owner = ${node}`;
  return rows.map((r) => r.shard);
}

async function resumed(
  sql: postgres.Sql,
  victim: string,
  shards: number[],
  since: number,
): Promise<Resume> {
  let at = 0;
  try {
    await until(async () => {
      const [row] = await sql<{ at: Date | null }[]>`
        select min(created_at) as at from event_log
         where applied_by <> ${victim} and created_at > to_timestamp(${since / 1000})
           and conversation_id in (select id from conversations where shard = any(${shards}::int[]))`;
      if (row?.at) at = new Date(row.at).getTime();
      return at > 0;
    }, 30_000);
  } catch {
    return { resumeMs: null, shards: shards.length };
  }
  return { resumeMs: at - since, shards: shards.length };
}

/** After Redis came back: the first event applied whose webhook arrived after the crash. */
async function firstAppliedAfter(sql: postgres.Sql, since: number): Promise<number | null> {
  let at = 0;
  try {
    await until(async () => {
      const [row] = await sql<{ at: Date | null }[]>`
        select min(e.created_at) as at from event_log e join inbox i on i.id = e.inbox_id
         where i.received_at > to_timestamp(${since / 1000}) and i.type = 'customer.message'`;
      if (row?.at) at = new Date(row.at).getTime();
      return at > 0;
    }, 30_000);
  } catch {
    return null;
  }
  return at - since;
}

/** Ownership settles a few ticks after the last node joins; start the faults from a steady state. */
async function stableLeases(sql: postgres.Sql): Promise<void> {
  let last = '';
  let steadySince = Date.now();
  await until(async () => {
    const rows =
      await sql`select string_agg(shard || ':' || owner || ':' || epoch, ',' order by shard) as s from shard_leases`;
    const now = String(rows[0]!.s);
    if (now !== last) {
      last = now;
      steadySince = Date.now();
    }
    return Date.now() - steadySince > 1500;
  }, 30_000);
}

interface EventRow {
  conversation_id: string;
  version: number;
  inbox_id: number | null;
  epoch: number;
  type: string;
  text: string | null;
}

/**
 * Every accepted message applied exactly once; per conversation, event versions 1..n with
 * no gap, inbox order, never an older epoch after a newer one, customer messages in send order.
 */
async function auditEvents(sql: postgres.Sql, accepted: Map<string, Accepted>) {
  const applied = await sql<{ mid: string; n: number }[]>`
    select regexp_replace(i.source_event_id, '^[a-z]+:', '') as mid, count(e.id)::int as n
      from inbox i left join event_log e on e.inbox_id = i.id
     where i.type = 'customer.message' group by i.id`;
  const count = new Map(applied.map((r) => [r.mid, r.n]));
  let lost = 0;
  for (const mid of accepted.keys()) if ((count.get(mid) ?? 0) === 0) lost++;
  const duplicated = applied.filter((r) => r.n > 1).length;

  const rows = await sql<EventRow[]>`
    select e.conversation_id, e.version::int, e.inbox_id::float8 as inbox_id, e.epoch::int, e.type,
           i.payload->>'text' as text
      from event_log e left join inbox i on i.id = e.inbox_id
     order by e.conversation_id, e.version`;
  const byConversation = new Map<string, EventRow[]>();
  for (const r of rows) {
    const list = byConversation.get(r.conversation_id) ?? [];
    list.push(r);
    byConversation.set(r.conversation_id, list);
  }
  let versionGaps = 0;
  let outOfOrder = 0;
  let epochRegressions = 0;
  for (const list of byConversation.values()) {
    let lastSeq = -1;
    let lastInbox = -1;
    list.forEach((r, i) => {
      if (r.version !== i + 1) versionGaps++;
      if (i > 0 && r.epoch < list[i - 1]!.epoch) epochRegressions++;
      if (r.inbox_id !== null) {
        if (r.inbox_id < lastInbox) outOfOrder++;
        lastInbox = r.inbox_id;
      }
      if (r.type === 'customer.message') {
        const seq = Number(/seq (\d+)$/.exec(r.text ?? '')?.[1] ?? -1);
        if (seq <= lastSeq) outOfOrder++;
        lastSeq = seq;
      }
    });
  }
  const [dead] = await sql<{ n: number }[]>`select count(*)::int as n from inbox where dead_letter`;
  return {
    accepted: accepted.size,
    applied: applied.filter((r) => r.n > 0).length,
    conversations: byConversation.size,
    lost,
    duplicated,
    outOfOrder,
    versionGaps,
    epochRegressions,
    deadLettered: dead!.n,
  };
}

runPart(main);
