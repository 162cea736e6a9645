import type { Logger } from 'pino';
import type { AiAction, AiAttempt } from '../../shared/conversation.events';
import type { InboxEventInput } from '../../shared/inbox.events';
import type { Database } from '../persistence/db';
import type { EffectHandler, EffectResult } from '../runtime/effects';
import { loadAiContext, type AiContext } from './ai-context.pg';
import type { AiMetrics } from './ai.metrics';
import type { Completion } from './llm-provider';
import { parseControlTags, type RejectedTag } from './control-tags';
import type { Metering } from './metering.pg';
import { chooseModel } from './model-allow-list';
import { budgetMicros, effectiveBudgetMinor } from './model-prices';
import { buildPrompt, PROMPT_LIMITS, type PromptLimits } from './prompt';
import {
  runChain,
  type Attempt,
  type ChainDeps,
  type ChainResult,
  type ChainStep,
} from './provider-chain';
import { aiSettingsSchema, type AiSettings, type AiSettingsSource } from './settings';
import { loadActionFacts, validateActions, type RejectedAction } from './validate-actions';

export interface AiReplyDeps extends ChainDeps {
  database: Database;
  settings: AiSettingsSource;
  /** Used when the settings source fails or answers something invalid. */
  fallbackSettings: AiSettings;
  metering: Metering;
  /** The operator's cap per business and calendar month, US cents (`AI_MONTHLY_BUDGET_CENTS`). */
  operatorBudgetMinor: number;
  metrics: AiMetrics;
  log: Logger;
  limits?: PromptLimits;
}

interface Reply {
  text: string;
  actions: AiAction[];
}

/**
 * The `ai-reply` effect (issue 6): load the conversation, ask the providers in the business's
 * order, parse and validate the control tags, and hand back `ai.replied`, or `ai.failed` when
 * no provider answered (the machine then sends the fallback text and hands off). The runtime
 * inserts the result into the inbox under the effect's id, so a retried job cannot deliver
 * twice; a reply to a request the conversation no longer waits for is dropped by the machine,
 * and is not even asked for when the conversation already moved on before the job ran.
 */
export function createAiReplyHandler(deps: AiReplyDeps): EffectHandler<'requestAiReply'> {
  const limits = deps.limits ?? PROMPT_LIMITS;
  return async (job) => {
    const { businessId, conversationId } = job;
    const { requestId } = job.params;
    const log = deps.log.child({ businessId, conversationId, requestId });
    const context = await loadAiContext(
      deps.database,
      businessId,
      conversationId,
      limits.historyMessages,
    );
    if (!context || context.aiRequest !== requestId) {
      deps.metrics.replies.inc({ outcome: 'stale' });
      log.debug({ event: 'ai.stale_request' }, 'the conversation no longer waits for this reply');
      return;
    }
    const settings = await loadSettings(deps, businessId, log);
    const overBudget = await isOverBudget(deps, businessId, settings);
    const result = await runChain<Reply>(deps, {
      businessId,
      steps: chainOf(deps, log, settings, overBudget),
      prompt: promptFor(context, settings, limits),
      overBudget,
      accept: replyFrom(deps, log, businessId, conversationId),
    });
    return outcome(deps, log, requestId, result);
  };
}

/**
 * `ai.replied` with the answer, or `ai.failed` with why every provider was passed over; both
 * carry the provider calls, which the AI health read model counts when the event is applied.
 */
function outcome(
  deps: AiReplyDeps,
  log: Logger,
  requestId: string,
  result: ChainResult<Reply>,
): EffectResult {
  if (!result.ok) {
    deps.metrics.replies.inc({ outcome: 'failed' });
    const reason = describeAttempts(result.attempts);
    log.error(
      { event: 'ai.all_providers_failed', attempts: result.attempts },
      'no AI provider answered',
    );
    return event({ type: 'ai.failed', requestId, reason, attempts: callsOf(result.attempts) });
  }
  deps.metrics.replies.inc({ outcome: 'replied' });
  log.info(
    {
      event: 'ai.replied',
      provider: result.provider,
      actions: result.value.actions.map((a) => a.type),
    },
    'AI replied',
  );
  return event({
    type: 'ai.replied',
    requestId,
    ...result.value,
    provider: result.provider,
    attempts: callsOf(result.attempts),
  });
}

/** Parses and validates a completion; null when it leaves nothing to say and nothing to do. */
function replyFrom(deps: AiReplyDeps, log: Logger, businessId: string, conversationId: string) {
  return async (completion: Completion): Promise<Reply | null> => {
    const parsed = parseControlTags(completion.text);
    const facts = await loadActionFacts(deps.database, businessId, conversationId, parsed.actions);
    const { actions, rejected } = validateActions(parsed.actions, facts);
    report(deps, log, parsed.rejected, rejected);
    // Only bad tags: the next provider gets a chance rather than the customer getting silence.
    return parsed.text || actions.length > 0 ? { text: parsed.text, actions } : null;
  };
}

const event = (
  e: InboxEventInput<'ai.replied' | 'ai.failed'>,
): EffectResult<'ai.replied' | 'ai.failed'> =>
  ({ source: 'ai', event: e }) as EffectResult<'ai.replied' | 'ai.failed'>;
const callsOf = (attempts: readonly Attempt[]): AiAttempt[] =>
  attempts.map(({ provider, outcome }) => ({ provider, outcome }));

function promptFor(context: AiContext, settings: AiSettings, limits: PromptLimits) {
  return buildPrompt(
    {
      businessName: context.businessName,
      channel: context.channel,
      systemPrompt: settings.systemPrompt,
      catalog: context.catalog,
      history: context.history,
      state: {
        path: context.path,
        pendingCheckout: context.pendingCheckout,
        hasOrder: context.hasOrder,
      },
    },
    limits,
  );
}

/**
 * The business's order; over budget, the offline bot stands in at the end if it is not there.
 * A model the operator no longer offers gives way to the provider's default (and a provider
 * with nothing offered is left out), so the chain only holds models on the list.
 */
function chainOf(
  deps: AiReplyDeps,
  log: Logger,
  settings: AiSettings,
  overBudget: boolean,
): ChainStep[] {
  const order =
    overBudget && !settings.providerOrder.includes('offline')
      ? [...settings.providerOrder, 'offline' as const]
      : settings.providerOrder;
  return order.flatMap((provider) => {
    const chosen = provider === 'offline' ? undefined : settings.models[provider];
    const { model, replaced } = chooseModel(deps.models, provider, chosen);
    if (replaced !== null) {
      log.warn(
        { event: 'ai.model_not_offered', provider, model: replaced, replacement: model },
        "the business's model is no longer offered on this server; asking the default one",
      );
    }
    return model === null ? [] : [{ provider, model }];
  });
}

async function loadSettings(
  deps: AiReplyDeps,
  businessId: string,
  log: Logger,
): Promise<AiSettings> {
  try {
    const parsed = aiSettingsSchema.safeParse(await deps.settings.get(businessId));
    if (parsed.success) return parsed.data;
    log.warn({ event: 'ai.settings_invalid', issues: parsed.error.issues }, 'invalid AI settings');
  } catch (err) {
    log.warn({ event: 'ai.settings_failed', err }, 'could not read AI settings');
  }
  return deps.fallbackSettings;
}

/** Against the smaller of the operator's and the business's budgets; 0 needs no query. */
async function isOverBudget(deps: AiReplyDeps, businessId: string, settings: AiSettings) {
  const budget = effectiveBudgetMinor(settings.monthlyBudgetMinor, deps.operatorBudgetMinor);
  if (budget === 0) return true;
  const spent = await deps.metering.spentMicros(businessId, deps.now());
  return spent >= budgetMicros(budget);
}

function report(deps: AiReplyDeps, log: Logger, tags: RejectedTag[], actions: RejectedAction[]) {
  for (const r of [...tags, ...actions]) deps.metrics.rejectedActions.inc({ reason: r.reason });
  if (tags.length + actions.length === 0) return;
  log.warn(
    { event: 'ai.actions_rejected', tags, actions },
    'dropped control tags from an AI reply',
  );
}

/** `openai:server_error, anthropic:timeout, groq:breaker_open` (kept short for the event). */
function describeAttempts(attempts: Attempt[]): string {
  if (attempts.length === 0) return 'no provider configured';
  return attempts
    .map((a) => `${a.provider}:${a.error ?? a.outcome}`)
    .join(', ')
    .slice(0, 500);
}
