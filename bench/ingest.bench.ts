import { parseArgs } from 'node:util';
import { startFakeMetaGraph } from '../test/fakes/meta-graph.fake';
import type { SpawnedNode } from '../test/helpers/spawn-node';
import { seedChannels } from './lib/channels';
import { onCleanup, runPart } from './lib/cleanup';
import { benchGroups, startCpuWindow } from './lib/cpu-share';
import { readStatements, resetStatements, statementsMarkdown } from './lib/pg-statements';
import {
  profileDir,
  profileMarkdown,
  profilesIn,
  summarizeCpuProfile,
  type ProfileSummary,
} from './lib/cpu-profile';
import { machine, progress, startCluster, until, writeResult } from './lib/harness';
import { runLoadgen } from './lib/loadgen';
import { fullEventScript, minimalEventScript, preparePgbench, runPgbench } from './lib/pgbench';
import { round1, table, type PartResult } from './lib/result';
import {
  dbWork,
  dbWorkPerEvent,
  rateBetween,
  sampleOnce,
  startSampler,
  type Sample,
} from './lib/sampler';

/**
 * Ingest at saturation: two node processes (PostgreSQL + Redis, the offline bot replying
 * through a fake Graph API), a load generator in its own process posting signed WhatsApp,
 * Instagram and Messenger webhooks round-robin over many contacts to both nodes. Measures
 * accepted webhooks/s (200s at the load generator) and applied events/s (event_log rows over
 * time), then runs pgbench with the same SQL per event on the same database for the ratio.
 *
 *   npm run bench:ingest [-- --quick] [--contacts 2000 --seconds 30 --connections 32] [--cpu-prof]
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    contacts: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string' },
    'pgbench-seconds': { type: 'string' },
    'pgbench-clients': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    /** AI_REPLY_CONCURRENCY for the nodes; the nodes' default if absent. */
    'ai-concurrency': { type: 'string' },
  },
});
const QUICK = values.quick;
const CONTACTS = Number(values.contacts ?? (QUICK ? 300 : 2000));
const SECONDS = Number(values.seconds ?? (QUICK ? 12 : 40));
const WARMUP_SECONDS = QUICK ? 3 : 10;
const CONNECTIONS = Number(values.connections ?? 32);
const PGBENCH_SECONDS = Number(values['pgbench-seconds'] ?? (QUICK ? 5 : 20));
// Parley's two nodes open 8 pooled connections each for HTTP intake and apply transactions.
const PGBENCH_CLIENTS = Number(values['pgbench-clients'] ?? 16);
const NODES = 2;
const PROFILE_DIR = values['cpu-prof'] ? profileDir(`ingest-${Date.now()}`) : null;

async function main() {
  const host = machine();
  process.stdout.write(
    `ingest benchmark on ${host.cpus} × ${host.cpuModel}, load ${host.loadAverage.join(' ')}${QUICK ? ' (quick)' : ''}\n`,
  );
  const graph = await startFakeMetaGraph();
  onCleanup(() => graph.close());
  const cluster = await startCluster(
    NODES,
    {
      META_GRAPH_URL: graph.url,
      ...(values['ai-concurrency'] ? { AI_REPLY_CONCURRENCY: values['ai-concurrency'] } : {}),
    },
    PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
  );
  onCleanup(() => cluster.close());
  await seedChannels(cluster.sql, cluster.businessId);
  const urls = cluster.nodes.map((n) => n.url);
  progress(`${NODES} nodes up; warm-up ${WARMUP_SECONDS} s`);

  // Warm-up: most contacts get their conversation, the nodes' code and pools warm up.
  await runLoadgen({
    urls,
    contacts: CONTACTS,
    connections: CONNECTIONS,
    durationSeconds: WARMUP_SECONDS,
  });
  progress('warm-up posted; draining');
  await drained(cluster.sql, QUICK ? 30_000 : 120_000);
  graph.reset();
  progress(`load ${SECONDS} s`);

  const statementsReset = await resetStatements(cluster.sql);
  const workBefore = await dbWork(cluster.sql);
  const before = await sampleOnce(cluster.sql);
  const sampler = startSampler(cluster.sql, 1000);
  const cpuWindow = startCpuWindow(
    benchGroups(new Map(cluster.nodes.map((n, i) => [n.process.pid!, `Parley node ${i + 1}`]))),
  );
  const load = await runLoadgen({
    urls,
    contacts: CONTACTS,
    connections: CONNECTIONS,
    durationSeconds: SECONDS,
  });
  const loadEndMs = sampler.elapsed();
  progress('load done; draining');
  const drainedAll = await drained(cluster.sql, QUICK ? 45_000 : 300_000);
  const samples = await sampler.stop();
  // Load and drain: everything the load caused, including the bot replies it queued.
  const cpu = cpuWindow.stop({ 'load generator': load.cpuSeconds });
  const statements = statementsReset
    ? await readStatements(cluster.sql)
    : { available: false, note: 'pg_stat_statements could not be reset (not loaded?)' };
  const work = dbWorkPerEvent(
    workBefore,
    await dbWork(cluster.sql),
    last(samples).events - before.events,
  );
  const drainEndMs = last(samples).t;
  const lastSample = last(samples);
  const atLoadEnd = [...samples].reverse().find((s) => s.t <= loadEndMs) ?? lastSample;
  // Saturation: skip the first quarter of the load (queues filling), stop when the load stops.
  const from = loadEndMs * 0.25;
  const applied = {
    eventsPerSecond: rateBetween(samples, 'events', from, loadEndMs),
    customerPerSecond: rateBetween(samples, 'customer', from, loadEndMs),
    botRepliesPerSecond: rateBetween(samples, 'ai', from, drainEndMs),
    /** Every event of the run, load and drain: what the system sustains end to end. */
    overallEventsPerSecond: Math.round(((lastSample.events - before.events) * 1000) / drainEndMs),
    overallCustomerPerSecond: Math.round(
      ((lastSample.customer - before.customer) * 1000) / drainEndMs,
    ),
    backlogAtLoadEnd: atLoadEnd.backlog,
    jobsAtLoadEnd: atLoadEnd.jobs,
    /** False: the backlog or the effect jobs had not run dry when the drain budget ran out. */
    drained: drainedAll,
    jobsLeft: lastSample.jobs,
    drainSeconds: round1((drainEndMs - loadEndMs) / 1000),
    customerEvents: lastSample.customer - before.customer,
    allEvents: lastSample.events - before.events,
  };
  const cpuPerEvent = cpu.shares.map((s) => ({
    group: s.group,
    ms: Math.round(((s.cpuSeconds * 1000) / Math.max(1, applied.allEvents)) * 100) / 100,
  }));
  const [dead] = await cluster.sql<
    { n: number }[]
  >`select count(*)::int as n from inbox where dead_letter`;
  const botReplies = graph.requests.filter((r) => r.method === 'POST').length;
  process.stdout.write(
    `CPU over load + drain (${cpu.cores} cores): ${cpu.shares.map((s) => `${s.group} ${s.cores}`).join(', ')}; ` +
      `CPU ms per applied event: ${cpuPerEvent.map((c) => `${c.group} ${c.ms}`).join(', ')}; ` +
      `PostgreSQL per applied event: ${work.commits} commits, ${work.inserted} rows inserted, ${work.updated} updated, ${work.deleted} deleted, ${work.walBytes} WAL bytes\n`,
  );
  process.stdout.write(
    `bot replies ${applied.botRepliesPerSecond}/s, ${applied.jobsAtLoadEnd} effect jobs queued at load end, drained: ${drainedAll}; ` +
      `accepted ${load.acceptedPerSecond} webhooks/s (POST p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, ${load.non2xx} non-2xx, ${load.errors} errors); ` +
      `applied ${applied.eventsPerSecond} events/s (${applied.customerPerSecond} customer messages/s) under load, backlog ${applied.backlogAtLoadEnd} at load end, drained in ${applied.drainSeconds} s; ${botReplies} bot replies sent\n`,
  );

  // pgbench alone on the same database, as Parley was alone in its phase.
  const profiles = PROFILE_DIR ? await stopProfiled(cluster.nodes, PROFILE_DIR) : [];
  for (const n of cluster.nodes) await n[Symbol.asyncDispose]();
  cluster.nodes.length = 0;
  progress('nodes stopped; pgbench');
  const prepared = await preparePgbench(cluster.sql);
  const minimal = runPgbench(
    cluster.database.url,
    minimalEventScript(prepared.conversations, prepared.snapshot),
    PGBENCH_CLIENTS,
    PGBENCH_SECONDS,
  );
  const full = runPgbench(
    cluster.database.url,
    fullEventScript(prepared.conversations, prepared.snapshot),
    PGBENCH_CLIENTS,
    PGBENCH_SECONDS,
  );
  const ratio = {
    eventsToMinimal: round2(applied.eventsPerSecond / minimal.tps),
    customerToMinimal: round2(applied.customerPerSecond / minimal.tps),
    eventsToFull: round2(applied.eventsPerSecond / full.tps),
    customerToFull: round2(applied.customerPerSecond / full.tps),
  };
  process.stdout.write(
    `pgbench ${PGBENCH_CLIENTS} clients: ${minimal.tps} tps (one-transaction event), ${full.tps} tps (every statement of a customer message) → Parley ÷ pgbench = ${ratio.eventsToMinimal} / ${ratio.eventsToFull} (all events), ${ratio.customerToMinimal} / ${ratio.customerToFull} (customer messages)\n`,
  );

  const settings = {
    nodes: NODES,
    contacts: CONTACTS,
    channels: 'whatsapp, instagram, messenger (contact n → channel n mod 3)',
    connections: CONNECTIONS,
    loadSeconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    databasePoolSizePerNode: 8,
    ai: 'offline bot (no API keys), replies sent to a fake Graph API',
    pgbenchClients: PGBENCH_CLIENTS,
    pgbenchSeconds: PGBENCH_SECONDS,
    aiReplyConcurrency: values['ai-concurrency'] ?? 'node default',
  };
  const result: PartResult & Record<string, unknown> = {
    benchmark: 'ingest',
    at: new Date().toISOString(),
    quick: QUICK,
    machine: host,
    settings,
    load,
    applied,
    deadLettered: dead!.n,
    botReplies,
    pgbench: { minimal, full },
    ratio,
    cpu,
    cpuPerEvent,
    dbWorkPerEvent: work,
    statements,
    profiles,
    markdown: [
      `${NODES} node processes, ${CONNECTIONS} keep-alive connections from a separate autocannon process, ${CONTACTS} contacts over three channels, ${SECONDS} s of load after ${WARMUP_SECONDS} s of warm-up.`,
      '',
      ...table(
        ['figure', 'value'],
        [
          ['accepted webhooks/s (HTTP 200)', load.acceptedPerSecond],
          [
            'POST latency p50 / p99 / max (ms)',
            `${load.latencyMs.p50} / ${load.latencyMs.p99} / ${load.latencyMs.max}`,
          ],
          ['non-2xx / errors / timeouts', `${load.non2xx} / ${load.errors} / ${load.timeouts}`],
          ['applied events/s under load (all event_log rows)', applied.eventsPerSecond],
          ['applied customer messages/s under load', applied.customerPerSecond],
          ['backlog when the load stopped (inbox rows)', applied.backlogAtLoadEnd],
          ['effect jobs queued when the load stopped (AI replies, sends)', applied.jobsAtLoadEnd],
          [
            'drain time after the load stopped (s)',
            `${applied.drainSeconds}${drainedAll ? '' : ` (budget ran out, ${applied.jobsLeft} jobs left)`}`,
          ],
          ['bot replies (ai.replied events)/s, load + drain', applied.botRepliesPerSecond],
          [
            'applied events/s over load + drain (all / customer)',
            `${applied.overallEventsPerSecond} / ${applied.overallCustomerPerSecond}`,
          ],
          ['bot replies sent to the Graph API', botReplies],
          ['dead-lettered inbox rows', dead!.n],
          [
            `pgbench tps, one-transaction event (inbox + fencing + snapshot + event_log), ${PGBENCH_CLIENTS} clients`,
            minimal.tps,
          ],
          [
            `pgbench tps, every statement of a customer message (2 transactions), ${PGBENCH_CLIENTS} clients`,
            full.tps,
          ],
          [
            '**Parley applied events/s ÷ pgbench tps** (one-transaction / full)',
            `**${ratio.eventsToMinimal}** / ${ratio.eventsToFull}`,
          ],
          [
            'Parley customer messages/s ÷ pgbench tps (one-transaction / full)',
            `${ratio.customerToMinimal} / ${ratio.customerToFull}`,
          ],
        ],
      ),
      '',
      `Where the CPU went over the load and its drain (${cpu.seconds} s, ${cpu.cores} cores; 1.00 = one whole core), and per applied event:`,
      '',
      ...table(
        ['process', 'cores used', 'share of the machine', 'CPU ms per applied event'],
        cpu.shares.map((s, i) => [
          s.group,
          s.cores.toFixed(2),
          `${s.pct} %`,
          cpuPerEvent[i]?.ms ?? '',
        ]),
      ),
      '',
      'What PostgreSQL did per applied event over the load and its drain (`pg_stat_database`, WAL position):',
      '',
      ...table(
        ['commits', 'rows inserted', 'rows updated', 'rows deleted', 'WAL bytes'],
        [[work.commits, work.inserted, work.updated, work.deleted, work.walBytes]],
      ),
      '',
      ...statementsMarkdown(statements, applied.allEvents),
      ...profiles.flatMap((p, i) => [
        '',
        `CPU profile of node ${i + 1}'s main thread (\`--cpu-prof\`, boot to shutdown: warm-up, load and drain):`,
        '',
        ...profileMarkdown(p),
      ]),
    ],
    caveats: [
      'Load generator, both nodes, PostgreSQL and Redis share the same 2 cores: the load generator itself takes a share of the CPU the nodes would have on a real deployment.',
      '“Applied events” counts every event_log row: customer messages, the bot’s ai.replied events and the rest. Messages that arrive while the bot is still answering are answered together, so there are fewer bot replies than customer messages.',
      'The per-statement table includes the benchmark’s own sampler (counts of the backlog and the queued jobs, once a second), which is not Parley’s work.',
      'pgbench runs after the nodes stop, on the same database with the rows the run created; it does none of the HTTP, JSON, HMAC, XState or pg-boss work, so the ratio is the share of raw database capacity Parley turns into applied events.',
    ],
    reproduce: `npm run bench:ingest -- --contacts ${CONTACTS} --seconds ${SECONDS} --connections ${CONNECTIONS}`,
  };
  process.stdout.write(`results: ${writeResult('ingest', result)}\n`);
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const last = (samples: Sample[]) => samples.at(-1)!;

/** A node writes its `--cpu-prof` profile only when it exits by itself: SIGTERM, then wait. */
async function stopProfiled(nodes: SpawnedNode[], dir: string): Promise<ProfileSummary[]> {
  await Promise.all(
    nodes.map(async (n) => {
      n.kill('SIGTERM');
      await Promise.race([n.exited, new Promise((r) => setTimeout(r, 30_000))]);
    }),
  );
  const summaries = profilesIn(dir).map((f) => summarizeCpuProfile(f));
  for (const s of summaries) {
    process.stdout.write(`\n${s.file}\n${profileMarkdown(s).join('\n')}\n`);
  }
  return summaries;
}

/** Waits until the inbox and the effect queues are empty; false when `timeoutMs` ran out first. */
async function drained(sql: Parameters<typeof sampleOnce>[0], timeoutMs: number) {
  try {
    await until(async () => {
      const s = await sampleOnce(sql);
      return s.backlog === 0 && s.jobs === 0;
    }, timeoutMs);
    return true;
  } catch {
    return false;
  }
}

runPart(main);
