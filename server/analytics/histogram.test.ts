import { describe, expect, it } from 'vitest';
import { FRT_BOUNDS_MS, frtMetric, parseFrtMetric, percentiles } from './histogram';

const histogram = (observations: number[]) => {
  const counts = new Map<number, number>();
  for (const ms of observations) {
    const parsed = parseFrtMetric(frtMetric('bot', ms));
    if (!parsed) throw new Error('unparsable');
    counts.set(parsed.bound, (counts.get(parsed.bound) ?? 0) + 1);
  }
  return counts;
};

describe('first response histogram', () => {
  it('puts an observation in the first bucket whose bound holds it (bounds inclusive)', () => {
    expect(frtMetric('bot', 0)).toBe('frt.bot.le_500');
    expect(frtMetric('bot', 500)).toBe('frt.bot.le_500');
    expect(frtMetric('bot', 501)).toBe('frt.bot.le_1000');
    expect(frtMetric('human', 45_000)).toBe('frt.human.le_60000');
    expect(frtMetric('human', 2 * 86_400_000)).toBe('frt.human.le_inf');
  });

  it('parses its own metric names and nothing else', () => {
    expect(parseFrtMetric('frt.human.le_60000')).toEqual({ kind: 'human', bound: 60_000 });
    expect(parseFrtMetric('frt.bot.le_inf')).toEqual({ kind: 'bot', bound: Infinity });
    expect(parseFrtMetric('frt.robot.le_5')).toBeNull();
    expect(parseFrtMetric('inbound')).toBeNull();
  });

  it('reads p50 and p90 as the upper bound of the bucket that holds the rank', () => {
    // 10 observations: 3 within 500 ms, 2 within 1 s, 1 within 2 s, 3 within 5 s, 1 within 1 min.
    const counts = histogram([100, 200, 300, 800, 900, 1500, 3000, 4000, 4500, 50_000]);
    expect(percentiles(counts)).toEqual({ count: 10, p50Ms: 1_000, p90Ms: 5_000 });
    // One more slow one: rank 6 of 11 falls in the 2 s bucket, rank 10 in the 1 min bucket.
    counts.set(60_000, 2);
    expect(percentiles(counts)).toEqual({ count: 11, p50Ms: 2_000, p90Ms: 60_000 });
  });

  it('sums the same over any split of the observations (slots, hours)', () => {
    const a = histogram([100, 2000, 9000]);
    const b = histogram([100, 700_000]);
    const merged = new Map(a);
    for (const [k, v] of b) merged.set(k, (merged.get(k) ?? 0) + v);
    expect(percentiles(merged)).toEqual(percentiles(histogram([100, 2000, 9000, 100, 700_000])));
  });

  it('has no percentiles without observations, and caps the overflow at the last bound', () => {
    expect(percentiles(new Map())).toEqual({ count: 0, p50Ms: null, p90Ms: null });
    expect(percentiles(new Map([[0, 0]]))).toEqual({ count: 0, p50Ms: null, p90Ms: null });
    expect(percentiles(histogram([10 * 86_400_000]))).toEqual({
      count: 1,
      p50Ms: FRT_BOUNDS_MS.at(-1),
      p90Ms: FRT_BOUNDS_MS.at(-1),
    });
  });
});
