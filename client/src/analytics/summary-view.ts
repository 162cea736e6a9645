import type { AnalyticsSummary } from '../../../shared/analytics.schema';
import { CHANNELS, type Channel } from '../../../shared/domain';

/** Pure shaping of the analytics summary for cards and charts (unit-tested). */

export const RANGES = [
  { id: '24h', label: '24 hours', ms: 24 * 3600_000 },
  { id: '7d', label: '7 days', ms: 7 * 24 * 3600_000 },
  { id: '30d', label: '30 days', ms: 30 * 24 * 3600_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

export function rangeMs(id: RangeId): number {
  return RANGES.find((r) => r.id === id)?.ms ?? RANGES[0].ms;
}

/** `[from, to)` ending now, to the minute (so repeated clicks share a cache-friendly URL). */
export function rangeQuery(id: RangeId, now: number): { from: string; to: string } {
  const to = Math.ceil(now / 60_000) * 60_000;
  return { from: new Date(to - rangeMs(id)).toISOString(), to: new Date(to).toISOString() };
}

/** Whether a pushed summary covers the selected range (its length within 5%). */
export function coversRange(summary: Pick<AnalyticsSummary, 'from' | 'to'>, id: RangeId): boolean {
  const length = Date.parse(summary.to) - Date.parse(summary.from);
  if (!Number.isFinite(length)) return false;
  return Math.abs(length - rangeMs(id)) <= rangeMs(id) * 0.05;
}

const OPEN_STATES = ['bot', 'handoff', 'checkout'] as const;

export function openByState(
  summary: AnalyticsSummary,
): { state: (typeof OPEN_STATES)[number]; count: number }[] {
  return OPEN_STATES.map((state) => ({
    state,
    count: sumChannels(summary.byState[state]),
  }));
}

export function sumChannels(byChannel: Partial<Record<Channel, number>> | undefined): number {
  if (!byChannel) return 0;
  return CHANNELS.reduce((sum, c) => sum + (byChannel[c] ?? 0), 0);
}

export interface CurrencyRevenue {
  currency: string;
  totalMinor: number;
  byChannel: Record<Channel, number>;
  bot: number;
  human: number;
}

/** Verified revenue per currency (never added across currencies), by currency code. */
export function revenueByCurrency(summary: AnalyticsSummary): CurrencyRevenue[] {
  const out = new Map<string, CurrencyRevenue>();
  for (const row of summary.revenue) {
    let r = out.get(row.currency);
    if (!r) {
      r = {
        currency: row.currency,
        totalMinor: 0,
        byChannel: { messenger: 0, instagram: 0, whatsapp: 0 },
        bot: 0,
        human: 0,
      };
      out.set(row.currency, r);
    }
    r.totalMinor += row.amountMinor;
    r.byChannel[row.channel] += row.amountMinor;
    r[row.by] += row.amountMinor;
  }
  return [...out.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

export interface SeriesRow {
  /** Bucket start, ms since the epoch. */
  t: number;
  messenger: number;
  instagram: number;
  whatsapp: number;
}

/** Hour buckets for 24 hours, day buckets (UTC) beyond. */
export function bucketMs(id: RangeId): number {
  return id === '24h' ? 3600_000 : 24 * 3600_000;
}

/**
 * One row per bucket across the whole range (empty buckets as zeros, so the chart's time axis
 * is even), with `value(point)` summed per channel.
 */
export function seriesByChannel(
  summary: AnalyticsSummary,
  id: RangeId,
  value: (point: AnalyticsSummary['series'][number]) => number,
): SeriesRow[] {
  const size = bucketMs(id);
  const from = Math.floor(Date.parse(summary.from) / size) * size;
  const to = Date.parse(summary.to);
  const rows = new Map<number, SeriesRow>();
  if (Number.isFinite(from) && Number.isFinite(to) && (to - from) / size <= 2000) {
    for (let t = from; t < to; t += size)
      rows.set(t, { t, messenger: 0, instagram: 0, whatsapp: 0 });
  }
  for (const point of summary.series) {
    const t = Math.floor(Date.parse(point.bucket) / size) * size;
    if (!Number.isFinite(t)) continue;
    let row = rows.get(t);
    if (!row) rows.set(t, (row = { t, messenger: 0, instagram: 0, whatsapp: 0 }));
    row[point.channel] += value(point);
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

/** Revenue of one currency per point, in minor units. */
export const revenueOf = (currency: string) => (point: AnalyticsSummary['series'][number]) =>
  point.revenue.filter((r) => r.currency === currency).reduce((sum, r) => sum + r.amountMinor, 0);

export function funnelSteps(
  summary: AnalyticsSummary,
): { step: string; count: number; ratio: number | null }[] {
  const { conversations, checkout, paid } = summary.funnel;
  const of = (n: number) => (conversations > 0 ? n / conversations : null);
  return [
    { step: 'Conversations', count: conversations, ratio: of(conversations) },
    { step: 'Checkout', count: checkout, ratio: of(checkout) },
    { step: 'Paid', count: paid, ratio: of(paid) },
  ];
}

export function failureRate(p: { calls: number; failures: number }): number | null {
  return p.calls > 0 ? p.failures / p.calls : null;
}

/** The currency with the most revenue points in the series: the chart's default. */
export function busiestCurrency(summary: AnalyticsSummary): string | null {
  const counts = new Map<string, number>();
  for (const point of summary.series) {
    for (const r of point.revenue) counts.set(r.currency, (counts.get(r.currency) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [currency, n] of counts)
    if (best === null || n > (counts.get(best) ?? 0)) best = currency;
  return best ?? summary.revenue[0]?.currency ?? null;
}
