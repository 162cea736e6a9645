import {
  BUILT_IN_MODELS,
  FREE,
  type AllowedModel,
  type ModelAllowList,
  type ModelPrice,
} from './model-prices';
import {
  DEFAULT_MODELS,
  PAID_PROVIDERS,
  type AiProviderName,
  type ConfiguredProviders,
  type PaidProviderName,
} from './settings';

/**
 * The operator's list of models a business may choose (security review L9): the provider keys
 * are the operator's, so a business names only a model the operator priced.
 */

/** The dearest list price today (o1-pro output, $600 per million tokens) times 100: a typo. */
const MAX_PRICE = 60_000_000;
/** Provider model names: `gpt-4o-mini`, `ft:gpt-4o-mini:org::id`, `meta-llama/llama-4-scout`. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,99}$/;

const isPaidProvider = (p: string): p is PaidProviderName =>
  (PAID_PROVIDERS as readonly string[]).includes(p);

/**
 * `AI_MODELS`: `provider:model:input:output,…`, prices in micro-USD per 1,000 tokens (the unit of
 * `ModelPrice`). The model is everything between the provider and the prices, so fine-tuned
 * names with colons fit. Unset: `BUILT_IN_MODELS`. A provider with an API key must keep at least
 * one model, or it could never be asked.
 * @example parseModelAllowList('openai:gpt-4o-mini:150:600', { openai: true, anthropic: false, groq: false }, problems)
 */
export function parseModelAllowList(
  raw: string | undefined,
  keys: ConfiguredProviders,
  problems: string[],
): ModelAllowList {
  if (raw === undefined) return BUILT_IN_MODELS;
  const list: Record<PaidProviderName, AllowedModel[]> = { openai: [], anthropic: [], groq: [] };
  for (const [index, part] of raw.split(',').entries()) {
    const entry = part.trim();
    if (!entry) continue;
    const where = `AI_MODELS: entry ${index + 1} ("${entry}")`;
    const parsed = parseEntry(entry);
    if (Array.isArray(parsed)) {
      for (const problem of parsed) problems.push(`${where}: ${problem}`);
      continue;
    }
    const { provider, ...allowed } = parsed;
    if (list[provider].some((m) => m.model === allowed.model)) {
      problems.push(`${where}: ${provider} model "${allowed.model}" is listed twice`);
      continue;
    }
    list[provider].push(allowed);
  }
  for (const provider of PAID_PROVIDERS) {
    if (keys[provider] && list[provider].length === 0) {
      problems.push(
        `AI_MODELS: ${provider.toUpperCase()}_API_KEY is set but no ${provider} model is allowed; list one (${provider}:model:input:output) or unset the key`,
      );
    }
  }
  return list;
}

type Entry = AllowedModel & { provider: PaidProviderName };

/** One entry, or every problem it has. */
function parseEntry(entry: string): Entry | string[] {
  const fields = entry.split(':').map((f) => f.trim());
  if (fields.length < 4) return ['must be provider:model:input:output'];
  const provider = fields[0] ?? '';
  const model = fields.slice(1, -2).join(':');
  const input = priceFrom(fields.at(-2) ?? '');
  const output = priceFrom(fields.at(-1) ?? '');
  const problems: string[] = [];
  if (!isPaidProvider(provider)) {
    problems.push(`provider "${provider}" must be one of ${PAID_PROVIDERS.join(', ')}`);
  }
  if (!MODEL_NAME.test(model)) {
    problems.push(
      `model "${model}" must be 1–100 letters, digits and . _ : / @ + - (starting with a letter or digit)`,
    );
  }
  const priceProblem = (name: string) =>
    `${name} price must be a whole number of micro-USD per 1,000 tokens, 0 to ${MAX_PRICE}`;
  if (input === null) problems.push(priceProblem('input'));
  if (output === null) problems.push(priceProblem('output'));
  if (!isPaidProvider(provider) || input === null || output === null || problems.length > 0) {
    return problems;
  }
  return { provider, model, inputPerKTokens: input, outputPerKTokens: output };
}

function priceFrom(field: string): number | null {
  if (!/^\d{1,9}$/.test(field)) return null;
  const value = Number(field);
  return value <= MAX_PRICE ? value : null;
}

/**
 * What a call to `model` is metered at, or null when the operator does not offer it there (such
 * a model is never called). The offline bot's own model is free.
 */
export function priceOf(
  list: ModelAllowList,
  provider: AiProviderName,
  model: string,
): ModelPrice | null {
  if (provider === 'offline') return model === DEFAULT_MODELS.offline ? FREE : null;
  return list[provider].find((m) => m.model === model) ?? null;
}

/**
 * The model a provider is asked for when a business names none (or one no longer offered):
 * `DEFAULT_MODELS` when the list has it, else the provider's first; null when none is offered.
 */
export function defaultModelOf(list: ModelAllowList, provider: AiProviderName): string | null {
  if (provider === 'offline') return DEFAULT_MODELS.offline;
  const offered = list[provider];
  if (offered.some((m) => m.model === DEFAULT_MODELS[provider])) return DEFAULT_MODELS[provider];
  return offered[0]?.model ?? null;
}

export interface ModelChoice {
  /** The model to ask; null when the provider has none on the list (it is then left out). */
  model: string | null;
  /** The business's model, when it is no longer offered and the default stands in. */
  replaced: string | null;
}

/** The business's model when the operator still offers it, else the provider's default. */
export function chooseModel(
  list: ModelAllowList,
  provider: AiProviderName,
  chosen: string | undefined,
): ModelChoice {
  if (chosen !== undefined && provider !== 'offline' && priceOf(list, provider, chosen)) {
    return { model: chosen, replaced: null };
  }
  const replaced = chosen !== undefined && provider !== 'offline' ? chosen : null;
  return { model: defaultModelOf(list, provider), replaced };
}
