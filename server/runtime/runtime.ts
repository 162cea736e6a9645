import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import PgBoss from 'pg-boss';
import type { Database, Tx } from '../persistence/db';
import type { Config } from '../config';
import type { Fabric } from '../ports';
import type { Committed, CreatedMessage } from './conversation.types';
import type { EffectHandler, EffectQueue, OutboundSender } from './effects';
import { createBackgroundJobs, type BackgroundJobs } from './background-jobs';
import { ensureBossFetchIndex } from './boss-fetch-index';
import { createExecutor } from './executor';
import { createLeaseManager } from './leases';
import type { MessageStatusChange } from './outbound';
import { queueOutboundMessage, type OutboundInput } from './outbound-queue';
import { startEffectWorkers } from './effect-workers';
import { waitForOutcome } from './outcomes';
import { createInbox, type Inbox, type InboxRef } from './inbox';
import type { Projector } from './projector';

export interface RuntimeOptions {
  database: Database;
  fabric: Fabric;
  log: Logger;
  nodeId: string;
  /**
   * The read models kept inside each commit, in order (timeline, analytics, AI health); the
   * runtime imports none of them. At most one keeps per-conversation facts.
   */
  projectors: readonly Projector[];
  /** PostgreSQL URL for pg-boss's own pool; absent on the embedded PGlite. */
  databaseUrl: string | null;
  /** Lease, checkout, handoff and AI-reply figures: the config's, defaulted only there. */
  settings: Config['runtime'];
  /** Sends what the outbound queue drains (the Graph API; a test's recorder). */
  sender: OutboundSender;
  /** Engine constants; tests shorten them. */
  sweepMs?: number;
  timerMs?: number;
  batchSize?: number;
  concurrency?: number;
  cacheSize?: number;
  maxAttempts?: number;
}

export interface CommandOutcome {
  accepted: boolean;
  version: number;
  deadLetter: boolean;
}

/** Messages an effect handler or route queued outside a transition (receipts, invoice links). */
export interface MessagesQueued {
  businessId: string;
  conversationId: string;
  messages: CreatedMessage[];
}

export interface RuntimeEvents {
  committed: [Committed];
  messageStatus: [MessageStatusChange];
  messagesQueued: [MessagesQueued];
}

/** Messages to customers from code outside the machine (receipts, invoice links, order status). */
export interface Outbound {
  /**
   * Writes the message in the caller's transaction (see `queueOutboundMessage`); it is sent,
   * and the inbox told (`messagesQueued`), once that transaction commits.
   */
  queue(tx: Tx, input: OutboundInput): Promise<CreatedMessage | null>;
}

export interface Runtime {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The one entrance to the inbox: events are stored in the caller's transaction. */
  readonly inbox: Inbox;
  readonly outbound: Outbound;
  /** For agent commands: waits until the event is applied and says whether it was accepted. */
  waitForOutcome(inboxId: number, timeoutMs?: number): Promise<CommandOutcome>;
  handle<Q extends EffectQueue>(queue: Q, handler: EffectHandler): void;
  /** Queues of work outside conversations (owner e-mail), on the same pg-boss. */
  readonly jobs: BackgroundJobs;
  readonly events: EventEmitter<RuntimeEvents>;
  readonly stats: () => { ownedShards: number; cachedConversations: number; activeRuns: number };
}

/**
 * The actor host of one node (docs/architecture.md, "One inbound message, end to end", steps 3–7),
 * as a facade over its parts: the inbox entrance (`inbox.ts`), shard leases with fencing
 * (`leases.ts`), mailboxes and batches (`executor.ts`, which plans with `plan.ts` and commits with
 * `commit.ts`), hints through the fabric with a sweep and due timers behind them (here), the job
 * workers (`effect-workers.ts`) and command outcomes (`outcomes.ts`).
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const { database, fabric, log, nodeId } = options;
  const events = new EventEmitter<RuntimeEvents>();
  events.setMaxListeners(0);
  const handlers = new Map<string, EffectHandler>();
  const { sender } = options;
  let started = false;
  let stopping = false;
  const intervals: NodeJS.Timeout[] = [];
  let hintSub: { close(): Promise<void> } | null = null;

  const boss = new PgBoss(
    options.databaseUrl
      ? {
          connectionString: options.databaseUrl,
          max: 3,
          schedule: false,
          application_name: `parley-${nodeId}-boss`,
        }
      : { db: database.boss, schedule: false },
  );
  const background = createBackgroundJobs(boss, () => started);
  // pg-boss errors carry the whole pg client; log what an operator needs.
  boss.on('error', (err: Error & { code?: string }) =>
    log.warn({ event: 'boss.error', message: err.message, code: err.code }, 'job queue problem'),
  );

  const executor = createExecutor({
    database,
    boss,
    log,
    nodeId,
    projectors: options.projectors,
    epochOf: (shard) => leases.epochOf(shard),
    onFenced: (shard) => {
      executor.forget([shard]);
      void leases.tick();
    },
    onCommitted: (change) => events.emit('committed', change),
    batchSize: options.batchSize ?? 32,
    concurrency: options.concurrency ?? (database.kind === 'pglite' ? 1 : 6),
    cacheSize: options.cacheSize ?? 10_000,
    maxAttempts: options.maxAttempts ?? 5,
    defaults: {
      checkoutTtlMs: options.settings.checkoutTtlMs,
      handoffWaitMs: options.settings.handoffWaitMs,
    },
  });

  const inbox = createInbox(hint);

  const leases = createLeaseManager({
    sql: database.control,
    nodeId,
    log,
    leaseTtlMs: options.settings.leaseTtlMs,
    tickMs: options.settings.leaseTickMs,
    onGained: (gained) => void sweep(gained.map((g) => g.shard)),
    onLost: (shards) => executor.forget(shards),
    drain: (shards) => executor.drain(shards),
  });

  /** The safety net under the hints: anything unprocessed in our shards gets scheduled. */
  async function sweep(shards: number[] = leases.owned()): Promise<void> {
    if (shards.length === 0 || stopping) return;
    try {
      const rows = await database.sql.query<{ conversation_id: string; shard: number }>(
        `select distinct conversation_id, shard from inbox
          where shard = any($1::int[]) and processed_at is null and not dead_letter and conversation_id is not null
          limit 5000`,
        [shards],
      );
      for (const r of rows) executor.schedule(r.conversation_id, r.shard);
    } catch (err) {
      log.warn({ event: 'runtime.sweep_failed', err }, 'inbox sweep failed');
    }
  }

  /** Due timers of our shards become inbox events, in the same statement that removes them. */
  async function fireTimers(): Promise<void> {
    const owned = leases.owned();
    if (owned.length === 0 || stopping) return;
    try {
      const due = await inbox.fireDueTimers(database.sql, owned);
      for (const d of due) executor.schedule(d.conversationId, d.shard);
    } catch (err) {
      log.warn({ event: 'runtime.timers_failed', err }, 'firing timers failed');
    }
  }

  async function hint(fresh: InboxRef[]): Promise<void> {
    // Our own shards skip the round trip; the rest go through the fabric.
    for (const r of fresh)
      if (leases.epochOf(r.shard) !== undefined) executor.schedule(r.conversationId, r.shard);
    await Promise.all(
      fresh
        .filter((r) => leases.epochOf(r.shard) === undefined)
        .map((r) =>
          fabric.hints.publish(r.shard, r.conversationId).catch((err: unknown) => {
            // The owner's sweep will find it; only slower.
            log.debug({ event: 'runtime.hint_failed', err }, 'hint not delivered');
          }),
        ),
    );
  }

  return {
    events,
    jobs: background.jobs,
    async start() {
      await boss.start();
      await ensureBossFetchIndex(database.sql);
      await startEffectWorkers({
        boss,
        database,
        inbox,
        handlers,
        sender,
        background,
        aiReplyConcurrency: options.settings.aiReplyConcurrency,
        onStatus: (change) => events.emit('messageStatus', change),
      });
      await leases.start();
      hintSub = await fabric.hints.subscribe(
        () => leases.owned(),
        (shard, conversationId) => executor.schedule(conversationId, shard),
      );
      intervals.push(setInterval(() => void sweep(), options.sweepMs ?? 1000));
      intervals.push(setInterval(() => void fireTimers(), options.timerMs ?? 250));
      await sweep();
      started = true;
      log.info(
        { event: 'runtime.started', shards: leases.owned().length },
        'actor runtime started',
      );
    },
    async stop() {
      if (!started || stopping) return;
      stopping = true;
      for (const i of intervals) clearInterval(i);
      await hintSub?.close();
      await leases.stop();
      await executor.idle();
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
      log.info({ event: 'runtime.stopped' }, 'actor runtime stopped');
    },
    inbox,
    outbound: {
      async queue(tx, input) {
        const created = await queueOutboundMessage(tx, boss, input);
        if (created) {
          const { businessId, conversationId } = input;
          tx.afterCommit(() => {
            events.emit('messagesQueued', { businessId, conversationId, messages: [created] });
          });
        }
        return created;
      },
    },
    waitForOutcome: (inboxId, timeoutMs) => waitForOutcome(database, events, inboxId, timeoutMs),
    handle(queue, handler) {
      if (started) throw new Error('register effect handlers before the runtime starts');
      handlers.set(queue, handler);
    },
    stats: () => ({
      ownedShards: leases.owned().length,
      cachedConversations: executor.cached,
      activeRuns: executor.active,
    }),
  };
}
