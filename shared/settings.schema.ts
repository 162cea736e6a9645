import { z } from 'zod';
import { passwordSchema } from './auth.schema';
import { CHANNELS, PAYMENT_PROVIDERS } from './domain';

/**
 * docs/api.md, "Integrations and settings". Secrets go in; only their masks (`EAAG…9f2c`) come out.
 */

const metaId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be the numeric ID Meta shows for the account');
const accessToken = z.string().trim().min(10).max(4096);
const displayName = z.string().trim().min(1).max(120);

/**
 * Connecting a channel account. The server asks the Graph API whether the token controls that
 * account before storing anything (a refusal is a 422), so one business cannot take another's.
 */
export const integrationCreateRequestSchema = z
  .object({
    channel: z.enum(CHANNELS),
    /** Page ID, Instagram account ID or WhatsApp phone_number_id. */
    externalId: metaId,
    /** WhatsApp only, and required there: the WhatsApp Business Account (WABA) ID. */
    businessAccountId: metaId.optional(),
    accessToken,
    name: displayName.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.channel === 'whatsapp' && !value.businessAccountId) {
      ctx.addIssue({
        code: 'custom',
        path: ['businessAccountId'],
        message: 'WhatsApp needs the WhatsApp Business Account ID.',
      });
    }
  });
export type IntegrationCreateRequest = z.infer<typeof integrationCreateRequestSchema>;

/** A new token for a connected account, proved like the first one; the account stays routed. */
export const integrationUpdateRequestSchema = z.object({
  accessToken,
  /** WhatsApp numbers connected before the WABA was recorded name it here. */
  businessAccountId: metaId.optional(),
  name: displayName.nullable().optional(),
});
export type IntegrationUpdateRequest = z.infer<typeof integrationUpdateRequestSchema>;

export const integrationSchema = z.object({
  id: z.string(),
  channel: z.enum(CHANNELS),
  externalId: z.string(),
  /** WhatsApp: the WABA the number belongs to. */
  businessAccountId: z.string().nullable(),
  name: z.string().nullable(),
  /** Masked. */
  accessToken: z.string(),
  /** When Meta last confirmed the token controls the account. */
  verifiedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Integration = z.infer<typeof integrationSchema>;

export const integrationListResponseSchema = z.object({ items: z.array(integrationSchema) });
export type IntegrationListResponse = z.infer<typeof integrationListResponseSchema>;

export const paymentProviderSchema = z.enum(PAYMENT_PROVIDERS);

const providerSecret = z.string().trim().min(1).max(1024);

/**
 * `secretKey` is required the first time and may be left out later to keep the stored one;
 * `webhookSecret`/`publicKey`: left out keeps, `null` clears. Only the owner may change them,
 * with the owner's current password: whoever holds these keys receives the shop's money.
 */
export const paymentProviderUpdateRequestSchema = z.object({
  password: passwordSchema,
  secretKey: providerSecret.optional(),
  webhookSecret: providerSecret.nullable().optional(),
  publicKey: providerSecret.nullable().optional(),
  enabled: z.boolean(),
});
export type PaymentProviderUpdateRequest = z.infer<typeof paymentProviderUpdateRequestSchema>;

export const paymentProviderSettingsSchema = z.object({
  provider: paymentProviderSchema,
  configured: z.boolean(),
  enabled: z.boolean(),
  /** Masked, or null when not set. */
  secretKey: z.string().nullable(),
  webhookSecret: z.string().nullable(),
  publicKey: z.string().nullable(),
  /** Where the provider must send this business's webhooks. */
  webhookUrl: z.string(),
  updatedAt: z.string().nullable(),
});
export type PaymentProviderSettings = z.infer<typeof paymentProviderSettingsSchema>;

export const AI_PROVIDERS = ['openai', 'anthropic', 'groq', 'offline'] as const;
export type AiProvider = (typeof AI_PROVIDERS)[number];

/** The providers whose model a business chooses; the offline bot has only its own. */
export const AI_MODEL_PROVIDERS = ['openai', 'anthropic', 'groq'] as const;
export type AiModelProvider = (typeof AI_MODEL_PROVIDERS)[number];

const aiModelName = z.string().trim().min(1).max(100);

/**
 * A model per provider; a provider left out gets the server's default. Which names are accepted
 * is the operator's list (`GET /api/ai-settings/offer`), so the server checks that, not this.
 */
export const aiModelsSchema = z
  .object({
    openai: aiModelName.optional(),
    anthropic: aiModelName.optional(),
    groq: aiModelName.optional(),
  })
  .strict();
export type AiModels = z.infer<typeof aiModelsSchema>;

/**
 * The one rule for a business's AI settings: what `PUT /api/ai-settings` accepts, what it and
 * `GET` answer (fields left out read back as their defaults), and what the AI engine reads from
 * the stored row before every reply.
 */
export const aiSettingsSchema = z.object({
  /** Asked in this order; a provider without an API key on the server is skipped. */
  providerOrder: z
    .array(z.enum(AI_PROVIDERS))
    .min(1)
    .max(AI_PROVIDERS.length)
    .refine((order) => new Set(order).size === order.length, 'must not repeat a provider'),
  models: aiModelsSchema.default({}),
  systemPrompt: z.string().max(8000).nullable().default(null),
  /**
   * US cents per calendar month (UTC). It can only lower the operator's limit (the offer's
   * `monthlyBudgetMinor`): a higher one is kept, and the operator's applies. Null: that limit.
   */
  monthlyBudgetMinor: z.number().int().min(0).max(1e12).nullable().default(null),
});
export type AiSettings = z.output<typeof aiSettingsSchema>;
export type AiSettingsInput = z.input<typeof aiSettingsSchema>;

/** Which paid providers have an API key on this server. */
export type ConfiguredAiProviders = Readonly<Record<AiModelProvider, boolean>>;

/**
 * The settings of a business that saved none, for the engine and the settings page alike: the
 * providers that have an API key (OpenAI → Anthropic → Groq), then the offline bot.
 */
export function defaultAiSettings(configured: ConfiguredAiProviders): AiSettings {
  return {
    providerOrder: [...AI_MODEL_PROVIDERS.filter((p) => configured[p]), 'offline'],
    models: {},
    systemPrompt: null,
    monthlyBudgetMinor: null,
  };
}

export const aiModelOptionSchema = z.object({
  model: z.string(),
  /** Micro-USD per 1,000 tokens, what a call is metered at: 150 is $0.15 per million tokens. */
  inputPerKTokens: z.number().int().nonnegative(),
  outputPerKTokens: z.number().int().nonnegative(),
});
export type AiModelOption = z.infer<typeof aiModelOptionSchema>;

export const aiProviderOfferSchema = z.object({
  /** Whether the server has this provider's API key; the engine skips a provider without. */
  configured: z.boolean(),
  /** Asked when a business names no model, or one no longer offered; null: none is offered. */
  defaultModel: z.string().nullable(),
  models: z.array(aiModelOptionSchema),
});
export type AiProviderOffer = z.infer<typeof aiProviderOfferSchema>;

/** `GET /api/ai-settings/offer`: what the operator of this server lets a business choose. */
export const aiOfferSchema = z.object({
  providers: z.record(z.enum(AI_MODEL_PROVIDERS), aiProviderOfferSchema),
  /** The operator's limit per business and calendar month (UTC), in US cents; 0: no paid AI. */
  monthlyBudgetMinor: z.number().int().nonnegative(),
});
export type AiOffer = z.infer<typeof aiOfferSchema>;
