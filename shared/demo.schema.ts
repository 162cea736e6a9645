import { z } from 'zod';

/**
 * The demo's stand-ins for Meta's Graph API and for Paystack (DEMO=1 only): what they take and
 * answer, in those providers' own shapes (snake case is theirs).
 */

/** The two send shapes `graph-sender.ts` posts (wire-specs.md §2): WhatsApp Cloud and Send API. */
export const demoWhatsappSendSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  to: z.string().min(1),
  text: z.object({ body: z.string() }),
});
export const demoSendApiSendSchema = z.object({
  recipient: z.object({ id: z.string().min(1) }),
  message: z.object({ text: z.string() }),
});

export const demoGraphSentSchema = z.union([
  z.object({ recipient_id: z.string(), message_id: z.string() }),
  z.object({
    messaging_product: z.literal('whatsapp'),
    contacts: z.array(z.unknown()),
    messages: z.array(z.object({ id: z.string() })),
  }),
]);

/** Messenger `first_name,last_name`; Instagram `name,username`. */
export const demoGraphProfileSchema = z.union([
  z.object({ id: z.string(), name: z.string(), username: z.string() }),
  z.object({ id: z.string(), first_name: z.string().optional(), last_name: z.string() }),
]);

export const demoGraphErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    code: z.number(),
    error_subcode: z.number(),
  }),
});

const PAYSTACK_REFERENCE = /^[A-Za-z0-9.=-]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** What Paystack takes on initialize and Parley sends (`providers/paystack.ts`). */
export const demoPaystackInitializeSchema = z.object({
  email: z.string().regex(EMAIL),
  // Paystack accepts the integer as a JSON number or a string of digits.
  amount: z
    .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
    .pipe(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .transform((c) => c.toUpperCase())
    .default('NGN'),
  reference: z.string().max(100).regex(PAYSTACK_REFERENCE).optional(),
  callback_url: z.url().optional(),
  metadata: z.unknown().optional(),
});

/** Paystack's envelope: `{"status": false, "message": "…"}` on errors (wire-specs.md §5). */
export const demoPaystackErrorSchema = z.object({ status: z.literal(false), message: z.string() });

export const demoPaystackInitializedSchema = z.object({
  status: z.literal(true),
  message: z.string(),
  data: z.object({
    authorization_url: z.string(),
    access_code: z.string(),
    reference: z.string(),
  }),
});

export const demoPaystackVerifiedSchema = z.object({
  status: z.literal(true),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** The two buttons of the hosted pay page, as a browser posts them (`outcome=pay`). */
export const demoPayFormSchema = z.object({ outcome: z.enum(['pay', 'decline']) });
