import {
  AI_MODEL_PROVIDERS,
  defaultAiSettings,
  type AiModelProvider,
  type AiProvider,
  type AiSettings,
  type ConfiguredAiProviders,
} from '../../shared/settings.schema';
import type { Config } from '../config';

/**
 * A business's AI settings (docs/api.md, "Integrations and settings": `GET|PUT /api/ai-settings`),
 * read through the
 * `AiSettingsSource` port: the stored settings (settings.pg.ts), or for a business that saved
 * none, `defaultAiSettings` of the configured API keys. The schema, the defaults and the order
 * the engine asks in are shared/settings.schema.ts's, the same the settings page shows.
 */

export { aiSettingsSchema } from '../../shared/settings.schema';
export type { AiSettings };
export type AiProviderName = AiProvider;
export type PaidProviderName = AiModelProvider;
export const PAID_PROVIDERS: readonly PaidProviderName[] = AI_MODEL_PROVIDERS;

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

/** The port the handler reads settings through; the table-backed one replaces the default. */
export interface AiSettingsSource {
  get(businessId: string): Promise<AiSettings>;
}

export type ConfiguredProviders = ConfiguredAiProviders;

/** The paid providers whose API key the operator set. */
export const configuredProviders = (ai: Config['ai']): ConfiguredProviders => ({
  openai: Boolean(ai.openai.apiKey),
  anthropic: Boolean(ai.anthropic.apiKey),
  groq: Boolean(ai.groq.apiKey),
});

export { defaultAiSettings };

export function createDefaultAiSettingsSource(configured: ConfiguredProviders): AiSettingsSource {
  const settings = defaultAiSettings(configured);
  return { get: () => Promise.resolve(settings) };
}
