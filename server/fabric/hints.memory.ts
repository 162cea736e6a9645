import type { HintBus } from '../ports';

/** One process: a hint is a direct call to whoever owns the shard here. */
export function createMemoryHintBus(): HintBus {
  const subscribers = new Set<{
    shards: () => readonly number[];
    onHint: (shard: number, id: string) => void;
  }>();
  return {
    publish(shard, conversationId) {
      for (const s of subscribers) if (s.shards().includes(shard)) s.onHint(shard, conversationId);
      return Promise.resolve();
    },
    subscribe(shards, onHint) {
      const sub = { shards, onHint };
      subscribers.add(sub);
      return Promise.resolve({
        close: () => {
          subscribers.delete(sub);
          return Promise.resolve();
        },
      });
    },
  };
}
