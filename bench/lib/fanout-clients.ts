import { createFeedClient, type FeedClient } from '../../client/src/realtime/feed-client';

/**
 * `count` dashboards in this process, each the app's own feed client
 * (client/src/realtime/feed-client.ts): live entries are counted and timed as they come off the
 * wire; gaps are healed through `resync` as in the app.
 *
 * IPC: → `{type:'ready'}` once all are online; ← `{type:'report'}` → `{type:'report', …}`.
 */

const [url = '', countArg = '0'] = process.argv.slice(2);
const count = Number(countArg);
const clients: FeedClient[] = [];
let live = 0;
let lastAt = 0;
const latency = new Map<number, number>();

function onLive(data: { updatedAt?: string }) {
  live += 1;
  lastAt = Date.now();
  if (!data.updatedAt) return;
  const ms = Math.max(0, Math.round(Date.now() - Date.parse(data.updatedAt)));
  latency.set(ms, (latency.get(ms) ?? 0) + 1);
}

async function connectAll() {
  const BATCH = 250;
  for (let i = 0; i < count; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - i) }, () => {
      const client = createFeedClient({
        url,
        getToken: () => 'bench',
        gapGraceMs: 250,
        ackTimeoutMs: 30_000,
        onLiveEntry: (entry) => onLive(entry.data as { updatedAt?: string }),
        socketOptions: { forceNew: true, reconnectionDelay: 500, reconnectionDelayMax: 2000 },
      });
      clients.push(client);
      return client.ready();
    });
    await Promise.all(batch);
  }
}

const send = (message: unknown) => process.send?.(message);
process.on('message', (message: { type: string }) => {
  if (message.type === 'report') {
    let applied = 0;
    let resyncs = 0;
    let resynced = 0;
    let online = 0;
    for (const c of clients) {
      applied += Math.max(0, c.seq);
      resyncs += c.stats.resyncs;
      resynced += c.stats.resynced;
      if (c.status === 'online') online += 1;
    }
    send({
      type: 'report',
      live,
      applied,
      resyncs,
      resynced,
      online,
      lastAt,
      latency: [...latency.entries()],
    });
  }
});
process.on('disconnect', () => {
  for (const c of clients) c.close();
  process.exit(0);
});
void connectAll().then(
  () => send({ type: 'ready' }),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
