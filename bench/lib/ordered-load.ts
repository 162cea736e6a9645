import type { SpawnedNode } from '../../test/helpers/spawn-node';
import { signedMessage } from './channels';

/**
 * Steady webhook load in which every contact's messages go out in order: message k+1 of a
 * contact is sent only once message k was answered 200, like a customer who waits for the
 * tick. Delivery behaves like Meta's: anything but a 200 (refused, reset, no answer within
 * `timeoutMs`) is sent again, to whichever node the "load balancer" offers next.
 */
export interface Accepted {
  contact: number;
  seq: number;
  mid: string;
}

export interface OrderedLoad {
  readonly accepted: Map<string, Accepted>;
  readonly retries: number;
  /** Deliveries answered 200 so far. */
  readonly posted: number;
  stop(): Promise<void>;
}

export function startOrderedLoad(options: {
  nodes: () => SpawnedNode[];
  /** Nodes the balancer skips right now (frozen ones: their requests would only time out). */
  skip: (node: SpawnedNode) => boolean;
  contacts: number;
  concurrency: number;
  timeoutMs?: number;
}): OrderedLoad {
  const accepted = new Map<string, Accepted>();
  let retries = 0;
  let stopping = false;
  let turn = 0;
  const nextSeq = new Array<number>(options.contacts).fill(0);
  let nextContact = 0;

  const alive = () =>
    options
      .nodes()
      .filter(
        (n) => n.process.exitCode === null && n.process.signalCode === null && !options.skip(n),
      );

  async function deliver(contact: number): Promise<void> {
    const seq = nextSeq[contact]!;
    const signed = signedMessage(contact, `c${contact} seq ${seq}`);
    for (let attempt = 0; !stopping || attempt > 0; attempt++) {
      const candidates = alive();
      const target = candidates[turn++ % Math.max(1, candidates.length)];
      if (target) {
        try {
          const res = await fetch(`${target.url}/api/webhooks/meta`, {
            method: 'POST',
            body: signed.body,
            headers: signed.headers,
            signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
          });
          await res.arrayBuffer();
          if (res.status === 200) {
            accepted.set(signed.mid, { contact, seq, mid: signed.mid });
            nextSeq[contact] = seq + 1;
            return;
          }
        } catch {
          // refused, reset or timed out: deliver again
        }
      }
      retries++;
      // Once stopping, a message already tried is still delivered (it may have been stored),
      // so that the accepted set is exact; give up only after a long time.
      if (attempt > 600) throw new Error(`could not deliver ${signed.mid}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const busy = new Set<number>();
  const workers = Array.from(
    { length: Math.min(options.concurrency, options.contacts) },
    async () => {
      while (!stopping) {
        // Each worker owns a contact for one message at a time; contacts take turns.
        const contact = nextContact++ % options.contacts;
        if (busy.has(contact)) {
          await new Promise((r) => setImmediate(r));
          continue;
        }
        busy.add(contact);
        try {
          await deliver(contact);
        } finally {
          busy.delete(contact);
        }
      }
    },
  );

  return {
    accepted,
    get retries() {
      return retries;
    },
    get posted() {
      return accepted.size;
    },
    async stop() {
      stopping = true;
      await Promise.all(workers);
    },
  };
}
