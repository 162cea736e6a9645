import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { analyticsContracts } from '../../../shared/api/analytics.contract';
import type { AnalyticsSummary } from '../../../shared/analytics.schema';
import { CHANNELS } from '../../../shared/domain';
import { ApiError } from '../api/api-error';
import { api } from '../api/client';
import { useLiveEvent, useLiveReset } from '../realtime/live';
import { Button } from '../ui/button';
import { currencyExponent, formatMoney } from '../../../shared/money';
import { formatDateTime, formatDuration, formatPercent } from '../ui/format';
import { CHANNEL_LABELS, STATE_LABELS } from '../ui/labels';
import { LoadState } from '../ui/load-state';
import { NotConnected } from '../ui/not-connected';
import { PageHeader } from '../ui/page-header';
import { useResource } from '../ui/use-resource';
import {
  busiestCurrency,
  coversRange,
  failureRate,
  funnelSteps,
  openByState,
  RANGES,
  rangeQuery,
  revenueByCurrency,
  revenueOf,
  seriesByChannel,
  type RangeId,
} from './summary-view';

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

const CHANNEL_COLORS = { messenger: '#3b6fe0', instagram: '#c0357a', whatsapp: '#1a9a55' } as const;

/**
 * Conversion and verified revenue for owners and admins, live: `analytics:updated` replaces the
 * figures when it covers the selected range, and otherwise prompts a (throttled) refetch.
 */
export function AnalyticsPage() {
  const [range, setRange] = useState<RangeId>('7d');
  const resource = useResource(
    () => api.call(analyticsContracts.summary, { query: rangeQuery(range, Date.now()) }),
    [range],
  );
  const { reload, update } = resource;
  useLiveReset(reload);

  // Pushes: adopt when they cover this range; otherwise refetch at most every 5 seconds.
  const lastFetch = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  useLiveEvent('analytics:updated', (event) => {
    if (coversRange(event.summary, range)) {
      update(() => event.summary);
      return;
    }
    if (pending.current) return;
    const wait = Math.max(0, lastFetch.current + 5000 - Date.now());
    pending.current = setTimeout(() => {
      pending.current = null;
      lastFetch.current = Date.now();
      reload();
    }, wait);
  });

  const missing =
    resource.state.status === 'error' &&
    resource.state.error instanceof ApiError &&
    resource.state.error.code === 'not_found';

  return (
    <>
      <PageHeader
        title="Analytics"
        description="Conversations, response times, conversion and verified revenue, live."
        actions={
          <Button size="small" onClick={reload}>
            Refresh
          </Button>
        }
      />
      <div className="segmented" role="group" aria-label="Period">
        {RANGES.map((r) => (
          <button
            key={r.id}
            type="button"
            className="segmented__option"
            aria-pressed={range === r.id}
            data-testid={`range-${r.id}`}
            onClick={() => setRange(r.id)}
          >
            {r.label}
          </button>
        ))}
      </div>
      {missing ? (
        <NotConnected
          what="Live analytics"
          detail="Figures will show here as soon as this server has the analytics. Revenue counts only payments the provider has verified."
        />
      ) : (
        <LoadState state={resource.state} reload={reload} what="the figures">
          {(data) => <Dashboard summary={data} range={range} />}
        </LoadState>
      )}
    </>
  );
}

function Dashboard({ summary, range }: { summary: AnalyticsSummary; range: RangeId }) {
  const open = openByState(summary);
  const revenue = useMemo(() => revenueByCurrency(summary), [summary]);
  const [currency, setCurrency] = useState<string | null>(null);
  const shownCurrency =
    currency && revenue.some((r) => r.currency === currency) ? currency : busiestCurrency(summary);
  const volume = useMemo(
    () => seriesByChannel(summary, range, (p) => p.inboundMessages),
    [summary, range],
  );
  const revenueSeries = useMemo(
    () => (shownCurrency ? seriesByChannel(summary, range, revenueOf(shownCurrency)) : []),
    [summary, range, shownCurrency],
  );
  const funnel = funnelSteps(summary);
  const tick = (t: number) =>
    new Intl.DateTimeFormat(
      undefined,
      range === '24h' ? { hour: 'numeric' } : { month: 'short', day: 'numeric' },
    ).format(t);

  return (
    <div className="analytics" data-testid="analytics-dashboard">
      <p className="muted small" aria-live="polite">
        Updated {formatDateTime(summary.generatedAt)}
      </p>
      <div className="metric-grid">
        <article className="metric" data-testid="open-conversations">
          <h2 className="metric__label">Open conversations</h2>
          <p className="metric__value">{open.reduce((s, o) => s + o.count, 0).toLocaleString()}</p>
          <ul className="metric__parts">
            {open.map((o) => (
              <li key={o.state}>
                <span className={`chip chip--${o.state}`}>{STATE_LABELS[o.state]}</span>{' '}
                {o.count.toLocaleString()}
              </li>
            ))}
          </ul>
        </article>
        <article className="metric" data-testid="new-conversations">
          <h2 className="metric__label">New conversations</h2>
          <p className="metric__value">{summary.newConversations.total.toLocaleString()}</p>
          <ul className="metric__parts">
            {CHANNELS.map((c) => (
              <li key={c}>
                {CHANNEL_LABELS[c]} {(summary.newConversations.byChannel[c] ?? 0).toLocaleString()}
              </li>
            ))}
          </ul>
        </article>
        <article className="metric" data-testid="first-response">
          <h2 className="metric__label">First response (p50 / p90)</h2>
          <dl className="metric__pairs">
            <dt>Bot</dt>
            <dd>
              {formatDuration(summary.firstResponse.bot.p50Ms)} /{' '}
              {formatDuration(summary.firstResponse.bot.p90Ms)}
            </dd>
            <dt>Human</dt>
            <dd>
              {formatDuration(summary.firstResponse.human.p50Ms)} /{' '}
              {formatDuration(summary.firstResponse.human.p90Ms)}
            </dd>
          </dl>
        </article>
        <article className="metric" data-testid="handoff-rate">
          <h2 className="metric__label">Handoff rate</h2>
          <p className="metric__value">{formatPercent(summary.handoffRate)}</p>
          <p className="muted small">of new conversations reached a person</p>
        </article>
        <article className="metric" data-testid="checkout-conversion">
          <h2 className="metric__label">Checkout conversion</h2>
          <p className="metric__value">{formatPercent(summary.checkoutConversion)}</p>
          <p className="muted small">of checkouts were paid</p>
        </article>
        <article className="metric metric--wide" data-testid="revenue-total">
          <h2 className="metric__label">Verified revenue</h2>
          {revenue.length === 0 ? (
            <p className="metric__value">—</p>
          ) : (
            <ul className="revenue-list">
              {revenue.map((r) => (
                <li key={r.currency} data-testid={`revenue-${r.currency}`}>
                  <p className="metric__value">{formatMoney(r.totalMinor, r.currency)}</p>
                  <p className="muted small">
                    Bot {formatMoney(r.bot, r.currency)} · Human {formatMoney(r.human, r.currency)}
                  </p>
                  <p className="muted small">
                    {CHANNELS.filter((c) => r.byChannel[c] > 0)
                      .map((c) => `${CHANNEL_LABELS[c]} ${formatMoney(r.byChannel[c], r.currency)}`)
                      .join(' · ') || 'No channel yet'}
                  </p>
                </li>
              ))}
            </ul>
          )}
          <p className="muted small">Only payments the provider has verified.</p>
        </article>
      </div>

      <div className="chart-grid">
        <section className="chart-card" aria-labelledby="funnel-title">
          <h2 id="funnel-title" className="chart-card__title">
            Funnel: bot → checkout → paid
          </h2>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={funnel} layout="vertical" margin={{ left: 24, right: 24 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" allowDecimals={false} />
              <YAxis type="category" dataKey="step" width={100} />
              <Tooltip formatter={(v) => Number(v).toLocaleString()} />
              <Bar dataKey="count" name="Conversations" isAnimationActive={false}>
                {funnel.map((s, i) => (
                  <Cell key={s.step} fill={['#7aa2ff', '#1d4ed8', '#0f7a3e'][i]} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
          <p className="muted small">
            {funnel
              .map((s) => `${s.step} ${s.count.toLocaleString()} (${formatPercent(s.ratio)})`)
              .join(' → ')}
          </p>
        </section>

        <section className="chart-card" aria-labelledby="revenue-title">
          <div className="chart-card__head">
            <h2 id="revenue-title" className="chart-card__title">
              Revenue over time by channel
            </h2>
            {revenue.length > 1 ? (
              <select
                className="input input--compact"
                aria-label="Currency"
                value={shownCurrency ?? ''}
                onChange={(e) => setCurrency(e.target.value)}
              >
                {revenue.map((r) => (
                  <option key={r.currency}>{r.currency}</option>
                ))}
              </select>
            ) : null}
          </div>
          {shownCurrency ? (
            <ResponsiveContainer width="100%" height={220}>
              <AreaChart data={revenueSeries}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis
                  dataKey="t"
                  type="number"
                  scale="time"
                  domain={['dataMin', 'dataMax']}
                  tickFormatter={tick}
                />
                <YAxis
                  width={56}
                  tickFormatter={(v: number) =>
                    compact.format(v / 10 ** currencyExponent(shownCurrency))
                  }
                />
                <Tooltip
                  labelFormatter={(t) => formatDateTime(new Date(Number(t)).toISOString())}
                  formatter={(v) => formatMoney(Number(v), shownCurrency)}
                />
                <Legend />
                {CHANNELS.map((c) => (
                  <Area
                    key={c}
                    type="monotone"
                    dataKey={c}
                    name={CHANNEL_LABELS[c]}
                    stackId="rev"
                    stroke={CHANNEL_COLORS[c]}
                    fill={CHANNEL_COLORS[c]}
                    fillOpacity={0.3}
                    isAnimationActive={false}
                  />
                ))}
              </AreaChart>
            </ResponsiveContainer>
          ) : (
            <p className="muted">No verified payments in this period.</p>
          )}
        </section>

        <section className="chart-card" aria-labelledby="volume-title">
          <h2 id="volume-title" className="chart-card__title">
            Inbound messages by channel
          </h2>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={volume}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="t" tickFormatter={tick} minTickGap={24} />
              <YAxis allowDecimals={false} width={40} />
              <Tooltip labelFormatter={(t) => formatDateTime(new Date(Number(t)).toISOString())} />
              <Legend />
              {CHANNELS.map((c) => (
                <Bar
                  key={c}
                  dataKey={c}
                  name={CHANNEL_LABELS[c]}
                  stackId="vol"
                  fill={CHANNEL_COLORS[c]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </section>

        <section className="chart-card" aria-labelledby="providers-title">
          <h2 id="providers-title" className="chart-card__title">
            AI provider health
          </h2>
          {summary.aiProviders.length === 0 ? (
            <p className="muted">No AI calls in this period.</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="provider-health">
                <thead>
                  <tr>
                    <th scope="col">Provider</th>
                    <th scope="col" className="num">
                      Calls
                    </th>
                    <th scope="col" className="num">
                      Failures
                    </th>
                    <th scope="col">Breaker</th>
                    <th scope="col">Last failure</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.aiProviders.map((p) => (
                    <tr key={p.provider}>
                      <td>{p.provider}</td>
                      <td className="num">{p.calls.toLocaleString()}</td>
                      <td className="num">
                        {p.failures.toLocaleString()} ({formatPercent(failureRate(p))})
                      </td>
                      <td>
                        <span className={`chip chip--breaker-${p.breaker ?? 'none'}`}>
                          {p.breaker === 'open'
                            ? 'Open (skipped)'
                            : p.breaker === 'half-open'
                              ? 'Testing'
                              : p.breaker === 'closed'
                                ? 'Healthy'
                                : '—'}
                        </span>
                      </td>
                      <td>{p.lastFailureAt ? formatDateTime(p.lastFailureAt) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
