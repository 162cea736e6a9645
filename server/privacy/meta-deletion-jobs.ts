import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../persistence/db';
import { metaDeletionRequests } from '../persistence/schema';
import type { BackgroundJobs, JobPolicy } from '../runtime/background-jobs';
import { eraseMetaUser } from './meta-deletion.pg';
import { NEVER_LINKABLE, type MetaDeletionOutcome } from './meta-deletion-outcome';
import { createPageIdMatcher, type PageIdMatcher, type PageScopedId } from './meta-page-ids';

/**
 * Meta's data-deletion callback is answered at once with a pending status URL; matching the
 * user's Messenger IDs (a Graph API round trip per page of IDs) and the erasure run here, on
 * their own queue, so a slow Graph API never holds the callback and a blip is retried instead
 * of settling the request without Messenger.
 */
export const META_DELETION_QUEUE = 'meta-deletion';

/**
 * First retry after 2–4 s, doubling with jitter: Meta is asked for roughly three hours before
 * the request settles without Messenger, and says so.
 */
export const META_DELETION_POLICY: JobPolicy = {
  retryLimit: 12,
  retryDelaySeconds: 2,
  retryBackoff: true,
  expireInSeconds: 300,
};

/** One ids_for_pages call; an attempt makes a few at most. */
const GRAPH_TIMEOUT_MS = 5000;

const jobSchema = z.object({ code: z.string().regex(/^[0-9a-f]{20}$/), ip: z.string().nullable() });
export type MetaDeletionJob = z.infer<typeof jobSchema>;

export interface MetaDeletions {
  /** Queues matching and erasure of a pending request; throws when it cannot be queued. */
  request(job: MetaDeletionJob): Promise<void>;
}

type MessengerMatch =
  | { kind: 'matched'; ids: PageScopedId[] }
  | { kind: 'unmatched'; reason: 'not_configured' | 'refused' | 'unreachable' };

async function matchMessenger(
  matcher: PageIdMatcher | null,
  metaUserId: string,
): Promise<MessengerMatch> {
  // Without a user nobody can be matched, and nothing is left unmatched either.
  if (!metaUserId) return { kind: 'matched', ids: [] };
  if (!matcher) return { kind: 'unmatched', reason: 'not_configured' };
  const match = await matcher.match(metaUserId);
  return match.kind === 'matched' ? match : { kind: 'unmatched', reason: match.kind };
}

/**
 * One attempt at a pending request. `retry`: Meta could not be asked and attempts remain (the
 * request stays pending and says so); `settled`: erased what matched, outcome recorded;
 * `gone`: no pending request by that code (settled by an earlier delivery).
 */
export async function attemptMetaDeletion(
  deps: { db: Db; matcher: PageIdMatcher | null; log: Logger },
  job: MetaDeletionJob,
  retryLimit: number,
): Promise<'retry' | 'settled' | 'gone'> {
  const { db, log } = deps;
  const pending = (id?: string) =>
    and(
      id ? eq(metaDeletionRequests.id, id) : eq(metaDeletionRequests.confirmationCode, job.code),
      eq(metaDeletionRequests.kind, 'data_deletion'),
      eq(metaDeletionRequests.status, 'pending'),
    );
  // Counted before Meta is asked, so an attempt that dies midway still uses up one.
  const [request] = await db
    .update(metaDeletionRequests)
    .set({ attempts: sql`${metaDeletionRequests.attempts} + 1` })
    .where(pending())
    .returning({
      id: metaDeletionRequests.id,
      metaUserId: metaDeletionRequests.metaUserId,
      attempts: metaDeletionRequests.attempts,
    });
  if (!request) return 'gone';
  const messenger = await matchMessenger(deps.matcher, request.metaUserId);
  if (
    messenger.kind === 'unmatched' &&
    messenger.reason === 'unreachable' &&
    request.attempts <= retryLimit
  ) {
    const sofar: MetaDeletionOutcome = {
      contacts: 0,
      conversations: 0,
      unmatched: [{ channel: 'messenger', reason: 'unreachable' }],
    };
    await db.update(metaDeletionRequests).set({ outcome: sofar }).where(pending(request.id));
    log.warn(
      { event: 'meta.deletion_retrying', requestId: request.id, attempt: request.attempts },
      'Graph API unreachable; the data deletion will be retried',
    );
    return 'retry';
  }
  const unmatched: MetaDeletionOutcome['unmatched'] = [
    ...(messenger.kind === 'unmatched'
      ? [{ channel: 'messenger' as const, reason: messenger.reason }]
      : []),
    ...NEVER_LINKABLE,
  ];
  const outcome = await db.transaction(async (tx) => {
    // Claimed first: of two deliveries racing past the attempt count, one erases and records.
    const [claimed] = await tx
      .update(metaDeletionRequests)
      .set({ status: 'completed', completedAt: new Date() })
      .where(pending(request.id))
      .returning({ id: metaDeletionRequests.id });
    if (!claimed) return null;
    const erased = await eraseMetaUser(tx, {
      metaUserId: request.metaUserId,
      pageIds: messenger.kind === 'matched' ? messenger.ids : [],
      code: job.code,
      ip: job.ip,
    });
    const settled: MetaDeletionOutcome = { ...erased, unmatched };
    await tx
      .update(metaDeletionRequests)
      .set({ erasedContacts: erased.contacts, outcome: settled })
      .where(eq(metaDeletionRequests.id, request.id));
    return settled;
  });
  if (!outcome) return 'gone';
  log.info(
    {
      event: 'meta.deletion_completed',
      requestId: request.id,
      contacts: outcome.contacts,
      conversations: outcome.conversations,
      unmatched: outcome.unmatched.map((u) => `${u.channel}:${u.reason}`),
    },
    'Meta data deletion settled',
  );
  return 'settled';
}

/**
 * The `meta-deletion` queue and what feeds it; before the runtime starts. Without `appId`,
 * Messenger IDs cannot be asked for, and each request settles at once saying so.
 */
export function createMetaDeletions(deps: {
  jobs: BackgroundJobs;
  db: Db;
  log: Logger;
  graphUrl: () => string;
  appId: string | undefined;
  appSecret: string;
}): MetaDeletions {
  const matcher = deps.appId
    ? createPageIdMatcher({
        graphUrl: deps.graphUrl,
        appId: deps.appId,
        appSecret: deps.appSecret,
        log: deps.log,
        timeoutMs: GRAPH_TIMEOUT_MS,
      })
    : null;
  deps.jobs.define<MetaDeletionJob>(META_DELETION_QUEUE, META_DELETION_POLICY, async (data) => {
    const job = jobSchema.parse(data);
    const result = await attemptMetaDeletion(
      { db: deps.db, matcher, log: deps.log },
      job,
      META_DELETION_POLICY.retryLimit,
    );
    // Thrown so pg-boss retries it with backoff; the attempt count decides the last one.
    if (result === 'retry') throw new Error('Graph API unreachable; retrying the data deletion');
  });
  return {
    request: (job) => deps.jobs.send(META_DELETION_QUEUE, jobSchema.parse(job), { key: job.code }),
  };
}
