import type { Logger } from 'pino';
import type { HintBus } from '../ports';
import type { Redis } from './redis';

const MAX_LEN = 10_000;
const BLOCK_MS = 1000;

/**
 * One Redis stream per shard (`in:{shard}`), read only by the shard's owner: per-key order
 * needs one reader per stream (docs/architecture.md, "Routing and the sweep"). Plain XREAD from the
 * last seen ID, no consumer group: after a restart or a takeover the owner sweeps the inbox
 * instead, which is also what covers a flushed or restarted Redis.
 */
export function createRedisHintBus(redis: Redis, prefix: string, log: Logger): HintBus {
  const key = (shard: number) => `${prefix}in:${shard}`;
  return {
    async publish(shard, conversationId) {
      await redis.xAdd(
        key(shard),
        '*',
        { c: conversationId },
        {
          TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: MAX_LEN },
        },
      );
    },
    async subscribe(shards, onHint) {
      const reader = redis.duplicate();
      reader.on('error', () => {
        // The main client logs connection problems; the reader just retries.
      });
      await reader.connect();
      const cursors = new Map<number, string>();
      let open = true;

      const loop = async () => {
        while (open) {
          const current = shards();
          for (const s of cursors.keys()) if (!current.includes(s)) cursors.delete(s);
          // A newly owned shard starts at "now"; the owner's sweep covers anything older.
          for (const s of current) if (!cursors.has(s)) cursors.set(s, '$');
          if (current.length === 0) {
            await new Promise((r) => setTimeout(r, 200));
            continue;
          }
          try {
            const reply = await reader.xRead(
              current.map((s) => ({ key: key(s), id: cursors.get(s) ?? '$' })),
              { BLOCK: BLOCK_MS, COUNT: 1000 },
            );
            for (const stream of (reply ?? []) as {
              name: string;
              messages: { id: string; message: Record<string, string> }[];
            }[]) {
              const shard = Number(stream.name.slice(stream.name.lastIndexOf(':') + 1));
              for (const m of stream.messages) {
                cursors.set(shard, m.id);
                if (m.message.c) onHint(shard, m.message.c);
              }
            }
          } catch (err) {
            if (!open) return;
            log.debug({ event: 'hints.read_failed', err }, 'hint stream read failed; retrying');
            // After a Redis restart the old IDs mean nothing; start over from "now".
            cursors.clear();
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      };
      const done = loop();
      return {
        async close() {
          open = false;
          reader.destroy();
          await done.catch(() => {});
        },
      };
    },
  };
}
