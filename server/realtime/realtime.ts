import type { AnalyticsSummary } from '../../shared/analytics.schema';
import type { Logger } from 'pino';
import type { FeedEntry } from '../../shared/realtime.events';
import { Server, type ServerOptions } from 'socket.io';
import type { TemplatedApp } from 'uWebSockets.js';
import type { Notifications } from '../commerce/notifications';
import type { Authenticator } from '../http/route';
import type { Database } from '../persistence/db';
import type { AccessEvents, PresenceStore } from '../ports';
import type { FeedPublisher } from './feed-publisher';
import { pruneFeed } from './feed.pg';
import { createPresenceTracker } from './presence-tracker';
import { businessRoom, managersRoom, sessionRoom, userRoom } from './rooms';
import { authenticateSocket } from './socket-auth';
import { onConnection, type RealtimeServer } from './socket.handlers';

/**
 * socket.io on the node's uWS app (docs/api.md, "Socket.io"; docs/architecture.md, "Realtime"):
 * websocket only, rooms `biz:<id>`, `biz:<id>:managers`, `user:<id>`, `conv:<id>`, every broadcast
 * to one room (uWS fast publish). Across nodes the adapter (Redis Streams when REDIS_URL is set)
 * carries broadcasts and `disconnectSockets`.
 *
 * uWS drops frames to a socket past `maxBackpressure` (docs/architecture.md, "Facts measured"), so
 * the durable events go through the feed (feed-publisher.ts) and clients heal with `resync`.
 *
 * One per process: socket.io's uWS support patches `Adapter.prototype` globally and publishes
 * through the app attached last.
 */

export interface RealtimeDeps {
  app: TemplatedApp;
  database: Database;
  /** Listening since before the runtime started (server/main.ts). */
  publisher: FeedPublisher;
  authenticator: Authenticator;
  presence: PresenceStore;
  access: AccessEvents;
  notifications?: Notifications;
  log: Logger;
  nodeId: string;
  /** socket.io adapter factory (Redis Streams across nodes); in-memory when absent. */
  adapter?: ServerOptions['adapter'];
  options: {
    resyncLimit: number;
    maxBackpressure: number;
    presenceTtlMs: number;
    feedRetentionMs: number;
    feedKeepMin: number;
    feedPruneIntervalMs: number;
  };
}

export interface Realtime {
  readonly io: RealtimeServer;
  readonly publisher: FeedPublisher;
  /** `analytics:updated` to the business's owners and admins (the figures are theirs only). */
  emitAnalytics(businessId: string, summary: AnalyticsSummary): void;
  close(): Promise<void>;
}

export function createRealtime(deps: RealtimeDeps): Realtime {
  const { database, log, options } = deps;
  const io: RealtimeServer = new Server({
    path: '/socket.io',
    transports: ['websocket'],
    serveClient: false,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });
  // engine.io passes `maxBackpressure` on to `app.ws()`; socket.io's type does not list it.
  io.attachApp(deps.app, { maxBackpressure: options.maxBackpressure } as object);

  const seqs = new Map<string, number>();
  const noteSeq = (businessId: string, seq: number) => {
    if (seq > (seqs.get(businessId) ?? 0)) seqs.set(businessId, seq);
  };
  const seqOf = (businessId: string) => seqs.get(businessId) ?? 0;

  const presence = createPresenceTracker({
    store: deps.presence,
    ttlMs: options.presenceTtlMs,
    log,
    onChange(businessId) {
      deps.presence.list(businessId).then(
        (agents) =>
          io.to(businessRoom(businessId)).emit('presence:updated', {
            seq: seqOf(businessId),
            agents,
          }),
        (err: unknown) =>
          log.warn({ event: 'realtime.presence_failed', err }, 'presence list failed'),
      );
    },
  });

  io.use((socket, next) => {
    const token: unknown = socket.handshake.auth.token;
    authenticateSocket({ authenticator: deps.authenticator, db: database.db }, token).then(
      (identity) => {
        socket.data.identity = identity;
        socket.data.token = token as string;
        next();
      },
      next,
    );
  });
  io.on(
    'connection',
    onConnection(io, {
      database,
      nodeId: deps.nodeId,
      resyncLimit: options.resyncLimit,
      presence,
      log,
      seqOf,
      noteSeq,
      // A disconnect sent through the adapter can be lost (Redis down at that moment): reads
      // of the feed check the login again, as every HTTP request does.
      stillAllowed: (token) =>
        deps.authenticator.authenticate(token, 'member').then(
          () => true,
          () => false,
        ),
    }),
  );

  const { publisher } = deps;
  const broadcast = (businessId: string, entries: FeedEntry[]) => {
    for (const entry of entries) {
      noteSeq(businessId, entry.data.seq);
      // One room per emit: the uWS fast path. A fresh operator per emit (they are stateful).
      (io.to(businessRoom(businessId)).emit as (event: string, data: unknown) => boolean)(
        entry.event,
        entry.data,
      );
    }
  };
  publisher.events.on('stored', broadcast);

  // Cross-node: the adapter delivers `disconnectSockets` to every node's sockets of the room.
  const stopAccess = deps.access.subscribe((change) => {
    const room = change.kind === 'user' ? userRoom(change.userId) : sessionRoom(change.sessionId);
    io.in(room).disconnectSockets(true);
  });
  const stopNotices = deps.notifications?.subscribe((notice) => {
    io.to(managersRoom(notice.businessId)).emit('commerce:notice', {
      seq: seqOf(notice.businessId),
      notice,
    });
  });

  const prune = setInterval(() => {
    pruneFeed(database.sql, options.feedRetentionMs, options.feedKeepMin).catch((err: unknown) =>
      log.warn({ event: 'realtime.prune_failed', err }, 'feed prune failed'),
    );
  }, options.feedPruneIntervalMs);
  prune.unref();

  return {
    io,
    publisher,
    emitAnalytics(businessId, summary) {
      io.to(managersRoom(businessId)).emit('analytics:updated', {
        seq: seqOf(businessId),
        summary,
      });
    },
    async close() {
      clearInterval(prune);
      stopAccess();
      stopNotices?.();
      publisher.stop();
      await publisher.idle();
      publisher.events.off('stored', broadcast);
      await presence.stop();
      await io.close();
    },
  };
}
