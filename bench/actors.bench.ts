import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fullEventScript, preparePgbench, runPgbench } from './lib/pgbench';
import {
  BENCH_DIR,
  machine,
  makeDeliveries,
  percentile,
  startCluster,
  until,
  writeResult,
  writeText,
  type BenchCluster,
} from './lib/harness';

/**
 * Events through the actor runtime on one and on three node processes, failover time after
 * kill -9, and pgbench running the same SQL per event on the same PostgreSQL in the same run.
 *
 *   npm run bench:actors -- --events 4000 --conversations 200 --concurrency 32
 */

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '4000' },
    conversations: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '32' },
    'pgbench-seconds': { type: 'string', default: '15' },
  },
});
const EVENTS = Number(values.events);
const CONVERSATIONS = Number(values.conversations);
const CONCURRENCY = Number(values.concurrency);
const PGBENCH_SECONDS = Number(values['pgbench-seconds']);
const LEASE = { LEASE_TTL_MS: '3000', LEASE_TICK_MS: '500' };

interface Throughput {
  nodes: number;
  events: number;
  acceptedPerSecond: number;
  appliedPerSecond: number;
  postLatencyMs: { p50: number; p99: number; max: number };
}

async function throughput(nodes: number): Promise<Throughput> {
  const cluster = await startCluster(nodes, LEASE);
  try {
    // Warm up: every conversation exists and every node has its connections open.
    await post(cluster, makeDeliveries(CONVERSATIONS, CONVERSATIONS));
    await drained(cluster, CONVERSATIONS);
    const deliveries = makeDeliveries(EVENTS, CONVERSATIONS);
    const started = performance.now();
    const latencies = await post(cluster, deliveries);
    const acceptedAt = performance.now();
    await drained(cluster, CONVERSATIONS + EVENTS);
    const appliedAt = performance.now();
    latencies.sort((a, b) => a - b);
    return {
      nodes,
      events: EVENTS,
      acceptedPerSecond: Math.round(EVENTS / ((acceptedAt - started) / 1000)),
      appliedPerSecond: Math.round(EVENTS / ((appliedAt - started) / 1000)),
      postLatencyMs: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? 0),
      },
    };
  } finally {
    await cluster.close();
  }
}

async function failover(): Promise<{ leaseTtlMs: number; leaseTickMs: number; resumeMs: number }> {
  const cluster = await startCluster(3, LEASE);
  try {
    await post(cluster, makeDeliveries(CONVERSATIONS, CONVERSATIONS));
    await drained(cluster, CONVERSATIONS);
    const victim = cluster.nodes[0]!;
    const victimId = 'b1';
    await stableLeases(cluster);
    const owned = (
      await cluster.sql<
        { shard: number }[]
      >`select shard from shard_leases where owner = ${victimId}`
    ).map((r) => r.shard);
    victim.process.kill('SIGKILL');
    const killedAt = Date.now();
    cluster.nodes.splice(0, 1);
    await victim.exited;
    // A steady trickle for every conversation until the victim's ones move again.
    const stop = { done: false };
    const load = (async () => {
      while (!stop.done) await post(cluster, makeDeliveries(CONVERSATIONS, CONVERSATIONS), 8);
    })();
    let resumedAt = 0;
    await until(async () => {
      const rows = await cluster.sql<{ at: Date | null }[]>`
        select min(created_at) as at from event_log
         where applied_by <> ${victimId} and created_at > to_timestamp(${killedAt / 1000})
           and conversation_id in (select id from conversations where shard = any(${owned}::int[]))`;
      if (rows[0]?.at) resumedAt = new Date(rows[0].at).getTime();
      return resumedAt > 0;
    }, 30_000);
    stop.done = true;
    await load;
    return {
      leaseTtlMs: Number(LEASE.LEASE_TTL_MS),
      leaseTickMs: Number(LEASE.LEASE_TICK_MS),
      resumeMs: resumedAt - killedAt,
    };
  } finally {
    await cluster.close();
  }
}

/** pgbench alone on a database the node filled, with every statement Parley runs per message. */
async function pgbench(clients: number): Promise<{ clients: number; tps: number }> {
  const cluster = await startCluster(1, LEASE);
  try {
    await post(cluster, makeDeliveries(CONVERSATIONS, CONVERSATIONS));
    await drained(cluster, CONVERSATIONS);
    // Stop the node: pgbench alone on the database, as Parley was alone in its phase.
    for (const n of cluster.nodes) await n[Symbol.asyncDispose]();
    cluster.nodes.length = 0;
    const prepared = await preparePgbench(cluster.sql);
    const result = runPgbench(
      cluster.database.url,
      fullEventScript(prepared.conversations, prepared.snapshot),
      clients,
      PGBENCH_SECONDS,
    );
    return { clients, tps: result.tps };
  } finally {
    await cluster.close();
  }
}

async function post(
  cluster: BenchCluster,
  deliveries: ReturnType<typeof makeDeliveries>,
  concurrency = CONCURRENCY,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = next++; i < deliveries.length; i = next++) {
        const d = deliveries[i]!;
        const node = cluster.nodes[(i + worker) % cluster.nodes.length]!;
        const t = performance.now();
        const res = await fetch(`${node.url}/api/webhooks/meta`, {
          method: 'POST',
          body: d.body,
          headers: d.headers,
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return latencies;
}

async function drained(cluster: BenchCluster, expectedApplied: number): Promise<void> {
  await until(
    async () =>
      // Customer messages only: the bot's replies add events of their own as they go.
      (
        await cluster.sql`select count(*)::int as n from event_log where type = 'customer.message'`
      )[0]!.n >= expectedApplied,
    300_000,
  );
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Ownership settles a few ticks after the last node joins; measure failover from a steady state. */
async function stableLeases(cluster: BenchCluster): Promise<void> {
  let last = '';
  let steadySince = Date.now();
  await until(async () => {
    const rows =
      await cluster.sql`select string_agg(shard || ':' || owner || ':' || epoch, ',' order by shard) as s from shard_leases`;
    const now = String(rows[0]!.s);
    if (now !== last) {
      last = now;
      steadySince = Date.now();
    }
    return Date.now() - steadySince > 2000;
  }, 30_000);
}

async function main() {
  const host = machine();
  process.stdout.write(
    `actors benchmark on ${host.cpus} × ${host.cpuModel}, PostgreSQL ${host.postgres}, load ${host.loadAverage.join(' ')}\n`,
  );
  const one = await throughput(1);
  process.stdout.write(
    `1 node:  ${one.appliedPerSecond} applied events/s, ${one.acceptedPerSecond} accepted webhooks/s, POST p99 ${one.postLatencyMs.p99} ms\n`,
  );
  const three = await throughput(3);
  process.stdout.write(
    `3 nodes: ${three.appliedPerSecond} applied events/s, ${three.acceptedPerSecond} accepted webhooks/s, POST p99 ${three.postLatencyMs.p99} ms\n`,
  );
  const fail = await failover();
  process.stdout.write(
    `failover after kill -9: ${fail.resumeMs} ms (lease TTL ${fail.leaseTtlMs} ms, tick ${fail.leaseTickMs} ms)\n`,
  );
  const pg = await pgbench(CONCURRENCY);
  const ratio = {
    oneNode: round(one.appliedPerSecond / pg.tps),
    threeNodes: round(three.appliedPerSecond / pg.tps),
  };
  process.stdout.write(
    `pgbench, same SQL per event, ${pg.clients} clients: ${pg.tps} tps → Parley/pgbench = ${ratio.oneNode} (1 node), ${ratio.threeNodes} (3 nodes)\n`,
  );

  const result = {
    benchmark: 'actors',
    at: new Date().toISOString(),
    machine: host,
    settings: {
      events: EVENTS,
      conversations: CONVERSATIONS,
      concurrency: CONCURRENCY,
      pgbenchSeconds: PGBENCH_SECONDS,
      ...LEASE,
    },
    oneNode: one,
    threeNodes: three,
    failover: fail,
    pgbench: pg,
    ratio,
  };
  const file = writeResult('actors', result);
  writeText(
    join(BENCH_DIR, 'results', 'actors-latest.md'),
    [
      `## Actor runtime (${result.at.slice(0, 10)})`,
      '',
      `Machine: ${host.cpus} × ${host.cpuModel}, ${host.memoryGiB} GiB, Node ${host.node}, PostgreSQL ${host.postgres}, load average at start ${host.loadAverage.join(' ')}.`,
      `Settings: ${EVENTS} signed WhatsApp webhooks over ${CONVERSATIONS} conversations, ${CONCURRENCY} concurrent posters; lease TTL ${LEASE.LEASE_TTL_MS} ms, tick ${LEASE.LEASE_TICK_MS} ms.`,
      '',
      '| setup | applied events/s | accepted webhooks/s | POST p50 / p99 / max (ms) |',
      '|---|---|---|---|',
      `| 1 node | ${one.appliedPerSecond} | ${one.acceptedPerSecond} | ${one.postLatencyMs.p50} / ${one.postLatencyMs.p99} / ${one.postLatencyMs.max} |`,
      `| 3 nodes | ${three.appliedPerSecond} | ${three.acceptedPerSecond} | ${three.postLatencyMs.p50} / ${three.postLatencyMs.p99} / ${three.postLatencyMs.max} |`,
      `| pgbench, same SQL per event, ${pg.clients} clients | ${pg.tps} | – | – |`,
      '',
      `Parley ÷ pgbench: ${ratio.oneNode} (1 node), ${ratio.threeNodes} (3 nodes). Failover after kill -9 of one of three nodes: ${fail.resumeMs} ms until its conversations were applied again by a survivor.`,
      '',
      'Reproduce: `npm run bench:actors` (PostgreSQL and Redis on localhost).',
      '',
    ].join('\n'),
  );
  process.stdout.write(`results: ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
