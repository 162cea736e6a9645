import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ServerOptions } from 'socket.io';
import type { Redis } from '../fabric/redis';

/**
 * socket.io across nodes through one Redis stream (architecture.md §4.4: the streams adapter
 * survives short Redis outages by resuming from its offset, which pub/sub cannot). The adapter
 * duplicates the client for its blocking reads; our clients time commands out after 2 s, so
 * each XREAD blocks for 1 s at most.
 */
export function createStreamsAdapter(redis: Redis, prefix: string): ServerOptions['adapter'] {
  return createAdapter(redis, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}sio:session:`,
    blockTimeInMs: 1000,
    maxLen: 10_000,
    onlyPlaintext: true,
  }) as ServerOptions['adapter'];
}
