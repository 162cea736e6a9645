import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitBreakers } from './circuit-breaker';

/**
 * AI metrics on the node's registry. Labels stay low-cardinality: provider and outcome, never
 * the business or the model (those are in the `ai_usage` table).
 */
export function createAiMetrics(registry: Registry, breakers: () => CircuitBreakers) {
  const registers = [registry];
  return {
    calls: new Counter({
      name: 'parley_ai_provider_calls_total',
      help: 'LLM provider calls by provider and outcome (ok or the failure kind)',
      labelNames: ['provider', 'outcome'] as const,
      registers,
    }),
    skipped: new Counter({
      name: 'parley_ai_provider_skipped_total',
      help: 'Providers skipped in a chain, by reason (breaker_open, over_budget, not_configured)',
      labelNames: ['provider', 'reason'] as const,
      registers,
    }),
    latency: new Histogram({
      name: 'parley_ai_provider_call_duration_seconds',
      help: 'LLM provider call latency, failures included',
      labelNames: ['provider'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30],
      registers,
    }),
    tokens: new Counter({
      name: 'parley_ai_tokens_total',
      help: 'Tokens used by provider and direction (input or output)',
      labelNames: ['provider', 'direction'] as const,
      registers,
    }),
    costMicros: new Counter({
      name: 'parley_ai_cost_micro_usd_total',
      help: 'Metered LLM cost in micro-USD by provider',
      labelNames: ['provider'] as const,
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'parley_ai_breaker_transitions_total',
      help: 'Circuit breaker state changes by provider and new state',
      labelNames: ['provider', 'state'] as const,
      registers,
    }),
    breakersOpen: new Gauge({
      name: 'parley_ai_breakers_open',
      help: 'Circuit breakers currently open or half-open, by provider',
      labelNames: ['provider'] as const,
      registers,
      collect() {
        this.reset();
        for (const key of breakers().openKeys()) this.inc({ provider: key.split(':')[0] });
      },
    }),
    rejectedActions: new Counter({
      name: 'parley_ai_rejected_actions_total',
      help: 'Control tags or actions dropped from AI replies, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    replies: new Counter({
      name: 'parley_ai_replies_total',
      help: 'AI reply effects by outcome (replied, failed, stale)',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
}

export type AiMetrics = ReturnType<typeof createAiMetrics>;
