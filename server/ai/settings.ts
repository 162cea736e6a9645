import { z } from 'zod';
import { aiModelsSchema } from '../../shared/settings.schema';

/**
 * A business's AI settings (docs/api.md, "Integrations and settings": `GET|PUT /api/ai-settings`),
 * read through the
 * `AiSettingsSource` port: the stored settings (settings.pg.ts), or for a business that saved
 * none, an order derived from the configured API keys.
 */

export const AI_PROVIDERS = ['openai', 'anthropic', 'groq', 'offline'] as const;
export type AiProviderName = (typeof AI_PROVIDERS)[number];
export type PaidProviderName = Exclude<AiProviderName, 'offline'>;
export const PAID_PROVIDERS: readonly PaidProviderName[] = ['openai', 'anthropic', 'groq'];

/**
 * Used when a business names no model for a provider and the operator's list offers this one
 * (else the provider's first offered model is; `defaultModelOf` in model-allow-list.ts).
 */
export const DEFAULT_MODELS: Record<AiProviderName, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  groq: 'llama-3.1-8b-instant',
  offline: 'parley-rules-1',
};

const providerSchema = z.enum(AI_PROVIDERS);

export const aiSettingsSchema = z.object({
  // Duplicates are harmless but pointless; they are removed rather than refused.
  providerOrder: z
    .array(providerSchema)
    .min(1)
    .max(8)
    .transform((order) => [...new Set(order)]),
  // The API's rule (shared), so a stored row reads back as it was accepted.
  models: aiModelsSchema.default({}),
  systemPrompt: z.string().max(8000).nullable().default(null),
  /** Minor units of USD (prices are in USD); null: only the operator's budget binds. */
  monthlyBudgetMinor: z.number().int().nonnegative().nullable().default(null),
});
export type AiSettings = z.output<typeof aiSettingsSchema>;

/** The port the handler reads settings through; the table-backed one replaces the default. */
export interface AiSettingsSource {
  get(businessId: string): Promise<AiSettings>;
}

export type ConfiguredProviders = Record<PaidProviderName, boolean>;

/** The providers that have an API key, OpenAI → Anthropic → Groq, then the offline bot. */
export function defaultProviderOrder(configured: ConfiguredProviders): AiProviderName[] {
  const paid = PAID_PROVIDERS.filter((p) => configured[p]);
  return [...paid, 'offline'];
}

export function defaultAiSettings(configured: ConfiguredProviders): AiSettings {
  return {
    providerOrder: defaultProviderOrder(configured),
    models: {},
    systemPrompt: null,
    monthlyBudgetMinor: null,
  };
}

export function createDefaultAiSettingsSource(configured: ConfiguredProviders): AiSettingsSource {
  const settings = defaultAiSettings(configured);
  return { get: () => Promise.resolve(settings) };
}
