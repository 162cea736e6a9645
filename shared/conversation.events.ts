import { z } from 'zod';
import { CHANNELS, PAYMENT_PROVIDERS } from './domain';

/**
 * The events a conversation actor accepts (docs/architecture.md, "The conversation machine"). They
 * are stored as inbox payloads, so they are parsed with these schemas when they leave the database.
 * The host stamps every event with `eventId` (the inbox row) and `at` (epoch ms).
 */

const stamp = { eventId: z.string(), at: z.number() };

export const attachmentSchema = z.object({
  kind: z.enum(['image', 'audio', 'video', 'file', 'sticker', 'location', 'other']),
  url: z.string().optional(),
  mediaId: z.string().optional(),
  mimeType: z.string().optional(),
  name: z.string().optional(),
});
export type AttachmentRef = z.infer<typeof attachmentSchema>;

export const checkoutItemSchema = z.object({
  sku: z.string().min(1).max(64),
  qty: z.number().int().positive().max(1000),
});
export type CheckoutItem = z.infer<typeof checkoutItemSchema>;

/** What the AI asked for through its control tags, already validated against the catalog. */
export const aiActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('handoff'), reason: z.string().max(200) }),
  z.object({ type: z.literal('checkout'), items: z.array(checkoutItemSchema).min(1).max(20) }),
  z.object({ type: z.literal('invoice') }),
  z.object({ type: z.literal('order_status') }),
]);
export type AiAction = z.infer<typeof aiActionSchema>;

const money = {
  amountMinor: z.number().int().nonnegative(),
  currency: z.string().length(3),
};

/**
 * One provider call of an AI reply, carried on `ai.replied`/`ai.failed` so the AI health read
 * model counts it when the event is applied: exactly once, however often the job ran.
 */
export const aiAttemptSchema = z.object({
  provider: z.string().max(40),
  outcome: z.string().max(40),
});
export type AiAttempt = z.infer<typeof aiAttemptSchema>;
const attempts = z.array(aiAttemptSchema).max(16).optional();

export const conversationEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('customer.message'),
    ...stamp,
    messageId: z.string(),
    text: z.string(),
    attachments: z.array(attachmentSchema).default([]),
    /** The channel's id of the message (reactions and replies point at it). */
    providerMessageId: z.string().optional(),
    /** What the customer picked: quick reply, postback, button or list reply, template button. */
    choice: z
      .object({ kind: z.string(), id: z.string().optional(), title: z.string().optional() })
      .optional(),
    replyTo: z
      .object({
        providerMessageId: z.string().optional(),
        storyId: z.string().optional(),
        storyUrl: z.string().optional(),
      })
      .optional(),
    /** When the customer sent it, by the channel's clock (epoch ms). */
    sentAt: z.number().optional(),
  }),
  z.object({
    type: z.literal('ai.replied'),
    ...stamp,
    requestId: z.string(),
    text: z.string(),
    actions: z.array(aiActionSchema).default([]),
    provider: z.string().optional(),
    attempts,
  }),
  z.object({
    type: z.literal('ai.failed'),
    ...stamp,
    requestId: z.string(),
    reason: z.string(),
    attempts,
  }),
  z.object({ type: z.literal('agent.claimed'), ...stamp, agentId: z.string() }),
  z.object({ type: z.literal('agent.released'), ...stamp, agentId: z.string() }),
  z.object({
    type: z.literal('agent.replied'),
    ...stamp,
    agentId: z.string(),
    text: z.string().min(1).max(4096),
  }),
  z.object({ type: z.literal('agent.closed'), ...stamp, agentId: z.string() }),
  z.object({
    type: z.literal('checkout.created'),
    ...stamp,
    orderId: z.string(),
    provider: z.enum(PAYMENT_PROVIDERS),
    reference: z.string(),
    url: z.string(),
    ...money,
  }),
  z.object({ type: z.literal('checkout.failed'), ...stamp, reason: z.string() }),
  z.object({
    type: z.literal('payment.succeeded'),
    ...stamp,
    orderId: z.string(),
    reference: z.string(),
    provider: z.enum(PAYMENT_PROVIDERS),
    ...money,
  }),
  z.object({
    type: z.literal('payment.failed'),
    ...stamp,
    orderId: z.string(),
    reference: z.string(),
    reason: z.string(),
  }),
  z.object({
    type: z.literal('invoice.issued'),
    ...stamp,
    invoiceId: z.string(),
    number: z.string(),
    url: z.string(),
  }),
  z.object({ type: z.literal('consent.withdrawn'), ...stamp }),
  z.object({ type: z.literal('consent.granted'), ...stamp }),
]);
export type ConversationEvent = z.infer<typeof conversationEventSchema>;

/** Event types an agent sends; a refused one is a `conflict` for the agent who sent it. */
export const AGENT_COMMANDS = [
  'agent.claimed',
  'agent.released',
  'agent.replied',
  'agent.closed',
] as const;

export const conversationInputSchema = z.object({
  conversationId: z.string(),
  businessId: z.string(),
  channel: z.enum(CHANNELS),
  /** How long a payment link stays valid before the conversation returns to the bot. */
  checkoutTtlMs: z
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60 * 1000),
  /** How long a handed-off conversation may wait in the queue before it is flagged overdue. */
  handoffWaitMs: z
    .number()
    .int()
    .positive()
    .default(15 * 60 * 1000),
});
export type ConversationInput = z.input<typeof conversationInputSchema>;
