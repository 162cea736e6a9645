import { io, type Socket } from 'socket.io-client';
import type { Ack } from '../../../shared/errors';
import type {
  ClientToServerEvents,
  FeedEntry,
  ServerToClientEvents,
} from '../../../shared/realtime.events';
import type { ConnectionState } from '../connection/connection-store';

/**
 * The app's live feed as the pages use it. A thin socket.io adapter with the contract's
 * guarantees (seq gap → `resync`, `reset` → refetch, highest version per conversation); the
 * `realtime2` branch's feed client implements the same interface and replaces it when merged.
 */

export type LiveEventName = keyof ServerToClientEvents;
export type LiveHandler<E extends LiveEventName> = Parameters<ServerToClientEvents[E]>[0];

export interface LiveFeed {
  on<E extends LiveEventName>(event: E, handler: (data: LiveHandler<E>) => void): () => void;
  /** Called when events may have been missed and cannot be replayed: refetch what is shown. */
  onReset(handler: () => void): () => void;
  /** Joins one conversation's room (typing); returns the leave function. */
  watch(conversationId: string): () => void;
  typing(conversationId: string, typing: boolean): void;
  close(): void;
}

export interface SocketFeedOptions {
  url?: string;
  token: () => string | null;
  report: (state: ConnectionState, details?: { attempt?: number }) => void;
}

const DURABLE = new Set<LiveEventName>([
  'conversation:created',
  'conversation:updated',
  'message:created',
  'message:status',
]);
const ALL_EVENTS: LiveEventName[] = [
  'conversation:created',
  'conversation:updated',
  'message:created',
  'message:status',
  'analytics:updated',
  'presence:updated',
  'typing',
];

export function createSocketFeed(options: SocketFeedOptions): LiveFeed {
  const handlers = new Map<LiveEventName, Set<(data: unknown) => void>>();
  const resetHandlers = new Set<() => void>();
  const watched = new Map<string, number>();
  const versions = new Map<string, number>();
  let seq: number | null = null;
  let resyncing = false;

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.url ?? '/', {
    path: '/socket.io',
    transports: ['websocket'],
    auth: (cb) => cb({ token: options.token() ?? '' }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });

  const dispatch = (event: LiveEventName, data: unknown) => {
    if (event === 'conversation:created' || event === 'conversation:updated') {
      const item = data as { id: string; version: number };
      const known = versions.get(item.id);
      if (known !== undefined && item.version < known) return;
      versions.set(item.id, item.version);
    }
    for (const handler of [...(handlers.get(event) ?? [])]) handler(data);
  };
  const reset = () => {
    versions.clear();
    for (const handler of [...resetHandlers]) handler();
  };

  function resync() {
    if (resyncing || seq === null) return;
    resyncing = true;
    socket.timeout(10_000).emit('resync', { sinceSeq: seq }, (err: unknown, res: Ack<unknown>) => {
      resyncing = false;
      if (err || !res.ok) return reset();
      const data = res.data as
        { reset: true; seq: number } | { reset: false; entries: FeedEntry[]; seq: number };
      if (data.reset) {
        seq = data.seq;
        return reset();
      }
      for (const entry of data.entries) {
        if (seq !== null && entry.data.seq <= seq) continue;
        seq = entry.data.seq;
        dispatch(entry.event, entry.data);
      }
      seq = Math.max(seq ?? 0, data.seq);
    });
  }

  socket.on('hello', (hello) => {
    const first = seq === null;
    if (first) seq = hello.seq;
    else if (hello.seq > (seq ?? 0)) resync();
    for (const id of watched.keys()) socket.emit('conversation:watch', { id }, () => undefined);
  });

  for (const event of ALL_EVENTS) {
    socket.on(event, ((data: { seq: number }) => {
      if (DURABLE.has(event)) {
        if (seq !== null && data.seq <= seq) return;
        if (seq !== null && data.seq > seq + 1) {
          resync();
          return;
        }
        seq = data.seq;
      } else if (seq !== null && data.seq > seq) {
        resync();
      }
      dispatch(event, data);
    }) as never);
  }

  socket.on('connect', () => options.report('online'));
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') options.report('reconnecting', { attempt: 1 });
  });
  socket.io.on('reconnect_attempt', (attempt) => options.report('reconnecting', { attempt }));
  socket.on('connect_error', () => {
    if (!socket.active) options.report('offline');
  });

  return {
    on(event, handler) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const h = handler as (data: unknown) => void;
      set.add(h);
      return () => set.delete(h);
    },
    onReset(handler) {
      resetHandlers.add(handler);
      return () => resetHandlers.delete(handler);
    },
    watch(id) {
      const count = watched.get(id) ?? 0;
      watched.set(id, count + 1);
      if (count === 0 && socket.connected) {
        socket.emit('conversation:watch', { id }, () => undefined);
      }
      return () => {
        const left = (watched.get(id) ?? 1) - 1;
        if (left > 0) return watched.set(id, left);
        watched.delete(id);
        if (socket.connected) socket.emit('conversation:unwatch', { id }, () => undefined);
      };
    },
    typing(conversationId, typing) {
      if (socket.connected) socket.emit('typing', { conversationId, typing });
    },
    close() {
      socket.close();
    },
  };
}
