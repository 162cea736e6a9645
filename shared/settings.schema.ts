import { z } from 'zod';
import { CHANNELS, PAYMENT_PROVIDERS } from './domain';

/** api.md, "Integrations and settings". Secrets go in; only their masks (`EAAG…9f2c`) come out. */

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
 * `webhookSecret`/`publicKey`: left out keeps, `null` clears.
 */
export const paymentProviderUpdateRequestSchema = z.object({
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

export const aiSettingsSchema = z.object({
  providerOrder: z
    .array(z.enum(AI_PROVIDERS))
    .min(1)
    .max(AI_PROVIDERS.length)
    .refine((order) => new Set(order).size === order.length, 'must not repeat a provider'),
  models: z
    .object({
      openai: z.string().trim().min(1).max(100).optional(),
      anthropic: z.string().trim().min(1).max(100).optional(),
      groq: z.string().trim().min(1).max(100).optional(),
    })
    .strict()
    .optional(),
  systemPrompt: z.string().max(8000).nullable().optional(),
  monthlyBudgetMinor: z.number().int().min(0).max(1e12).nullable().optional(),
});
export type AiSettings = z.infer<typeof aiSettingsSchema>;

export const DEFAULT_AI_SETTINGS = {
  providerOrder: ['openai', 'anthropic', 'groq', 'offline'],
  models: {},
  systemPrompt: null,
  monthlyBudgetMinor: null,
} as const satisfies AiSettings;
