/**
 * First response times as a histogram whose buckets are counter metrics: one observation adds 1
 * to exactly one `frt.<kind>.le_<bound>` metric (not cumulative), so sums over any set of hour
 * buckets and slots still form the histogram of that period, and percentiles come from sums.
 */

export type FrtKind = 'bot' | 'human';

/** Upper bounds in ms, roughly log-scale (1-2-5 steps up to a day); above the last is `le_inf`. */
export const FRT_BOUNDS_MS = [
  500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000,
  3_600_000, 7_200_000, 14_400_000, 28_800_000, 86_400_000,
] as const;

const PREFIX = 'frt.';

/** The metric one observation of `ms` increments. */
export function frtMetric(kind: FrtKind, ms: number): string {
  const bound = FRT_BOUNDS_MS.find((b) => ms <= b);
  return `${PREFIX}${kind}.le_${bound ?? 'inf'}`;
}

/** `frt.bot.le_1000` → `{kind: 'bot', bound: 1000}`; `le_inf` → `Infinity`; else null. */
export function parseFrtMetric(metric: string): { kind: FrtKind; bound: number } | null {
  const m = /^frt\.(bot|human)\.le_(\d+|inf)$/.exec(metric);
  if (!m) return null;
  return { kind: m[1] as FrtKind, bound: m[2] === 'inf' ? Infinity : Number(m[2]) };
}

export interface Percentiles {
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
}

/**
 * p50 and p90 from bucket counts (`bound → count`): the upper bound of the first bucket whose
 * cumulative count reaches the rank. For the overflow bucket that is the largest finite bound
 * (the true value is at least that). Null when there are no observations.
 */
export function percentiles(counts: ReadonlyMap<number, number>): Percentiles {
  const buckets = [...counts].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const count = buckets.reduce((sum, [, n]) => sum + n, 0);
  const at = (q: number): number | null => {
    if (count === 0) return null;
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (const [bound, n] of buckets) {
      seen += n;
      if (seen >= rank) return Number.isFinite(bound) ? bound : (FRT_BOUNDS_MS.at(-1) as number);
    }
    return null;
  };
  return { count, p50Ms: at(0.5), p90Ms: at(0.9) };
}
