import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, percentile, writeResult, writeText } from './lib/harness';

/**
 * Dashboard fan-out: `conversation:updated`-shaped broadcasts to N dashboards (the app's feed
 * client, in two child processes), socket.io on uWS against socket.io on `node:http`, same
 * server code (bench/lib/fanout-server.ts), same run. Reported per setup: deliveries/s, live
 * latency p50/p99, delivered/expected off the wire ("before") and applied after the feed
 * clients healed their gaps with `resync` ("after"), and the server's CPU time for the burst.
 *
 * `npm run bench:fanout` (no database needed). FANOUT_SIZES=1000,5000 FANOUT_BROADCASTS=…
 * FANOUT_TIGHT=1 adds a uWS run with a 16 KiB send buffer (FANOUT_TIGHT_BACKPRESSURE).
 */

const SIZES = (process.env.FANOUT_SIZES ?? '1000,5000').split(',').map(Number);
const BROADCASTS: Record<number, number> = { 1000: 200, 5000: 40 };
const broadcastsFor = (n: number) =>
  Number(process.env.FANOUT_BROADCASTS ?? BROADCASTS[n] ?? Math.max(20, 200_000 / n));
const KINDS = ['uws', 'http'] as const;
/** A deliberately small uWS send buffer (bytes): frames are dropped and the feed must heal. */
const TIGHT_BACKPRESSURE = Number(process.env.FANOUT_TIGHT_BACKPRESSURE ?? 16 * 1024);
const CLIENT_PROCESSES = 2;
const SETTLE_TIMEOUT_MS = 20_000;
const MAX_BACKPRESSURE = 1024 * 1024; // server/config.ts default

type Kind = (typeof KINDS)[number];

interface Report {
  type: 'report';
  live: number;
  applied: number;
  resyncs: number;
  resynced: number;
  online: number;
  /** Wall clock of the last live entry. */
  lastAt: number;
  latency: [number, number][];
}

function start(script: string, args: string[]): ChildProcess {
  return fork(join(BENCH_DIR, 'lib', script), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function next<T>(child: ChildProcess, type: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`${type}: child exited (${code})`)));
  });
}

async function reportAll(clients: ChildProcess[]): Promise<Report[]> {
  return Promise.all(
    clients.map((c) => {
      const r = next<Report>(c, 'report');
      c.send({ type: 'report' });
      return r;
    }),
  );
}

async function runOne(kind: Kind, n: number, maxBackpressure = MAX_BACKPRESSURE) {
  const broadcasts = broadcastsFor(n);
  const server = start('fanout-server.ts', [kind, String(maxBackpressure)]);
  const clients: ChildProcess[] = [];
  try {
    const { port } = await next<{ port: number }>(server, 'listening');
    const url = `http://127.0.0.1:${port}`;
    const connectStarted = Date.now();
    for (let i = 0; i < CLIENT_PROCESSES; i++) {
      clients.push(start('fanout-clients.ts', [url, String(Math.round(n / CLIENT_PROCESSES))]));
    }
    await Promise.all(clients.map((c) => next(c, 'ready')));
    const connectMs = Date.now() - connectStarted;
    const expected = broadcasts * n;

    const burstStarted = Date.now();
    const done = next<{ ms: number; cpuMs: number }>(server, 'burst-done');
    server.send({ type: 'burst', count: broadcasts });
    const burst = await done;

    // "Before": what came off the wire, once the live stream has gone quiet.
    let reports = await reportAll(clients);
    let lastLive = -1;
    let firstQuiet = 0;
    const settleDeadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const live = reports.reduce((a, r) => a + r.live, 0);
      const applied = reports.reduce((a, r) => a + r.applied, 0);
      if (live === lastLive && firstQuiet === 0) firstQuiet = Date.now();
      if (live !== lastLive) firstQuiet = 0;
      lastLive = live;
      if ((applied >= expected && firstQuiet) || Date.now() > settleDeadline) break;
      await new Promise((r) => setTimeout(r, 200));
      reports = await reportAll(clients);
    }
    const live = reports.reduce((a, r) => a + r.live, 0);
    const applied = reports.reduce((a, r) => a + r.applied, 0);
    const histogram = new Map<number, number>();
    for (const r of reports) {
      for (const [ms, c] of r.latency) histogram.set(ms, (histogram.get(ms) ?? 0) + c);
    }
    const sorted = expand(histogram);
    const maxLatency = sorted.at(-1) ?? 0;
    const spanMs = Math.max(1, Math.max(...reports.map((r) => r.lastAt)) - burstStarted);
    return {
      kind,
      maxBackpressure: kind === 'uws' ? maxBackpressure : null,
      sockets: n,
      broadcasts,
      expected,
      connectMs,
      burstMs: Math.round(burst.ms),
      serverCpuMs: Math.round(burst.cpuMs),
      deliveriesPerSecond: Math.round(live / (spanMs / 1000)),
      latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: maxLatency },
      deliveredBefore: live,
      deliveredBeforeRatio: round4(live / expected),
      appliedAfter: applied,
      appliedAfterRatio: round4(applied / expected),
      resyncs: reports.reduce((a, r) => a + r.resyncs, 0),
      entriesResynced: reports.reduce((a, r) => a + r.resynced, 0),
      wallMs: Date.now() - burstStarted,
    };
  } finally {
    for (const c of clients) c.kill('SIGKILL');
    server.kill('SIGKILL');
  }
}

/** Latencies from the histogram, sorted (a few hundred thousand numbers at most). */
function expand(histogram: Map<number, number>): number[] {
  const out: number[] = [];
  for (const [ms, c] of [...histogram].sort((a, b) => a[0] - b[0])) {
    for (let i = 0; i < c; i++) out.push(ms);
  }
  return out;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

async function main() {
  const started = Date.now();
  const host = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const runs = [];
  for (const n of SIZES) {
    for (const kind of KINDS) {
      process.stdout.write(`fan-out: ${kind} × ${n} sockets…\n`);
      runs.push(await runOne(kind, n));
    }
  }
  if (process.env.FANOUT_TIGHT === '1') {
    // Opt-in (keeps the default run near three minutes): loopback kernel buffers absorb most
    // of a burst before uWS's own buffer passes even 16 KiB, so drops need a long burst.
    const tightAt = Math.min(...SIZES);
    process.stdout.write(`fan-out: uws × ${tightAt}, maxBackpressure ${TIGHT_BACKPRESSURE}…\n`);
    runs.push(await runOne('uws', tightAt, TIGHT_BACKPRESSURE));
  }
  const rows = runs.map(
    (r) =>
      `| ${r.kind === 'http' ? 'socket.io on node:http' : r.maxBackpressure === MAX_BACKPRESSURE ? 'socket.io on uWS' : `socket.io on uWS, maxBackpressure ${r.maxBackpressure} B`} | ${r.sockets} | ${r.broadcasts} | ${r.deliveriesPerSecond} | ${r.latencyMs.p50} / ${r.latencyMs.p99} | ${pct(r.deliveredBeforeRatio)} | ${pct(r.appliedAfterRatio)} | ${r.resyncs} | ${r.serverCpuMs} |`,
  );
  const table = [
    '| server | sockets | broadcasts | deliveries/s | latency p50 / p99 (ms) | delivered before resync | applied after resync | resyncs | server CPU for the burst (ms) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  process.stdout.write(`\n${table}\n\n`);
  const result = {
    benchmark: 'fanout',
    at: new Date().toISOString(),
    machine: host,
    settings: {
      clientProcesses: CLIENT_PROCESSES,
      maxBackpressure: MAX_BACKPRESSURE,
      broadcasts: Object.fromEntries(SIZES.map((n) => [n, broadcastsFor(n)])),
    },
    runs,
    totalMs: Date.now() - started,
  };
  const file = writeResult('fanout', result);
  writeText(
    join(BENCH_DIR, 'results', 'fanout-latest.md'),
    [
      `## Dashboard fan-out (${result.at.slice(0, 10)})`,
      '',
      `Machine: ${host.cpus} × ${host.cpuModel}, Node ${host.node}, load average at start ${host.loadAverage.join(' ')} (cores shared with other work).`,
      `Each broadcast is one \`conversation:updated\` (~500 bytes) to every socket; clients are the app's feed client in ${CLIENT_PROCESSES} processes; uWS maxBackpressure ${MAX_BACKPRESSURE} bytes.`,
      '',
      table,
      '',
      'Reproduce: `npm run bench:fanout`.',
      '',
    ].join('\n'),
  );
  process.stdout.write(`results: ${file}\n`);
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
