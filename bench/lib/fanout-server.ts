import { createServer } from 'node:http';
import { Server } from 'socket.io';
import uws from 'uWebSockets.js';
import type { ConversationFeed, FeedEntry, ResyncResult } from '../../shared/realtime.events';
import { businessRoom } from '../../server/realtime/rooms';

/**
 * One socket.io server for the fan-out bench, in its own process (socket.io's uWS support
 * patches the adapter process-wide, so the two kinds never share one). `kind` picks the
 * transport; everything else is the same code: rooms joined in the connection handler, `hello`
 * with the feed position, one `io.to(room).emit` per entry (the uWS fast path, as
 * server/realtime/realtime.ts does), and `resync` answered from the feed kept in memory with
 * the `ResyncResult` contract.
 *
 * IPC: → `{type:'listening', port}`; ← `{type:'burst', count}` → `{type:'burst-done', cpuMs, ms}`.
 */

const kind = process.argv[2] === 'http' ? 'http' : 'uws';
const maxBackpressure = Number(process.argv[3] ?? 1024 * 1024);
const BUSINESS = '00000000-0000-4000-8000-000000000001';
const room = businessRoom(BUSINESS);
const feed: FeedEntry[] = [];
let seq = 0;

const io = new Server({ path: '/socket.io', transports: ['websocket'], serveClient: false });

io.on('connection', (socket) => {
  void socket.join(room);
  socket.emit('hello', { seq, userId: 'bench', businessId: BUSINESS, role: 'agent', nodeId: kind });
  socket.on('resync', (req: { sinceSeq: number }, ack: (r: unknown) => void) => {
    const since = Math.max(0, Math.floor(Number(req?.sinceSeq) || 0));
    const result: ResyncResult =
      seq - since > 5000
        ? { reset: true, seq }
        : { reset: false, entries: feed.slice(since, seq), seq };
    ack({ ok: true, data: result });
  });
});

function item(i: number): ConversationFeed {
  const now = new Date().toISOString();
  return {
    seq: ++seq,
    id: `00000000-0000-4000-8000-${String(i % 500).padStart(12, '0')}`,
    channel: 'whatsapp',
    contact: { id: 'c1', name: 'Bench Customer', externalId: `4471${i % 500}` },
    state: 'handoff',
    path: 'handoff.queued',
    assigneeId: null,
    lastMessage: {
      text: `Hello, is the blue one still in stock? (${i})`,
      author: 'customer',
      createdAt: now,
    },
    unread: 1,
    version: seq,
    lastInboundAt: now,
    needsAttention: true,
    createdAt: now,
    // The send time, read back by the clients for latency (same clock: one machine).
    updatedAt: now,
  };
}

async function burst(count: number) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const data = item(i);
    feed.push({ event: 'conversation:updated', data });
    io.to(room).emit('conversation:updated', data);
    // Yield now and then, as a node between commits would.
    if (i % 20 === 19) await new Promise((r) => setImmediate(r));
  }
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

async function listen(): Promise<number> {
  if (kind === 'http') {
    const server = createServer();
    io.attach(server);
    return new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      }),
    );
  }
  const app = uws.App();
  io.attachApp(app, { maxBackpressure } as object);
  return new Promise((resolve, reject) =>
    app.listen('127.0.0.1', 0, (socket) =>
      socket ? resolve(uws.us_socket_local_port(socket)) : reject(new Error('listen failed')),
    ),
  );
}

const send = (message: unknown) => process.send?.(message);
process.on('message', (message: { type: string; count?: number }) => {
  if (message.type === 'burst') {
    void burst(message.count ?? 0).then((r) => send({ type: 'burst-done', ...r }));
  } else if (message.type === 'stats') {
    send({ type: 'stats', sockets: io.of('/').sockets.size, cpu: process.cpuUsage() });
  }
});
process.on('disconnect', () => process.exit(0));
void listen().then((port) => send({ type: 'listening', port }));
