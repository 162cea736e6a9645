import { useCallback, useState } from 'react';
import { z } from 'zod';
import { api } from '../api/client';
import { ApiError } from '../api/api-error';
import { useOnReconnected } from '../connection/connection';
import { Button } from '../ui/button';
import { humanizeKey } from '../ui/format';
import { LoadState } from '../ui/load-state';
import { NotConnected } from '../ui/not-connected';
import { PageHeader } from '../ui/page-header';
import { useResource } from '../ui/use-resource';

const PERIODS = [
  { id: 'today', label: 'Today', days: 0 },
  { id: '7d', label: 'Last 7 days', days: 7 },
  { id: '30d', label: 'Last 30 days', days: 30 },
] as const;
type PeriodId = (typeof PERIODS)[number]['id'];

/** The summary's schema joins `shared/` with the analytics routes; any JSON object reads here. */
const summarySchema = z.record(z.string(), z.unknown());

function periodRange(id: PeriodId, now = new Date()) {
  const days = PERIODS.find((p) => p.id === id)?.days ?? 0;
  const from = new Date(now);
  from.setHours(0, 0, 0, 0);
  from.setDate(from.getDate() - days);
  return { from: from.toISOString(), to: now.toISOString() };
}

/** Numbers of the summary, one level of nesting flattened: `revenueByChannel · whatsapp`. */
function figures(summary: Record<string, unknown>): { label: string; value: number }[] {
  const out: { label: string; value: number }[] = [];
  for (const [key, value] of Object.entries(summary)) {
    if (typeof value === 'number') out.push({ label: humanizeKey(key), value });
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, inner] of Object.entries(value)) {
        if (typeof inner === 'number') {
          out.push({ label: `${humanizeKey(key)} · ${humanizeKey(sub)}`, value: inner });
        }
      }
    }
  }
  return out;
}

/** Conversion and verified revenue for owners and admins. */
export function AnalyticsPage() {
  const [period, setPeriod] = useState<PeriodId>('7d');
  const summary = useResource(
    () =>
      api.request('/api/analytics/summary', {
        query: periodRange(period),
        schema: summarySchema,
      }),
    [period],
  );
  const { reload } = summary;
  useOnReconnected(useCallback(() => reload(), [reload]));
  const missing =
    summary.state.status === 'error' &&
    summary.state.error instanceof ApiError &&
    summary.state.error.code === 'not_found';

  return (
    <>
      <PageHeader
        title="Analytics"
        description="Conversations, response times, conversion and verified revenue."
        actions={
          <Button size="small" onClick={reload}>
            Refresh
          </Button>
        }
      />
      <div className="segmented" role="group" aria-label="Period">
        {PERIODS.map((p) => (
          <button
            key={p.id}
            type="button"
            className="segmented__option"
            aria-pressed={period === p.id}
            onClick={() => setPeriod(p.id)}
          >
            {p.label}
          </button>
        ))}
      </div>
      {missing ? (
        <NotConnected
          what="Live analytics"
          detail="Figures will show here as soon as this server has the analytics. Revenue counts only payments the provider has verified."
        />
      ) : (
        <LoadState state={summary.state} reload={reload} what="the figures">
          {(data) => (
            <dl className="stats">
              {figures(data).map((f) => (
                <div key={f.label} className="stats__item">
                  <dt>{f.label}</dt>
                  <dd>{f.value.toLocaleString()}</dd>
                </div>
              ))}
            </dl>
          )}
        </LoadState>
      )}
    </>
  );
}
