import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import type { Ack, ErrorCode } from '../../shared/errors';
import { AppError, toAck } from '../errors';
import {
  resyncRequestSchema,
  typingRequestSchema,
  watchRequestSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../shared/realtime.events';
import type { Database } from '../persistence/db';
import { isUuid } from '../persistence/tenant';
import { currentFeedSeq, readFeedSince } from './feed.pg';
import type { PresenceTracker } from './presence-tracker';
import { businessRoom, conversationRoom, managersRoom, sessionRoom, userRoom } from './rooms';
import type { SocketIdentity } from './socket-auth';

export interface SocketData {
  identity: SocketIdentity;
  /** The access token of the handshake, checked again before every feed read. */
  token: string;
}

export type RealtimeServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type RealtimeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface SocketHandlerDeps {
  database: Database;
  nodeId: string;
  resyncLimit: number;
  presence: PresenceTracker;
  log: Logger;
  /** The highest feed seq this node knows for a business (ephemeral events carry it). */
  seqOf(businessId: string): number;
  noteSeq(businessId: string, seq: number): void;
  /** Whether the token's login and membership are still live (the HTTP authenticator's check). */
  stillAllowed(token: string): Promise<boolean>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

const fail = (code: ErrorCode): Ack<never> => toAck(new AppError(code));

/** Acks never throw (docs/style.md rule 12); a client that sent no callback gets nothing. */
function answer<T>(ack: unknown, work: () => Promise<Ack<T>>, log: Logger, what: string) {
  const reply = typeof ack === 'function' ? (ack as (r: Ack<T>) => void) : () => {};
  work().then(reply, (err: unknown) => {
    log.error({ event: 'realtime.handler_failed', what, err }, 'socket handler failed');
    reply(toAck(err));
  });
}

/**
 * The `connection` handler. Rooms are joined HERE, not in middleware: with uWS only a socket
 * already registered in its namespace is subscribed to the uWS topic, so a join in `use()`
 * silently misses fast-published broadcasts (socketio/socket.io#5139, #4810).
 */
export function onConnection(io: RealtimeServer, deps: SocketHandlerDeps) {
  const { database, log } = deps;

  async function ownsConversation(businessId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await database.sql.query(
      `select 1 from conversations where id = $1 and business_id = $2`,
      [id, businessId],
    );
    return rows.length > 0;
  }

  return (socket: RealtimeSocket) => {
    const me = socket.data.identity;
    const entry = { nodeId: deps.nodeId, userId: me.userId, name: me.name, role: me.role };
    void socket.join([
      businessRoom(me.businessId),
      userRoom(me.userId),
      sessionRoom(me.sessionId),
      ...(me.role === 'agent' ? [] : [managersRoom(me.businessId)]),
    ]);
    deps.presence.join(me.businessId, entry);

    // The token's lifetime is the socket's: the client reconnects with a fresh one.
    const expiry = setTimeout(
      () => socket.disconnect(true),
      Math.min(MAX_TIMER_MS, Math.max(0, me.expiresAt - Date.now())),
    );
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      deps.presence.leave(me.businessId, entry);
    });

    // Subscribe first (joined above), then read the position (docs/style.md rule 14): anything
    // committed after this read reaches the socket live.
    currentFeedSeq(database.sql, me.businessId).then(
      (seq) => {
        deps.noteSeq(me.businessId, seq);
        socket.emit('hello', {
          seq,
          userId: me.userId,
          businessId: me.businessId,
          role: me.role,
          nodeId: deps.nodeId,
        });
      },
      (err: unknown) => {
        log.error({ event: 'realtime.hello_failed', err }, 'could not read the feed position');
        socket.disconnect(true);
      },
    );

    /** A socket whose login ended since the handshake is refused and closed. */
    const revoked = async (): Promise<boolean> => {
      if (await deps.stillAllowed(socket.data.token)) return false;
      socket.disconnect(true);
      return true;
    };

    socket.on('resync', (req, ack) =>
      answer(
        ack,
        async () => {
          const parsed = resyncRequestSchema.safeParse(req);
          if (!parsed.success) return fail('bad_request');
          if (await revoked()) return fail('unauthorized');
          const result = await readFeedSince(
            database.sql,
            me.businessId,
            parsed.data.sinceSeq,
            deps.resyncLimit,
          );
          deps.noteSeq(me.businessId, result.seq);
          return { ok: true, data: result };
        },
        log,
        'resync',
      ),
    );

    socket.on('conversation:watch', (req, ack) =>
      answer(
        ack,
        async () => {
          const parsed = watchRequestSchema.safeParse(req);
          if (!parsed.success) return fail('bad_request');
          if (await revoked()) return fail('unauthorized');
          const { id } = parsed.data;
          // Another business's conversation answers exactly like a missing one.
          if (!(await ownsConversation(me.businessId, id))) return fail('not_found');
          await socket.join(conversationRoom(id));
          return { ok: true, data: { id } };
        },
        log,
        'watch',
      ),
    );

    socket.on('conversation:unwatch', (req, ack) =>
      answer(
        ack,
        async () => {
          const parsed = watchRequestSchema.safeParse(req);
          if (!parsed.success) return fail('bad_request');
          await socket.leave(conversationRoom(parsed.data.id));
          return { ok: true, data: { id: parsed.data.id } };
        },
        log,
        'unwatch',
      ),
    );

    socket.on('typing', (req, ack) =>
      answer(
        ack,
        async () => {
          const parsed = typingRequestSchema.safeParse(req);
          if (!parsed.success) return fail('bad_request');
          const { conversationId, typing } = parsed.data;
          // Watched rooms were tenant-checked when joined; anything else is checked now.
          const watched = socket.rooms.has(conversationRoom(conversationId));
          if (!watched && !(await ownsConversation(me.businessId, conversationId))) {
            return fail('not_found');
          }
          io.to(businessRoom(me.businessId)).emit('typing', {
            seq: deps.seqOf(me.businessId),
            conversationId,
            userId: me.userId,
            name: me.name,
            typing,
          });
          return { ok: true, data: null };
        },
        log,
        'typing',
      ),
    );
  };
}
