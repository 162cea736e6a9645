import { describe, expect, it } from 'vitest';
import { rendezvousOwner, SHARD_COUNT, shardOf, shardsFor } from './shards';
import { uuidFromName } from './ids';

describe('shards', () => {
  it('hashes a conversation to a stable shard in range', () => {
    const id = '0b9c2f3e-1111-4222-8333-444455556666';
    expect(shardOf(id)).toBe(shardOf(id));
    expect(shardOf(id)).toBeGreaterThanOrEqual(0);
    expect(shardOf(id)).toBeLessThan(SHARD_COUNT);
  });

  it('splits shards roughly evenly and moves only what it must when a node joins', () => {
    const two = ['a', 'b'];
    const three = ['a', 'b', 'c'];
    const counts = three.map((n) => shardsFor(n, three).length);
    expect(counts.reduce((x, y) => x + y)).toBe(SHARD_COUNT);
    for (const c of counts) expect(c).toBeGreaterThan(SHARD_COUNT / 3 - 30);
    for (let s = 0; s < SHARD_COUNT; s++) {
      const before = rendezvousOwner(s, two);
      const after = rendezvousOwner(s, three);
      // A shard either stays or moves to the newcomer, never between the old nodes.
      expect(after === before || after === 'c').toBe(true);
    }
  });
});

describe('uuidFromName', () => {
  it('is a deterministic RFC 4122 version 5 UUID', () => {
    expect(uuidFromName('42:0')).toBe(uuidFromName('42:0'));
    expect(uuidFromName('42:0')).not.toBe(uuidFromName('42:1'));
    expect(uuidFromName('x')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
