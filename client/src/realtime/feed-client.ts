import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Ack } from '../../../shared/errors';
import type {
  ClientToServerEvents,
  ConversationFeed,
  FeedEntry,
  Hello,
  MessageCreated,
  MessageStatusEvent,
  PresenceUpdated,
  ResyncResult,
  ServerToClientEvents,
  TypingEvent,
} from '../../../shared/realtime.events';
import { FEED_EVENTS } from '../../../shared/realtime.events';
import type { AnalyticsSummary } from '../../../shared/analytics.schema';
import { createFeedSequencer, type FeedSequencer } from './feed-sequencer';

/**
 * The dashboard's live feed (docs/api.md, "Socket.io"), framework-free so the React app, node tests
 * and the fan-out bench share it. It connects with a token getter (read again on every
 * connection attempt), applies feed entries in `seq` order through `feed-sequencer.ts`, asks
 * `resync` when a hole outlives its grace or after a reconnect, and calls `onReset` when the
 * server cannot fill the hole (the app then refetches its lists over HTTP and reports the
 * versions it got with `noteVersion`).
 *
 * @example
 * const feed = createFeedClient({ url: '', getToken: () => api.accessToken(), onReset: reload });
 * feed.on('conversation:updated', (item) => inbox.upsert(item));
 * feed.onStatus((s) => connection.report('realtime', s === 'connecting' ? 'reconnecting' : s));
 */

export type FeedStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

export type ResetReason = 'first-connect' | 'too-far-behind';

export interface FeedClientOptions {
  /** Origin of the node ('' or undefined: the page's own origin). */
  url?: string;
  getToken: () => string | null | undefined | Promise<string | null | undefined>;
  /**
   * The feed cannot say what was missed: refetch lists over HTTP. Called once after the first
   * `hello` (the app has nothing yet) and whenever `resync` answers `reset`.
   */
  onReset?: (info: { reason: ResetReason; seq: number }) => void;
  /** The server refused the token twice in a row (expired session or removed member). */
  onUnauthorized?: () => void;
  gapGraceMs?: number;
  /** Time allowed for a `resync` or `conversation:watch` answer. */
  ackTimeoutMs?: number;
  /** Observes each feed entry as it comes off the wire, before ordering (metrics, benches). */
  onLiveEntry?: (entry: FeedEntry) => void;
  /** Passed to socket.io-client (e.g. `reconnectionDelayMax`); transport is always websocket. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface FeedHandlers {
  'conversation:created': (data: ConversationFeed) => void;
  'conversation:updated': (data: ConversationFeed) => void;
  'message:created': (data: MessageCreated) => void;
  'message:status': (data: MessageStatusEvent) => void;
  'analytics:updated': (data: { seq: number; summary: AnalyticsSummary }) => void;
  'presence:updated': (data: PresenceUpdated) => void;
  typing: (data: TypingEvent) => void;
  hello: (data: Hello) => void;
  /** Every feed entry, in seq order, after the version check. */
  entry: (entry: FeedEntry) => void;
}

export interface FeedStats {
  /** Feed entries received live (duplicates included). */
  live: number;
  /** Entries obtained through `resync`. */
  resynced: number;
  resyncs: number;
  resets: number;
}

export interface FeedClient {
  readonly status: FeedStatus;
  readonly stats: Readonly<FeedStats>;
  /** The last contiguous feed seq applied (-1 before the first hello). */
  readonly seq: number;
  readonly hello: Hello | null;
  on<K extends keyof FeedHandlers>(event: K, handler: FeedHandlers[K]): () => void;
  onStatus(listener: (status: FeedStatus) => void): () => void;
  /** Joins a conversation (typing indicators); `not_found` for one of another business. */
  watch(conversationId: string): Promise<Ack<{ id: string }>>;
  unwatch(conversationId: string): Promise<Ack<{ id: string }>>;
  typing(conversationId: string, typing: boolean): void;
  noteVersion(conversationId: string, version: number): void;
  versionOf(conversationId: string): number | undefined;
  /** Resolves at the next `online` (at once if online). */
  ready(): Promise<void>;
  close(): void;
}

type Listeners = { [K in keyof FeedHandlers]: Set<FeedHandlers[K]> };

const EPHEMERAL = ['analytics:updated', 'presence:updated', 'typing'] as const;
const UNAUTHORIZED_LIMIT = 2;

export function createFeedClient(options: FeedClientOptions): FeedClient {
  const ackTimeout = options.ackTimeoutMs ?? 10_000;
  const listeners = {} as Listeners;
  const statusListeners = new Set<(s: FeedStatus) => void>();
  let status: FeedStatus = 'connecting';
  let hello: Hello | null = null;
  let closed = false;
  let unauthorizedInRow = 0;
  const stats: FeedStats = { live: 0, resynced: 0, resyncs: 0, resets: 0 };

  function emitLocal<K extends keyof FeedHandlers>(event: K, ...args: Parameters<FeedHandlers[K]>) {
    const set = listeners[event] as Set<(...a: Parameters<FeedHandlers[K]>) => void> | undefined;
    if (!set) return;
    for (const handler of [...set]) handler(...args);
  }

  function setStatus(next: FeedStatus) {
    if (next === status) return;
    status = next;
    for (const listener of [...statusListeners]) listener(next);
  }

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.url ?? '', {
    path: '/socket.io',
    ...options.socketOptions,
    transports: ['websocket'],
    // Called on every (re)connection attempt, so a refreshed access token is picked up.
    auth: (cb) => {
      void Promise.resolve()
        .then(() => options.getToken())
        .then(
          (token) => cb({ token: token ?? '' }),
          () => cb({ token: '' }),
        );
    },
  });

  const sequencer: FeedSequencer = createFeedSequencer({
    gapGraceMs: options.gapGraceMs,
    deliver(entry) {
      emitLocal('entry', entry);
      // The discriminated union pairs each event with its data type.
      (emitLocal as (e: string, d: unknown) => void)(entry.event, entry.data);
    },
    requestResync(sinceSeq) {
      void resync(sinceSeq);
    },
    onReset(seq) {
      stats.resets += 1;
      options.onReset?.({ reason: 'too-far-behind', seq });
    },
  });

  async function resync(sinceSeq: number) {
    let result: ResyncResult | null = null;
    stats.resyncs += 1;
    try {
      const ack = await socket.timeout(ackTimeout).emitWithAck('resync', { sinceSeq });
      if (ack.ok) result = ack.data;
      if (result && !result.reset) stats.resynced += result.entries.length;
    } catch {
      // Timed out or disconnected: the next hole or reconnect asks again.
    }
    sequencer.applyResync(result);
  }

  socket.on('hello', (data) => {
    hello = data;
    unauthorizedInRow = 0;
    if (!sequencer.started) {
      // Nothing held yet: start at the server's position and let the app load lists.
      sequencer.start(data.seq);
      options.onReset?.({ reason: 'first-connect', seq: data.seq });
    } else if (data.seq > sequencer.seq) {
      // A reconnect: we are in the rooms again (subscribe first), now back-fill from the
      // feed; live entries that arrive meanwhile wait in the sequencer and are de-duplicated.
      sequencer.observeSeq(data.seq);
      sequencer.resyncNow();
    }
    emitLocal('hello', data);
    setStatus('online');
  });

  for (const event of FEED_EVENTS) {
    socket.on(event, (data: FeedEntry['data']) => {
      const entry = { event, data } as FeedEntry;
      stats.live += 1;
      options.onLiveEntry?.(entry);
      sequencer.receive(entry);
    });
  }
  for (const event of EPHEMERAL) {
    socket.on(event, (data: { seq: number }) => {
      sequencer.observeSeq(data.seq);
      (emitLocal as (e: string, d: unknown) => void)(event, data);
    });
  }

  socket.on('disconnect', (reason) => {
    if (closed) return;
    setStatus('reconnecting');
    // A server-side disconnect (token expired, membership changed) does not auto-reconnect:
    // try once more with a fresh token; a refused handshake then ends in `offline`.
    if (reason === 'io server disconnect') setTimeout(() => !closed && socket.connect(), 100);
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    if (closed) return;
    const refused = err.message === 'unauthorized' || err.data?.code === 'unauthorized';
    if (!refused) {
      setStatus(socket.active ? 'reconnecting' : 'offline');
      return;
    }
    unauthorizedInRow += 1;
    if (unauthorizedInRow >= UNAUTHORIZED_LIMIT) {
      setStatus('offline');
      options.onUnauthorized?.();
      return;
    }
    setStatus('reconnecting');
    // A middleware refusal stops socket.io's own retries; the getter may refresh the token.
    setTimeout(() => !closed && socket.connect(), 500);
  });
  socket.io.on('reconnect_attempt', () => setStatus('reconnecting'));

  async function ask(event: 'conversation:watch' | 'conversation:unwatch', id: string) {
    try {
      return await socket.timeout(ackTimeout).emitWithAck(event, { id });
    } catch {
      return {
        ok: false as const,
        error: { code: 'unavailable' as const, message: 'No answer from the server.' },
      };
    }
  }

  return {
    get status() {
      return status;
    },
    get stats() {
      return stats;
    },
    get seq() {
      return sequencer.seq;
    },
    get hello() {
      return hello;
    },
    on(event, handler) {
      const set = (listeners[event] ??= new Set() as never) as Set<typeof handler>;
      set.add(handler);
      return () => set.delete(handler);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    watch: (id) => ask('conversation:watch', id),
    unwatch: (id) => ask('conversation:unwatch', id),
    typing(conversationId, typing) {
      socket.emit('typing', { conversationId, typing });
    },
    noteVersion: (id, version) => sequencer.noteVersion(id, version),
    versionOf: (id) => sequencer.versionOf(id),
    ready() {
      if (status === 'online') return Promise.resolve();
      return new Promise((resolve) => {
        const off = (s: FeedStatus) => {
          if (s !== 'online') return;
          statusListeners.delete(off);
          resolve();
        };
        statusListeners.add(off);
      });
    },
    close() {
      closed = true;
      sequencer.dispose();
      socket.disconnect();
      setStatus('offline');
    },
  };
}
