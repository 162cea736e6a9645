import { describe, expect, it } from 'vitest';
import type { AnalyticsSummary } from '../../../shared/analytics.schema';
import {
  busiestCurrency,
  coversRange,
  failureRate,
  funnelSteps,
  openByState,
  rangeQuery,
  revenueByCurrency,
  revenueOf,
  seriesByChannel,
} from './summary-view';

const summary = (over: Partial<AnalyticsSummary> = {}): AnalyticsSummary => ({
  from: '2026-11-09T12:00:00.000Z',
  to: '2026-11-10T12:00:00.000Z',
  granularity: 'hour',
  generatedAt: '2026-11-10T12:00:00.000Z',
  byState: {
    bot: { whatsapp: 3, instagram: 1 },
    handoff: { messenger: 2 },
    checkout: {},
    paid: { whatsapp: 9 },
    closed: {},
    optedOut: {},
  } as AnalyticsSummary['byState'],
  newConversations: { total: 10, byChannel: { whatsapp: 10 } as never },
  inboundMessages: { total: 40, byChannel: { whatsapp: 40 } as never },
  firstResponse: {
    bot: { count: 5, p50Ms: 900, p90Ms: 2000 },
    human: { count: 2, p50Ms: 60_000, p90Ms: null },
  },
  handoffRate: 0.2,
  funnel: { conversations: 10, checkout: 4, paid: 2 },
  checkoutConversion: 0.5,
  revenue: [
    { currency: 'USD', channel: 'whatsapp', by: 'bot', amountMinor: 1000 },
    { currency: 'USD', channel: 'instagram', by: 'human', amountMinor: 500 },
    { currency: 'NGN', channel: 'whatsapp', by: 'bot', amountMinor: 200 },
  ],
  series: [
    {
      bucket: '2026-11-09T13:00:00.000Z',
      channel: 'whatsapp',
      newConversations: 2,
      inboundMessages: 5,
      revenue: [{ currency: 'USD', by: 'bot', amountMinor: 1000 }],
    },
    {
      bucket: '2026-11-09T13:00:00.000Z',
      channel: 'instagram',
      newConversations: 1,
      inboundMessages: 3,
      revenue: [],
    },
  ],
  aiProviders: [],
  ...over,
});

describe('analytics shaping', () => {
  it('asks for a range ending now, to the minute', () => {
    const now = Date.parse('2026-11-10T12:00:30.000Z');
    expect(rangeQuery('24h', now)).toEqual({
      from: '2026-11-09T12:01:00.000Z',
      to: '2026-11-10T12:01:00.000Z',
    });
  });

  it('knows whether a pushed summary covers the selected range', () => {
    expect(coversRange(summary(), '24h')).toBe(true);
    expect(coversRange(summary(), '7d')).toBe(false);
  });

  it('counts open conversations by state across channels', () => {
    expect(openByState(summary())).toEqual([
      { state: 'bot', count: 4 },
      { state: 'handoff', count: 2 },
      { state: 'checkout', count: 0 },
    ]);
  });

  it('sums revenue per currency, never across currencies', () => {
    const [ngn, usd] = revenueByCurrency(summary());
    expect(usd).toMatchObject({ currency: 'USD', totalMinor: 1500, bot: 1000, human: 500 });
    expect(usd?.byChannel).toEqual({ messenger: 0, instagram: 500, whatsapp: 1000 });
    expect(ngn).toMatchObject({ currency: 'NGN', totalMinor: 200 });
    expect(busiestCurrency(summary())).toBe('USD');
  });

  it('fills every bucket of the range and sums per channel', () => {
    const rows = seriesByChannel(summary(), '24h', (p) => p.inboundMessages);
    expect(rows).toHaveLength(24);
    expect(rows[1]).toEqual({
      t: Date.parse('2026-11-09T13:00:00.000Z'),
      messenger: 0,
      instagram: 3,
      whatsapp: 5,
    });
    const revenue = seriesByChannel(summary(), '7d', revenueOf('USD'));
    expect(revenue.reduce((s, r) => s + r.whatsapp, 0)).toBe(1000);
  });

  it('shapes the funnel and provider failure rates', () => {
    expect(funnelSteps(summary()).map((s) => [s.count, s.ratio])).toEqual([
      [10, 1],
      [4, 0.4],
      [2, 0.2],
    ]);
    expect(
      funnelSteps(summary({ funnel: { conversations: 0, checkout: 0, paid: 0 } }))[2]?.ratio,
    ).toBeNull();
    expect(failureRate({ calls: 4, failures: 1 })).toBe(0.25);
    expect(failureRate({ calls: 0, failures: 0 })).toBeNull();
  });
});
