import type PgBoss from 'pg-boss';
import { uuidFromName } from './ids';

/**
 * Work that waits on the outside world but belongs to no conversation (owner e-mail, account
 * checks): its own pg-boss queue per kind, retried with backoff, so a slow SMTP server or API
 * never holds up a webhook answer or another effect's job (security review M3).
 */
export interface JobPolicy {
  /** Attempts after the first. */
  retryLimit: number;
  /** Seconds before the first retry; doubled each time when `retryBackoff`. */
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /** A job running longer than this is failed (and retried). */
  expireInSeconds: number;
  /** Workers on each node; each takes one job at a time. */
  workers?: number;
}

export interface BackgroundJobs {
  /** A queue and its handler; before the runtime starts. A handler that throws is retried. */
  define<T extends object>(
    queue: string,
    policy: JobPolicy,
    handler: (data: T) => Promise<void>,
  ): void;
  /**
   * Enqueues outside any transaction. Jobs with the same `key` are one job: a redelivered
   * webhook that raises the same notice sends one e-mail.
   */
  send(queue: string, data: object, options?: { key?: string }): Promise<void>;
}

export interface BackgroundQueue {
  policy: JobPolicy;
  handler: (data: object) => Promise<void>;
}

export function createBackgroundJobs(boss: PgBoss, isStarted: () => boolean) {
  const queues = new Map<string, BackgroundQueue>();
  const jobs: BackgroundJobs = {
    define(queue, policy, handler) {
      if (isStarted()) throw new Error('define background queues before the runtime starts');
      queues.set(queue, { policy, handler: handler as (data: object) => Promise<void> });
    },
    async send(queue, data, options = {}) {
      const defined = queues.get(queue);
      if (!defined) throw new Error(`no background queue "${queue}"`);
      const { policy } = defined;
      await boss.send(queue, data, {
        ...(options.key ? { id: uuidFromName(`job:${queue}:${options.key}`) } : {}),
        retryLimit: policy.retryLimit,
        retryDelay: policy.retryDelaySeconds,
        retryBackoff: policy.retryBackoff,
        expireInSeconds: policy.expireInSeconds,
      });
    },
  };
  return { jobs, queues };
}
