import { describe, expect, it } from 'vitest';
import { createCpuLanes } from './cpu-lanes';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CPU lanes', () => {
  it('runs at most `concurrency` at once and starts urgent work before waiting background work', async () => {
    const lanes = createCpuLanes({ concurrency: 1, maxWaiting: 10 });
    const order: string[] = [];
    const first = deferred();
    const job = (name: string, gate?: Promise<void>) => async () => {
      order.push(`start ${name}`);
      await gate;
      order.push(`end ${name}`);
      return name;
    };
    const done = [
      lanes.run('background', job('hash-1', first.promise)),
      lanes.run('background', job('hash-2')),
      lanes.run('background', job('hash-3')),
      lanes.run('urgent', job('login')),
    ];
    expect(lanes.running).toBe(1);
    expect(lanes.waiting).toBe(3);
    first.resolve();
    expect(await Promise.all(done)).toEqual(['hash-1', 'hash-2', 'hash-3', 'login']);
    expect(order).toEqual([
      'start hash-1',
      'end hash-1',
      'start login',
      'end login',
      'start hash-2',
      'end hash-2',
      'start hash-3',
      'end hash-3',
    ]);
    expect(lanes.running).toBe(0);
  });

  it('refuses at once when the queue is full, and frees slots when work fails', async () => {
    const lanes = createCpuLanes({ concurrency: 1, maxWaiting: 1 });
    const gate = deferred();
    const blocking = lanes.run('background', () => gate.promise);
    const queued = lanes.run('background', () => Promise.reject(new Error('bcrypt failed')));
    await expect(lanes.run('urgent', () => Promise.resolve(1))).rejects.toMatchObject({
      code: 'unavailable',
    });
    gate.resolve();
    await blocking;
    await expect(queued).rejects.toThrow('bcrypt failed');
    expect(await lanes.run('urgent', () => Promise.resolve(2))).toBe(2);
  });
});
