import type { AiAttempt } from '../../shared/conversation.events';
import type { Projector } from '../runtime/projector';
import { ANALYTICS_SLOTS } from './analytics.projection';

/**
 * AI provider health over time, in the analytics hour buckets (the breakers themselves are per
 * node and in memory): `ai.calls.<provider>` counts calls that went out, `ai.failures.<provider>`
 * the ones that failed, and `ai.last_failure.<provider>` holds the latest failure (epoch ms,
 * kept with `greatest`, read with `max`). Counted from the attempts `ai.replied`/`ai.failed`
 * carry, in the commit that applies them: a retried job's second event is a duplicate in the
 * inbox, so nothing counts twice.
 */

/** Outcomes of a call that actually went out (skips are not calls). */
const CALLED = new Set(['ok', 'unusable', 'failed']);
const HOUR_MS = 3_600_000;
export const LAST_FAILURE_PREFIX = 'ai.last_failure.';

/** Metric rows for one chain run; pure. */
export function aiAttemptMetrics(attempts: readonly AiAttempt[], at: number) {
  const sums = new Map<string, number>();
  const add = (metric: string, value: number, max = false) =>
    sums.set(
      metric,
      max ? Math.max(sums.get(metric) ?? 0, value) : (sums.get(metric) ?? 0) + value,
    );
  for (const a of attempts) {
    if (!CALLED.has(a.outcome)) continue;
    add(`ai.calls.${a.provider}`, 1);
    if (a.outcome === 'failed') {
      add(`ai.failures.${a.provider}`, 1);
      add(`${LAST_FAILURE_PREFIX}${a.provider}`, at, true);
    }
  }
  return [...sums].map(([metric, value]) => ({ metric, value }));
}

export const aiHealthProjector: Projector = {
  name: 'ai-health',
  event({ pipe, conversation }, { row, event }) {
    // The row as `plan` parsed it: the attempts are already checked against the event schema.
    if (event?.type !== 'ai.replied' && event?.type !== 'ai.failed') return;
    const rows = aiAttemptMetrics(event.attempts ?? [], row.receivedAt);
    if (rows.length === 0) return;
    pipe.query(
      `insert into analytics_buckets (business_id, bucket, channel, metric, slot, value)
       select $1::uuid, to_timestamp($2::float8 / 1000), $3, r.metric, $4, r.value
         from unnest($5::text[], $6::bigint[]) as r(metric, value)
       on conflict (business_id, bucket, channel, metric, slot) do update
          set value = case when excluded.metric like '${LAST_FAILURE_PREFIX}%'
                           then greatest(analytics_buckets.value, excluded.value)
                           else analytics_buckets.value + excluded.value end`,
      [
        conversation.businessId,
        Math.floor(row.receivedAt / HOUR_MS) * HOUR_MS,
        conversation.channel,
        // The commit's own slot, as the other analytics rows of this conversation use.
        conversation.shard % ANALYTICS_SLOTS,
        rows.map((r) => r.metric),
        rows.map((r) => r.value),
      ],
    );
  },
};
