import { createHash } from 'node:crypto';

/**
 * Conversations hash into a fixed number of virtual shards (about 10× any expected node count,
 * as Akka advises); leases are per shard, not per conversation. Changing this number re-homes
 * every conversation, so it is a constant, matched by the rows seeded in migration 0001.
 */
export const SHARD_COUNT = 256;

export function shardOf(conversationId: string): number {
  return createHash('sha1').update(conversationId).digest().readUInt32BE(0) % SHARD_COUNT;
}

/**
 * Rendezvous (highest random weight) hashing: each shard goes to the node with the highest
 * hash(shard, node). A node joining or leaving moves only the shards it wins or held.
 */
export function rendezvousOwner(shard: number, nodes: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const node of nodes) {
    const score = createHash('sha1').update(`${shard}:${node}`).digest().readUInt32BE(0);
    if (score > bestScore || (score === bestScore && best !== undefined && node < best)) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}

export function shardsFor(node: string, nodes: readonly string[]): number[] {
  const mine: number[] = [];
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    if (rendezvousOwner(shard, nodes) === node) mine.push(shard);
  }
  return mine;
}
