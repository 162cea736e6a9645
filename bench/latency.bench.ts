import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { ServerToClientEvents } from '../shared/realtime.events';
import { startFakeMetaGraph } from '../test/fakes/meta-graph.fake';
import { PASSWORD } from '../test/helpers/auth';
import { seedChannels, signedMessage } from './lib/channels';
import { onCleanup, runPart } from './lib/cleanup';
import { BENCH_DIR, machine, percentile, progress, startCluster, writeResult } from './lib/harness';
import { round1, table, type PartResult } from './lib/result';

/**
 * End-to-end latency: a signed webhook POSTed to node A → the `conversation:updated` (or
 * `:created`) that carries its message on a dashboard socket connected to node B, at 25 %, 50 %
 * and 75 % of the sustainable rate the ingest part measured: customer messages applied per
 * second over its load and drain, i.e. with every bot reply they caused also applied and sent
 * (or, from older results, the lower of accepted webhooks/s and customer messages applied while
 * the load ran). Above that rate the backlog, and so the latency, only grows.
 *
 *   npm run bench:latency [-- --quick] [--saturation 120 --seconds 20 --contacts 600]
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    saturation: { type: 'string' },
    seconds: { type: 'string' },
    contacts: { type: 'string' },
  },
});
const QUICK = values.quick;
const SECONDS = Number(values.seconds ?? (QUICK ? 6 : 20));
const CONTACTS = Number(values.contacts ?? (QUICK ? 200 : 600));
const LEVELS = [0.25, 0.5, 0.75] as const;

/** The sustainable rate from the newest ingest result, or `--saturation`, or a cautious 40/s. */
function saturation(): { rate: number; source: string } {
  if (values.saturation) return { rate: Number(values.saturation), source: '--saturation' };
  const dir = join(BENCH_DIR, 'results');
  const newest = readdirSync(dir)
    .filter((f) => /^ingest-\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort()
    .at(-1);
  if (!newest) return { rate: 40, source: 'default (no ingest result yet)' };
  const r = JSON.parse(readFileSync(join(dir, newest), 'utf8')) as {
    load?: { acceptedPerSecond?: number };
    applied?: { customerPerSecond?: number; overallCustomerPerSecond?: number };
  };
  const rate =
    r.applied?.overallCustomerPerSecond ??
    Math.min(r.load?.acceptedPerSecond ?? 40, r.applied?.customerPerSecond ?? 40);
  return { rate: Math.max(4, rate), source: newest };
}

interface Level {
  level: number;
  targetPerSecond: number;
  sentPerSecond: number;
  sent: number;
  observed: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

async function main() {
  const host = machine();
  const sat = saturation();
  process.stdout.write(
    `latency benchmark: saturation ${sat.rate}/s (${sat.source}), load ${host.loadAverage.join(' ')}${QUICK ? ' (quick)' : ''}\n`,
  );
  const graph = await startFakeMetaGraph();
  onCleanup(() => graph.close());
  const cluster = await startCluster(2, { META_GRAPH_URL: graph.url });
  onCleanup(() => cluster.close());
  const [nodeA, nodeB] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];

  // A real owner (the socket handshake checks the login and the membership), who takes over
  // the bench shop's channel accounts.
  const email = `latency-${Date.now()}@example.com`;
  const reg = await fetch(`${nodeA.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ businessName: 'Latency shop', email, password: PASSWORD }),
  });
  if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
  const session = (await reg.json()) as { accessToken: string; business: { id: string } };
  await cluster.sql`update integrations set business_id = ${session.business.id}
                    where business_id = ${cluster.businessId}`;
  await seedChannels(cluster.sql, session.business.id);

  const socket: Socket<ServerToClientEvents> = io(nodeB.url, {
    transports: ['websocket'],
    auth: { token: session.accessToken },
  });
  onCleanup(() => void socket.close());
  await new Promise<void>((resolve, reject) => {
    socket.once('hello', () => resolve());
    socket.once('connect_error', reject);
  });

  // text → when it was posted; text → (conversation, version, arrival) of its message:created;
  // conversation → conversation events (version, arrival) in order.
  const sentAt = new Map<string, number>();
  const messageSeen = new Map<string, { conversationId: string; version: number; at: number }>();
  const conversationSeen = new Map<string, { version: number; at: number }[]>();
  socket.on('message:created', (e) => {
    if (sentAt.has(e.message.text) && !messageSeen.has(e.message.text))
      messageSeen.set(e.message.text, {
        conversationId: e.conversationId,
        version: e.version,
        at: performance.now(),
      });
  });
  const onConversation = (c: { id: string; version: number }) => {
    const list = conversationSeen.get(c.id) ?? [];
    list.push({ version: c.version, at: performance.now() });
    conversationSeen.set(c.id, list);
  };
  socket.on('conversation:created', onConversation);
  socket.on('conversation:updated', onConversation);

  let counter = 0;
  async function post(level: number): Promise<string> {
    const n = counter++;
    const text = `latency ${level} #${n}`;
    const signed = signedMessage(n % CONTACTS, text);
    sentAt.set(text, performance.now());
    const res = await fetch(`${nodeA.url}/api/webhooks/meta`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    if (res.status !== 200) throw new Error(`webhook: ${res.status}`);
    await res.arrayBuffer();
    return text;
  }

  function latencyOf(text: string): number | null {
    const m = messageSeen.get(text);
    const posted = sentAt.get(text);
    if (!m || posted === undefined) return null;
    const conv = conversationSeen.get(m.conversationId)?.find((c) => c.version >= m.version);
    if (!conv) return null;
    return Math.max(m.at, conv.at) - posted;
  }

  // Warm-up: every contact's conversation exists, code paths are hot.
  progress(`warm-up: ${CONTACTS} contacts`);
  for (let i = 0; i < CONTACTS; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, CONTACTS - i) }, () => post(0)));
  }
  await new Promise((r) => setTimeout(r, QUICK ? 3000 : 8000));

  const levels: Level[] = [];
  for (const level of LEVELS) {
    const target = sat.rate * level;
    progress(`${Math.round(level * 100)} %: ${round1(target)} webhooks/s for ${SECONDS} s`);
    const texts: Promise<string>[] = [];
    const started = performance.now();
    // Open loop: the schedule does not wait for answers (a slow server cannot slow the load).
    await new Promise<void>((resolve) => {
      let due = 0;
      const timer = setInterval(() => {
        const elapsed = (performance.now() - started) / 1000;
        if (elapsed >= SECONDS) {
          clearInterval(timer);
          resolve();
          return;
        }
        const should = Math.floor(elapsed * target);
        for (; due < should; due++) texts.push(post(level));
      }, 5);
    });
    const posted = await Promise.all(texts);
    const sentSeconds = (performance.now() - started) / 1000;
    // Let the tail arrive (bounded).
    const deadline = performance.now() + (QUICK ? 15_000 : 60_000);
    while (performance.now() < deadline && posted.some((t) => latencyOf(t) === null)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const latencies = posted
      .map(latencyOf)
      .filter((l): l is number => l !== null)
      .sort((a, b) => a - b);
    const q = (p: number) => round1(percentile(latencies, p));
    levels.push({
      level,
      targetPerSecond: round1(target),
      sentPerSecond: round1(posted.length / sentSeconds),
      sent: posted.length,
      observed: latencies.length,
      latencyMs: { p50: q(50), p90: q(90), p99: q(99), max: round1(latencies.at(-1) ?? 0) },
    });
    // Quiet between levels, so one level's backlog does not count against the next.
    await new Promise((r) => setTimeout(r, QUICK ? 2000 : 5000));
  }

  const settings = {
    nodes: 2,
    saturationPerSecond: sat.rate,
    saturationSource: sat.source,
    seconds: SECONDS,
    contacts: CONTACTS,
    path: 'POST to node A → conversation event with the message on a socket connected to node B',
    ai: 'offline bot replying (its replies are load too)',
  };
  const result: PartResult & Record<string, unknown> = {
    benchmark: 'latency',
    at: new Date().toISOString(),
    quick: QUICK,
    machine: host,
    settings,
    levels,
    markdown: [
      `Webhook POST to node A → the conversation event carrying that message on a dashboard socket connected to node B (through Redis), open-loop load at fractions of the sustainable rate ${sat.rate}/s (${sat.source}), ${SECONDS} s per level, ${CONTACTS} contacts over three channels, the offline bot replying.`,
      '',
      ...table(
        [
          'load',
          'webhooks/s (target / sent)',
          'observed / sent',
          'p50 ms',
          'p90 ms',
          'p99 ms',
          'max ms',
        ],
        levels.map((l) => [
          `${Math.round(l.level * 100)} %`,
          `${l.targetPerSecond} / ${l.sentPerSecond}`,
          `${l.observed} / ${l.sent}`,
          l.latencyMs.p50,
          l.latencyMs.p90,
          l.latencyMs.p99,
          l.latencyMs.max,
        ]),
      ),
    ],
    caveats: [
      'The load generator and the dashboard client share one process (timestamps on one clock); the nodes are separate processes.',
      ...(levels.some((l) => l.observed < l.sent)
        ? [
            'Some messages were not observed within the tail budget: the socket missed them live (the feed client would resync them), or the backlog outlasted the budget.',
          ]
        : []),
    ],
    reproduce: `npm run bench:latency${QUICK ? ' -- --quick' : ''}`,
  };
  const file = writeResult('latency', result);
  process.stdout.write(`${result.markdown.join('\n')}\n\nwrote ${file}\n`);
}

runPart(main);
