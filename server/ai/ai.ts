import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type { Database } from '../persistence/db';
import type { EffectHandler } from '../runtime/effects';
import type { Runtime } from '../runtime/runtime';
import { createAiReplyHandler } from './ai-reply.handler';
import { createAiMetrics } from './ai.metrics';
import { createCircuitBreakers, type CircuitBreakers } from './circuit-breaker';
import type { LlmProvider, SdkClientOptions } from './llm-provider';
import { createPgMetering } from './metering.pg';
import { createOfflineProvider } from './providers/offline';
import {
  configuredProviders,
  createDefaultAiSettingsSource,
  defaultAiSettings,
  type AiProviderName,
  type AiSettingsSource,
} from './settings';
import { createStoredAiSettingsSource } from './settings.pg';

export interface AiDeps {
  config: Config['ai'];
  database: Database;
  log: Logger;
  registry: Registry;
  /** The business settings port; defaults to settings derived from the configured keys. */
  settings?: AiSettingsSource;
  now?: () => number;
}

export interface Ai {
  readonly replyHandler: EffectHandler<'requestAiReply'>;
  readonly breakers: CircuitBreakers;
}

/**
 * Builds the AI side of a node: one SDK client per provider with a key (built once, SDK retries
 * off, our timeout), breakers, metering and the `ai-reply` handler, held to the operator's
 * models and monthly budget.
 */
export async function createAi(deps: AiDeps): Promise<Ai> {
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ component: 'ai' });
  const configured = configuredProviders(deps.config);
  const breakers = createCircuitBreakers({
    failureThreshold: deps.config.breaker.failures,
    cooldownMs: deps.config.breaker.cooldownMs,
    now,
    onTransition(key, from, to) {
      const provider = key.split(':')[0] ?? key;
      metrics.breakerTransitions.inc({ provider, state: to });
      log.warn({ event: 'ai.breaker', key, from, to }, `AI breaker ${to}`);
    },
  });
  const metrics = createAiMetrics(deps.registry, () => breakers);
  const replyHandler = createAiReplyHandler({
    database: deps.database,
    providers: await createProviders(deps.config),
    breakers,
    timeoutMs: deps.config.timeoutMs,
    metering: createPgMetering(deps.database),
    models: deps.config.models,
    operatorBudgetMinor: deps.config.monthlyBudgetCents,
    metrics,
    log,
    now,
    settings:
      deps.settings ??
      createStoredAiSettingsSource(deps.database.db, createDefaultAiSettingsSource(configured)),
    fallbackSettings: defaultAiSettings(configured),
  });
  return { replyHandler, breakers };
}

/** Must run before `runtime.start()`; a test's `configureRuntime` may replace it afterwards. */
export function registerAiHandlers(runtime: Pick<Runtime, 'handle'>, ai: Ai): void {
  runtime.handle('ai-reply', ai.replyHandler as EffectHandler);
}

/**
 * The SDKs are loaded only for providers that have a key: together they take about a second to
 * import, which the embedded default (no keys, offline bot) should not pay at every start.
 */
async function createProviders(
  config: Config['ai'],
): Promise<Partial<Record<AiProviderName, LlmProvider>>> {
  const providers: Partial<Record<AiProviderName, LlmProvider>> = {
    offline: createOfflineProvider(),
  };
  const options = (c: { apiKey: string | undefined; baseUrl: string | undefined }) =>
    c.apiKey ? { apiKey: c.apiKey, baseUrl: c.baseUrl, timeoutMs: config.timeoutMs } : null;
  const openai: SdkClientOptions | null = options(config.openai);
  if (openai) {
    const { createOpenAiClient, createOpenAiProvider } = await import('./providers/openai');
    providers.openai = createOpenAiProvider(createOpenAiClient(openai));
  }
  const anthropic = options(config.anthropic);
  if (anthropic) {
    const { createAnthropicClient, createAnthropicProvider } =
      await import('./providers/anthropic');
    providers.anthropic = createAnthropicProvider(createAnthropicClient(anthropic));
  }
  const groq = options(config.groq);
  if (groq) {
    const { createGroqClient, createGroqProvider } = await import('./providers/groq');
    providers.groq = createGroqProvider(createGroqClient(groq));
  }
  return providers;
}
