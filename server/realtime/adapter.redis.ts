import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ServerOptions } from 'socket.io';
import type { Redis } from '../fabric/redis';

/**
 * socket.io across nodes through one Redis stream (docs/architecture.md, "Realtime": the streams
 * adapter survives short Redis outages by resuming from its offset, which pub/sub cannot). The
 * adapter duplicates the client for its blocking reads; our clients time commands out after 2 s, so
 * each XREAD blocks for 1 s at most.
 *
 * The adapter re-polls at once when a read fails. Our clients fail fast while disconnected
 * (`disableOfflineQueue`), so during a Redis restart that became a loop of instantly rejected
 * reads: microtasks only, which starved the event loop (the reconnect timer never ran and the
 * node stopped applying events). Its reading duplicate therefore queues offline instead: a read
 * waits for the reconnect, bounded by the command timeout.
 */
export function createStreamsAdapter(redis: Redis, prefix: string): ServerOptions['adapter'] {
  const forAdapter = new Proxy(redis, {
    get(target, prop) {
      if (prop === 'duplicate')
        return (overrides?: Parameters<Redis['duplicate']>[0]) =>
          target.duplicate({ ...overrides, disableOfflineQueue: false });
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  return createAdapter(forAdapter, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}sio:session:`,
    blockTimeInMs: 1000,
    maxLen: 10_000,
    onlyPlaintext: true,
  }) as ServerOptions['adapter'];
}
