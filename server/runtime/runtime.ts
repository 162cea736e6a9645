import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import PgBoss from 'pg-boss';
import type { Database, Tx } from '../persistence/db';
import type { Config } from '../config';
import type { Fabric } from '../ports';
import type { Committed, CreatedMessage } from './apply';
import {
  EFFECT_QUEUES,
  OUTBOUND_QUEUE,
  type EffectHandler,
  type EffectJob,
  type EffectQueue,
  type EffectResult,
  type OutboundSender,
} from './effects';
import { createBackgroundJobs, type BackgroundJobs } from './background-jobs';
import { ensureBossFetchIndex } from './boss-fetch-index';
import { createExecutor } from './executor';
import { createLeaseManager } from './leases';
import { drainOutbound, type MessageStatusChange } from './outbound';
import { queueOutboundMessage, type OutboundInput } from './outbound-queue';
import { createInbox, type Inbox, type InboxInput, type InboxRef } from './inbox';
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
 * The actor host of one node (docs/architecture.md, "One inbound message, end to end", steps 3–7):
 * inbox, shard leases with fencing, hints through the fabric with a sweep behind them,
 * per-conversation mailboxes, effect jobs on pg-boss and durable timers.
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

  async function runEffect(queue: string, job: PgBoss.Job<EffectJob>): Promise<void> {
    const handler = handlers.get(queue);
    if (!handler) return;
    const results = await handler(job.data);
    const list = (Array.isArray(results) ? results : results ? [results] : []) as EffectResult[];
    if (list.length === 0) return;
    await database.transaction((tx) =>
      inbox.append(
        tx,
        list.map((r, i) => {
          const { type, ...payload } = r.event;
          // The event's type and payload stay paired (TypeScript cannot follow the rest split);
          // its source is checked by the entrance.
          return {
            businessId: job.data.businessId,
            conversationId: job.data.conversationId,
            source: r.source,
            sourceEventId:
              r.sourceEventId ??
              (list.length === 1 ? job.data.effectId : `${job.data.effectId}#${i}`),
            type,
            payload,
          } as InboxInput;
        }),
      ),
    );
  }

  /**
   * Queue creation is DDL (a partition per queue): nodes booting together can deadlock on it,
   * so skip queues that exist and retry the loser of a race.
   */
  async function ensureQueue(name: string, policy: 'standard' | 'stately'): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (await boss.getQueue(name)) return;
        await boss.createQueue(name, { name, policy });
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 200));
      }
    }
  }

  /**
   * `workers` workers for the queue on this node, each one job at a time. pg-boss 10 waits out
   * the polling interval after every fetch, even one that found a job, which capped a queue at
   * 2 jobs/s per node (bot replies lagged minutes behind the inbox under load: bench/REPORT.md,
   * ingest). So after a job is done its worker is told to fetch again at once; an empty fetch
   * falls back to polling, and a failed job (no notify) waits the interval before the next try.
   *
   * Only the AI-reply queue gets several workers: its jobs wait seconds on an LLM, and a
   * customer waits on them. Every worker polls while idle, so one per quiet queue keeps an idle
   * node's load on PostgreSQL small. The outbound queue must keep one: it is stately, keyed by
   * conversation, and a second local worker would mostly fetch a conversation's next wake while
   * its drain is still active, which pg-boss refuses with a unique-index error.
   */
  async function workEagerly<T extends object>(
    queue: string,
    workers: number,
    handler: (job: PgBoss.Job<T>) => Promise<void>,
  ): Promise<void> {
    for (let i = 0; i < workers; i++) {
      let workerId = '';
      workerId = await boss.work<T>(
        queue,
        { batchSize: 1, pollingIntervalSeconds: 0.5 },
        async ([job]) => {
          if (!job) return;
          await handler(job);
          if (workerId) boss.notifyWorker(workerId);
        },
      );
    }
  }

  async function startWorkers(): Promise<void> {
    for (const queue of Object.values(EFFECT_QUEUES)) await ensureQueue(queue, 'standard');
    await ensureQueue(OUTBOUND_QUEUE, 'stately');
    for (const [queue, { policy, handler }] of background.queues) {
      await ensureQueue(queue, 'standard');
      await workEagerly<object>(queue, policy.workers ?? 1, (job) => handler(job.data));
    }
    for (const queue of handlers.keys()) {
      const workers =
        queue === EFFECT_QUEUES.requestAiReply ? options.settings.aiReplyConcurrency : 1;
      await workEagerly<EffectJob>(queue, workers, (job) => runEffect(queue, job));
    }
    await workEagerly<{ businessId: string; conversationId: string }>(
      OUTBOUND_QUEUE,
      1,
      async (job) => {
        const changes = await drainOutbound(database, sender, job.data.conversationId);
        for (const c of changes) events.emit('messageStatus', c);
        const failed = changes.filter((c) => c.status === 'failed');
        if (failed.length > 0) {
          // Into the conversation's history, so the inbox shows why (keyed: a retry adds nothing).
          await database.transaction((tx) =>
            inbox.append(
              tx,
              failed.map((c) => ({
                businessId: c.businessId,
                conversationId: c.conversationId,
                source: 'system' as const,
                sourceEventId: `send-failed:${c.messageId}`,
                type: 'message.failed' as const,
                payload: { messageId: c.messageId, errorCode: c.errorCode },
              })),
            ),
          );
        }
      },
    );
  }

  return {
    events,
    jobs: background.jobs,
    async start() {
      await boss.start();
      await ensureBossFetchIndex(database.sql);
      await startWorkers();
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
    async waitForOutcome(inboxId, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const rows = await database.sql.query<{
          processed: boolean;
          dead_letter: boolean;
          outcome: { accepted: boolean; version: number } | null;
        }>(
          `select processed_at is not null as processed, dead_letter, outcome from inbox where id = $1`,
          [inboxId],
        );
        const row = rows[0];
        if (row?.dead_letter) return { accepted: false, version: 0, deadLetter: true };
        if (row?.processed) {
          return {
            accepted: row.outcome?.accepted ?? true,
            version: row.outcome?.version ?? 0,
            deadLetter: false,
          };
        }
        if (Date.now() > until)
          throw new Error(`inbox event ${inboxId} was not applied within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 50);
          function done() {
            clearTimeout(timer);
            events.off('committed', onCommit);
            resolve();
          }
          function onCommit(change: Committed) {
            if (change.events.some((e) => e.inboxId === inboxId)) done();
          }
          events.on('committed', onCommit);
        });
      }
    },
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
