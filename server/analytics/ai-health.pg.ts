import type { Channel } from '../../shared/domain';
import type { SqlExecutor } from '../persistence/sql';
import { ANALYTICS_SLOTS } from './analytics.projection';

/**
 * AI provider health over time, in the analytics hour buckets (the breakers themselves are per
 * node and in memory): `ai.calls.<provider>` counts calls that went out, `ai.failures.<provider>`
 * the ones that failed, and `ai.last_failure.<provider>` holds the latest failure (epoch ms,
 * kept with `greatest`, read with `max`).
 */

export interface AiAttemptRecord {
  provider: string;
  outcome: string;
}

export interface AiAttemptsInput {
  businessId: string;
  conversationId: string;
  channel: Channel;
  attempts: readonly AiAttemptRecord[];
  at: number;
}

/** Outcomes of a call that actually went out (skips are not calls). */
const CALLED = new Set(['ok', 'unusable', 'failed']);
const HOUR_MS = 3_600_000;
export const LAST_FAILURE_PREFIX = 'ai.last_failure.';

/** Metric rows for one chain run; pure. */
export function aiAttemptMetrics(attempts: readonly AiAttemptRecord[], at: number) {
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

/** One upsert per chain run; the slot spreads concurrent conversations of a business. */
export async function recordAiAttempts(sql: SqlExecutor, input: AiAttemptsInput): Promise<void> {
  const rows = aiAttemptMetrics(input.attempts, input.at);
  if (rows.length === 0) return;
  const slot = slotOf(input.conversationId);
  await sql.query(
    `insert into analytics_buckets (business_id, bucket, channel, metric, slot, value)
     select $1::uuid, to_timestamp($2::float8 / 1000), $3, r.metric, $4, r.value
       from unnest($5::text[], $6::bigint[]) as r(metric, value)
     on conflict (business_id, bucket, channel, metric, slot) do update
        set value = case when excluded.metric like '${LAST_FAILURE_PREFIX}%'
                         then greatest(analytics_buckets.value, excluded.value)
                         else analytics_buckets.value + excluded.value end`,
    [
      input.businessId,
      Math.floor(input.at / HOUR_MS) * HOUR_MS,
      input.channel,
      slot,
      rows.map((r) => r.metric),
      rows.map((r) => r.value),
    ],
  );
}

function slotOf(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % ANALYTICS_SLOTS;
}
