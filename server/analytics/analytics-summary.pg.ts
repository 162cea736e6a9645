import { and, eq, gte, lt, sql } from 'drizzle-orm';
import {
  SERIES_HOURLY_MAX_MS,
  type AnalyticsQuery,
  type AnalyticsSummary,
} from '../../shared/analytics.schema';
import { CHANNELS, CONVERSATION_STATES, type Channel } from '../../shared/domain';
import type { BreakerState, CircuitBreakers } from '../ai/circuit-breaker';
import { AppError } from '../errors';
import type { Database, Db } from '../persistence/db';
import { analyticsBuckets as b, analyticsGauges as g } from '../persistence/schema';
import { LAST_FAILURE_PREFIX } from './ai-health.projection';
import { parseFrtMetric, percentiles, type FrtKind } from './histogram';

/** What the summary may read of this node's breakers (nothing that changes them). */
export type BreakerView = Pick<CircuitBreakers, 'state' | 'openKeys'>;

export interface SummaryDeps {
  database: Database;
  /** This node's AI breakers, when the node has an AI. */
  breakers?: BreakerView | null;
  now?: () => number;
}

export type Summarize = (businessId: string, query?: AnalyticsQuery) => Promise<AnalyticsSummary>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const DEFAULT_RANGE_MS = 7 * DAY_MS;
/** A longer period is refused: the dashboard has no use for it and it would scan for nothing. */
export const MAX_RANGE_MS = 400 * DAY_MS;

export interface Range {
  from: Date;
  to: Date;
  granularity: 'hour' | 'day';
}

/**
 * The period `[from, to)` as whole hours: `from` rounded down, `to` rounded up (a bucket counts
 * when its hour starts in the period). Defaults: `to` now, `from` 7 days before `to`.
 */
export function resolveRange(query: AnalyticsQuery, now: number): Range {
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - DEFAULT_RANGE_MS;
  if (!(from < to)) throw new AppError('bad_request', { message: '`from` must be before `to`.' });
  if (to - from > MAX_RANGE_MS) {
    throw new AppError('bad_request', { message: 'The period may span at most 400 days.' });
  }
  const start = Math.floor(from / HOUR_MS) * HOUR_MS;
  const end = Math.ceil(to / HOUR_MS) * HOUR_MS;
  return {
    from: new Date(start),
    to: new Date(end),
    granularity: end - start <= SERIES_HOURLY_MAX_MS ? 'hour' : 'day',
  };
}

const zeroChannels = (): Record<Channel, number> =>
  Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;
const BREAKER: Record<BreakerState, 'closed' | 'open' | 'half-open'> = {
  closed: 'closed',
  open: 'open',
  half_open: 'half-open',
};

/**
 * `summary(businessId, {from, to})`: three grouped reads of the analytics tables (period
 * totals, the series, the gauges), in one tenant transaction; never a scan of conversations or
 * messages.
 */
export function createAnalyticsSummary(deps: SummaryDeps): Summarize {
  const now = deps.now ?? Date.now;
  return async (businessId, query = {}) => {
    const range = resolveRange(query, now());
    const reads = await deps.database.transaction({ tenant: businessId }, async ({ db: tx }) => ({
      totals: await totals(tx, businessId, range),
      series: await series(tx, businessId, range),
      gauges: await gauges(tx, businessId),
    }));
    return assemble(businessId, range, reads, deps.breakers ?? null, now());
  };
}

const inRange = (businessId: string, range: Range) =>
  and(eq(b.businessId, businessId), gte(b.bucket, range.from), lt(b.bucket, range.to));

function totals(tx: Db, businessId: string, range: Range) {
  return tx
    .select({
      channel: b.channel,
      metric: b.metric,
      sum: sql<number>`sum(${b.value})::float8`.mapWith(Number),
      max: sql<number>`max(${b.value})::float8`.mapWith(Number),
    })
    .from(b)
    .where(inRange(businessId, range))
    .groupBy(b.channel, b.metric);
}

function series(tx: Db, businessId: string, range: Range) {
  const step = sql.raw(String((range.granularity === 'hour' ? HOUR_MS : DAY_MS) / 1000));
  // Epoch seconds are UTC, so flooring them to a day is the UTC day.
  const point = sql<number>`(floor(extract(epoch from ${b.bucket}) / ${step}) * ${step} * 1000)::float8`;
  return tx
    .select({
      at: point.mapWith(Number),
      channel: b.channel,
      metric: b.metric,
      sum: sql<number>`sum(${b.value})::float8`.mapWith(Number),
    })
    .from(b)
    .where(
      and(
        inRange(businessId, range),
        sql`(${b.metric} in ('conversations.new', 'messages.inbound') or ${b.metric} like 'revenue.%')`,
      ),
    )
    .groupBy(point, b.channel, b.metric)
    .orderBy(point, b.channel);
}

function gauges(tx: Db, businessId: string) {
  return tx
    .select({
      channel: g.channel,
      state: g.state,
      count: sql<number>`sum(${g.count})::float8`.mapWith(Number),
    })
    .from(g)
    .where(eq(g.businessId, businessId))
    .groupBy(g.channel, g.state);
}

interface Reads {
  totals: Awaited<ReturnType<typeof totals>>;
  series: Awaited<ReturnType<typeof series>>;
  gauges: Awaited<ReturnType<typeof gauges>>;
}

/** `revenue.USD.bot` → `{currency: 'USD', by: 'bot'}`. */
function parseRevenue(metric: string): { currency: string; by: 'bot' | 'human' } | null {
  const m = /^revenue\.([A-Z]{3})\.(bot|human)$/.exec(metric);
  return m ? { currency: m[1] as string, by: m[2] as 'bot' | 'human' } : null;
}

function assemble(
  businessId: string,
  range: Range,
  reads: Reads,
  breakers: BreakerView | null,
  generatedAt: number,
): AnalyticsSummary {
  const byState = Object.fromEntries(
    CONVERSATION_STATES.map((s) => [s, zeroChannels()]),
  ) as AnalyticsSummary['byState'];
  for (const r of reads.gauges) byState[r.state][r.channel] += r.count;

  const byMetric = (metric: string) => {
    const byChannel = zeroChannels();
    for (const r of reads.totals) if (r.metric === metric) byChannel[r.channel] += r.sum;
    return { total: Object.values(byChannel).reduce((a, n) => a + n, 0), byChannel };
  };
  const newConversations = byMetric('conversations.new');
  const handoffs = byMetric('handoffs').total;
  const checkout = byMetric('checkouts').total;
  const paid = byMetric('paid').total;

  const frt: Record<FrtKind, Map<number, number>> = { bot: new Map(), human: new Map() };
  const revenue = new Map<string, AnalyticsSummary['revenue'][number]>();
  const providers = new Map<string, AnalyticsSummary['aiProviders'][number]>();
  const provider = (name: string) => {
    let p = providers.get(name);
    if (!p) {
      p = { provider: name, calls: 0, failures: 0, breaker: null, lastFailureAt: null };
      providers.set(name, p);
    }
    return p;
  };
  for (const r of reads.totals) {
    const histogram = parseFrtMetric(r.metric);
    if (histogram) {
      const counts = frt[histogram.kind];
      counts.set(histogram.bound, (counts.get(histogram.bound) ?? 0) + r.sum);
      continue;
    }
    const money = parseRevenue(r.metric);
    if (money) {
      const key = `${money.currency}|${r.channel}|${money.by}`;
      const row = revenue.get(key) ?? { ...money, channel: r.channel, amountMinor: 0 };
      row.amountMinor += r.sum;
      revenue.set(key, row);
      continue;
    }
    const ai = /^ai\.(calls|failures|last_failure)\.(.+)$/.exec(r.metric);
    if (ai) {
      const p = provider(ai[2] as string);
      if (ai[1] === 'calls') p.calls += r.sum;
      else if (ai[1] === 'failures') p.failures += r.sum;
      else if (r.metric.startsWith(LAST_FAILURE_PREFIX)) {
        const latest = Math.max(r.max, p.lastFailureAt ? Date.parse(p.lastFailureAt) : 0);
        p.lastFailureAt = new Date(latest).toISOString();
      }
    }
  }
  // A breaker this node holds open for the business shows even without calls in the period.
  for (const key of breakers?.openKeys() ?? []) {
    const [name, business] = key.split(':');
    if (name && business === businessId) provider(name);
  }
  for (const p of providers.values()) {
    // The offline bot has no breaker (it cannot be down).
    if (breakers && p.provider !== 'offline') {
      p.breaker = BREAKER[breakers.state(`${p.provider}:${businessId}`)];
    }
  }

  const points = new Map<string, AnalyticsSummary['series'][number]>();
  for (const r of reads.series) {
    const key = `${r.at}|${r.channel}`;
    let point = points.get(key);
    if (!point) {
      point = {
        bucket: new Date(r.at).toISOString(),
        channel: r.channel,
        newConversations: 0,
        inboundMessages: 0,
        revenue: [],
      };
      points.set(key, point);
    }
    if (r.metric === 'conversations.new') point.newConversations += r.sum;
    else if (r.metric === 'messages.inbound') point.inboundMessages += r.sum;
    else {
      const money = parseRevenue(r.metric);
      if (money) point.revenue.push({ ...money, amountMinor: r.sum });
    }
  }

  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    granularity: range.granularity,
    generatedAt: new Date(generatedAt).toISOString(),
    byState,
    newConversations,
    inboundMessages: byMetric('messages.inbound'),
    firstResponse: { bot: percentiles(frt.bot), human: percentiles(frt.human) },
    handoffRate: newConversations.total > 0 ? handoffs / newConversations.total : null,
    funnel: { conversations: newConversations.total, checkout, paid },
    checkoutConversion: checkout > 0 ? paid / checkout : null,
    revenue: [...revenue.values()].sort(
      (x, y) =>
        x.currency.localeCompare(y.currency) ||
        x.channel.localeCompare(y.channel) ||
        x.by.localeCompare(y.by),
    ),
    series: [...points.values()],
    aiProviders: [...providers.values()].sort((x, y) => x.provider.localeCompare(y.provider)),
  };
}
