import type { Logger } from 'pino';
import type PgBoss from 'pg-boss';
import type { Database } from '../persistence/db';
import type { Projector } from './projector';
import { isTransientDbError } from '../persistence/pg-errors';
import { commit, FencedError, VersionConflictError } from './commit';
import { loadConversation, loadPending } from './conversation-store.pg';
import type { Committed, ConversationDefaults, LoadedConversation } from './conversation.types';
import { plan } from './plan';
import { chargeAttempt } from './poison.pg';

export interface ExecutorOptions {
  database: Database;
  boss: PgBoss;
  log: Logger;
  nodeId: string;
  projectors: readonly Projector[];
  epochOf(shard: number): number | undefined;
  onFenced(shard: number): void;
  onCommitted(change: Committed): void;
  /** Events applied per transaction (per conversation); group commit without reordering. */
  batchSize: number;
  /** Transactions in flight at once across conversations (keep under the pool size). */
  concurrency: number;
  /** Snapshots kept in memory; the least recently used conversation is passivated. */
  cacheSize: number;
  maxAttempts: number;
  defaults: ConversationDefaults;
}

export interface Executor {
  /** Something is waiting in the inbox for this conversation; run it (soon, in order). */
  schedule(conversationId: string, shard?: number): void;
  /** Waits for every run on these shards to finish; new work on them is not started. */
  drain(shards: readonly number[]): Promise<void>;
  forget(shards: readonly number[]): void;
  /** Waits for every run to finish (shutdown). */
  idle(): Promise<void>;
  readonly cached: number;
  readonly active: number;
}

/**
 * Per-conversation mailboxes: one run at a time per conversation (events apply in inbox
 * order, never concurrently), many conversations in parallel up to `concurrency`.
 */
export function createExecutor(options: ExecutorOptions): Executor {
  const { database, log } = options;
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const shardOf = new Map<string, number>();
  const blocked = new Set<number>();
  const cache = new Map<string, LoadedConversation>();
  let slots = options.concurrency;
  const waiting: (() => void)[] = [];

  const acquire = async () => {
    if (slots > 0) {
      slots--;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const releaseSlot = () => {
    const next = waiting.shift();
    if (next) next();
    else slots++;
  };

  const remember = (c: LoadedConversation) => {
    cache.delete(c.id);
    cache.set(c.id, c);
    if (cache.size > options.cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  };

  async function load(id: string): Promise<LoadedConversation | null> {
    const hit = cache.get(id);
    if (hit) {
      remember(hit);
      return hit;
    }
    const loaded = await loadConversation(database, id, options.defaults);
    if (loaded) {
      shardOf.set(id, loaded.shard);
      remember(loaded);
    }
    return loaded;
  }

  /** One batch; returns whether to go round again. */
  async function runOnce(id: string, batchSize: number): Promise<'again' | 'done'> {
    const conversation = await load(id);
    if (!conversation) return 'done';
    if (blocked.has(conversation.shard)) return 'done';
    const epoch = options.epochOf(conversation.shard);
    if (epoch === undefined) return 'done';
    const rows = await loadPending(database, id, batchSize);
    if (rows.length === 0) return 'done';
    try {
      const { planned, next } = plan(conversation, rows);
      const { committed, conversation: after } = await commit(
        { database, boss: options.boss, nodeId: options.nodeId, projectors: options.projectors },
        conversation,
        next,
        planned,
        epoch,
      );
      remember(after);
      options.onCommitted(committed);
      return rows.length === batchSize ? 'again' : 'done';
    } catch (err) {
      if (err instanceof VersionConflictError) {
        cache.delete(id);
        return 'again';
      }
      if (err instanceof FencedError) {
        log.warn(
          { event: 'runtime.fenced', shard: err.shard, conversationId: id },
          'lost the shard mid-run; not committing',
        );
        options.onFenced(err.shard);
        return 'done';
      }
      cache.delete(id);
      if (isTransientDbError(err)) {
        log.warn(
          { event: 'runtime.db_unavailable', conversationId: id, err },
          'database error; retrying the run',
        );
        await new Promise((r) => setTimeout(r, 250));
        return 'again';
      }
      if (rows.length > 1) {
        // Find the poison event: retry one at a time, so only it is charged.
        return (await runOnce(id, 1)) === 'done' ? 'done' : 'again';
      }
      const first = rows[0]!;
      const dead = await chargeAttempt(
        database,
        first.id,
        id,
        err instanceof Error ? err.message : String(err),
        options.maxAttempts,
      );
      log.error(
        {
          event: dead ? 'runtime.dead_letter' : 'runtime.apply_failed',
          conversationId: id,
          inboxId: first.id,
          err,
        },
        'event failed to apply',
      );
      if (!dead) await new Promise((r) => setTimeout(r, 50));
      return 'again';
    }
  }

  async function run(id: string): Promise<void> {
    await acquire();
    try {
      for (;;) {
        again.delete(id);
        const outcome = await runOnce(id, options.batchSize).catch((err: unknown) => {
          log.error(
            { event: 'runtime.run_failed', conversationId: id, err },
            'conversation run failed',
          );
          return 'done' as const;
        });
        if (outcome === 'done' && !again.has(id)) return;
      }
    } finally {
      releaseSlot();
    }
  }

  return {
    schedule(id, shard) {
      if (shard !== undefined) {
        if (blocked.has(shard)) return;
        shardOf.set(id, shard);
      }
      if (running.has(id)) {
        again.add(id);
        return;
      }
      const p = run(id).finally(() => running.delete(id));
      running.set(id, p);
    },
    async drain(shards) {
      for (const s of shards) blocked.add(s);
      const set = new Set(shards);
      const inFlight = [...running.entries()]
        .filter(([id]) => set.has(shardOf.get(id) ?? -1))
        .map(([, p]) => p);
      await Promise.allSettled(inFlight);
    },
    forget(shards) {
      const set = new Set(shards);
      for (const s of shards) blocked.delete(s);
      for (const [id, c] of cache) if (set.has(c.shard)) cache.delete(id);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
    get cached() {
      return cache.size;
    },
    get active() {
      return running.size;
    },
  };
}
