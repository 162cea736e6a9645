import type { Logger } from 'pino';
import type { AiMetrics } from './ai.metrics';
import type { CircuitBreakers } from './circuit-breaker';
import { withDeadline } from './deadline';
import {
  ProviderError,
  type Completion,
  type LlmPrompt,
  type LlmProvider,
  type ProviderErrorKind,
} from './llm-provider';
import type { Metering } from './metering.pg';
import { priceOf } from './model-allow-list';
import { isPaid, type ModelAllowList, type ModelPrice } from './model-prices';
import type { AiProviderName } from './settings';

export interface ChainStep {
  provider: AiProviderName;
  model: string;
}

export type AttemptOutcome =
  'ok' | 'unusable' | 'failed' | 'breaker_open' | 'over_budget' | 'not_configured' | 'not_offered';

export interface Attempt {
  provider: AiProviderName;
  model: string;
  outcome: AttemptOutcome;
  error?: ProviderErrorKind;
  ms?: number;
}

export interface ChainDeps {
  providers: Partial<Record<AiProviderName, LlmProvider>>;
  breakers: CircuitBreakers;
  timeoutMs: number;
  metering: Metering;
  /** The operator's models and prices (`AI_MODELS`): what may be called, and at what cost. */
  models: ModelAllowList;
  metrics: AiMetrics;
  log: Logger;
  now: () => number;
}

export interface ChainRequest<T> {
  businessId: string;
  steps: ChainStep[];
  prompt: LlmPrompt;
  /** The business spent its monthly budget: paid models are skipped. */
  overBudget: boolean;
  /** Turns a completion into the result, or null when it gives the customer nothing. */
  accept(completion: Completion, step: ChainStep): Promise<T | null>;
}

export type ChainResult<T> =
  | { ok: true; value: T; provider: AiProviderName; attempts: Attempt[] }
  | { ok: false; attempts: Attempt[] };

/**
 * Asks the providers in order until one gives a usable answer. A provider is skipped without a
 * call when it has no client, when its model is not on the operator's list, when its model is
 * paid and the business is over budget, or when its breaker for this business is open. Each
 * call has its own deadline.
 */
export async function runChain<T>(deps: ChainDeps, req: ChainRequest<T>): Promise<ChainResult<T>> {
  const attempts: Attempt[] = [];
  const skip = (step: ChainStep, outcome: AttemptOutcome) => {
    attempts.push({ ...step, outcome });
    deps.metrics.skipped.inc({ provider: step.provider, reason: outcome });
  };
  for (const step of req.steps) {
    const provider = deps.providers[step.provider];
    // The offline bot cannot be down; a breaker would only hide a bug.
    const key = step.provider === 'offline' ? null : `${step.provider}:${req.businessId}`;
    const price = priceOf(deps.models, step.provider, step.model);
    const skipped = skipReason(deps, req, price, provider, key);
    if (skipped || !provider || !price) {
      skip(step, skipped ?? 'not_configured');
      continue;
    }
    const started = deps.now();
    const result = await call(deps, provider, step, req.prompt);
    const ms = deps.now() - started;
    deps.metrics.latency.observe({ provider: step.provider }, ms / 1000);
    if (result instanceof ProviderError) {
      if (key) deps.breakers.recordFailure(key);
      deps.metrics.calls.inc({ provider: step.provider, outcome: result.kind });
      deps.log.warn(
        {
          event: 'ai.provider_failed',
          provider: step.provider,
          kind: result.kind,
          ms,
          err: result,
        },
        'AI provider failed; trying the next one',
      );
      attempts.push({ ...step, outcome: 'failed', error: result.kind, ms });
      continue;
    }
    if (key) deps.breakers.recordSuccess(key);
    deps.metrics.calls.inc({ provider: step.provider, outcome: 'ok' });
    await meter(deps, req.businessId, step, price, result);
    const value = await req.accept(result, step);
    attempts.push({ ...step, outcome: value === null ? 'unusable' : 'ok', ms });
    if (value !== null) return { ok: true, value, provider: step.provider, attempts };
  }
  return { ok: false, attempts };
}

/** Why a step is passed over without a call, or null to call it (acquiring a breaker probe). */
function skipReason(
  deps: ChainDeps,
  req: ChainRequest<unknown>,
  price: ModelPrice | null,
  provider: LlmProvider | undefined,
  key: string | null,
): AttemptOutcome | null {
  if (!provider) return 'not_configured';
  // The handler only picks offered models; this keeps any other caller from spending either.
  if (!price) return 'not_offered';
  if (req.overBudget && isPaid(price)) return 'over_budget';
  if (key && !deps.breakers.tryAcquire(key)) return 'breaker_open';
  return null;
}

async function call(
  deps: ChainDeps,
  provider: LlmProvider,
  step: ChainStep,
  prompt: LlmPrompt,
): Promise<Completion | ProviderError> {
  try {
    return await withDeadline(
      (signal) =>
        provider.complete(prompt, { model: step.model, timeoutMs: deps.timeoutMs, signal }),
      deps.timeoutMs,
      () => new ProviderError(step.provider, 'timeout', `no answer within ${deps.timeoutMs} ms`),
    );
  } catch (err) {
    return err instanceof ProviderError
      ? err
      : new ProviderError(step.provider, 'unknown', String(err), { cause: err });
  }
}

/** Metering must not cost the customer their reply: a failed write is logged and skipped. */
async function meter(
  deps: ChainDeps,
  businessId: string,
  step: ChainStep,
  price: ModelPrice,
  c: Completion,
) {
  deps.metrics.tokens.inc({ provider: step.provider, direction: 'input' }, c.inputTokens);
  deps.metrics.tokens.inc({ provider: step.provider, direction: 'output' }, c.outputTokens);
  try {
    // Priced by the model we asked for: providers answer with dated names (`gpt-4o-mini-2024-…`).
    const cost = await deps.metering.record({
      businessId,
      provider: step.provider,
      model: step.model,
      price,
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      at: deps.now(),
    });
    deps.metrics.costMicros.inc({ provider: step.provider }, cost);
  } catch (err) {
    deps.log.error({ event: 'ai.metering_failed', err }, 'could not record AI usage');
  }
}
