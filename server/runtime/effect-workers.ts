import type PgBoss from 'pg-boss';
import type { Database } from '../persistence/db';
import type { createBackgroundJobs } from './background-jobs';
import {
  EFFECT_QUEUES,
  OUTBOUND_QUEUE,
  type EffectHandler,
  type EffectJob,
  type EffectResult,
  type OutboundSender,
} from './effects';
import type { Inbox, InboxInput } from './inbox';
import { drainOutbound, type MessageStatusChange } from './outbound';

export interface EffectWorkerDeps {
  boss: PgBoss;
  database: Database;
  inbox: Inbox;
  handlers: ReadonlyMap<string, EffectHandler>;
  sender: OutboundSender;
  background: Pick<ReturnType<typeof createBackgroundJobs>, 'queues'>;
  /** Workers for the AI-reply queue on this node (every other queue has one). */
  aiReplyConcurrency: number;
  onStatus(change: MessageStatusChange): void;
}

/**
 * The node's job workers on pg-boss: each effect queue with a registered handler (its results
 * go back through the inbox, keyed by the effect), the background queues, and the outbound
 * drain (a send that failed for good enters the conversation as `message.failed`).
 */
export async function startEffectWorkers(deps: EffectWorkerDeps): Promise<void> {
  const { boss, database, inbox, handlers, sender, background } = deps;

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
      const workers = queue === EFFECT_QUEUES.requestAiReply ? deps.aiReplyConcurrency : 1;
      await workEagerly<EffectJob>(queue, workers, (job) => runEffect(queue, job));
    }
    await workEagerly<{ businessId: string; conversationId: string }>(
      OUTBOUND_QUEUE,
      1,
      async (job) => {
        const changes = await drainOutbound(database, sender, job.data.conversationId);
        for (const c of changes) deps.onStatus(c);
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

  await startWorkers();
}
