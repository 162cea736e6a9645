import { z } from 'zod';
import { conversationEventSchema } from './conversation.events';
import { PAYMENT_PROVIDERS, type EventSource } from './domain';

/**
 * Every event an inbox row may hold, machine and projection-only, parsed once when the row
 * leaves the database (the runtime's `plan`): the machine gets the conversation events, the
 * projectors get all of them, typed. Timer rows are the one exception: their type is the
 * machine's own delayed event (`xstate.after.…`), checked against the armed timers instead.
 */

const stamp = { eventId: z.string(), at: z.number() };

/** Delivery receipts for our messages: exact ids, or everything up to a watermark (Messenger). */
const messageStatus = z.object({
  type: z.literal('message.status'),
  ...stamp,
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  providerMessageIds: z.array(z.string()).default([]),
  watermark: z.number().optional(),
  errorCode: z.string().optional(),
});

/** The customer's latest reaction to a message; `unreact` removes it. */
const messageReaction = z.object({
  type: z.literal('message.reaction'),
  ...stamp,
  providerMessageId: z.string(),
  action: z.enum(['react', 'unreact']),
  emoji: z.string().default(''),
});

/** A message the page itself sent: ours (recognised by its metadata) or a human's in Meta's app. */
const messageEcho = z.object({
  type: z.literal('message.echo'),
  ...stamp,
  providerMessageId: z.string(),
  text: z.string(),
  ours: z.boolean(),
});

/** A send that failed for good; the agent reads why in the timeline. */
const messageFailed = z.object({
  type: z.literal('message.failed'),
  ...stamp,
  messageId: z.string(),
  errorCode: z.string().nullable(),
});

export const inboxEventSchema = z.discriminatedUnion('type', [
  conversationEventSchema,
  messageStatus,
  messageReaction,
  messageEcho,
  messageFailed,
]);
export type InboxEvent = z.infer<typeof inboxEventSchema>;
export type InboxEventType = InboxEvent['type'];

/** An event as its writer hands it over: what the schema accepts, before the row stamps it. */
export type InboxEventInput<T extends InboxEventType = InboxEventType> = T extends InboxEventType
  ? Omit<Extract<z.input<typeof inboxEventSchema>, { type: T }>, 'eventId' | 'at'>
  : never;

const providers = PAYMENT_PROVIDERS;

/**
 * Who may write each event. The source is half of the inbox's dedupe key, so an event from the
 * wrong source would dodge the dedupe of its real one; `appendInbox` refuses it.
 */
export const INBOX_EVENT_SOURCES = {
  'customer.message': ['meta'],
  'message.status': ['meta'],
  'message.reaction': ['meta'],
  'message.echo': ['meta'],
  'message.failed': ['system'],
  'ai.replied': ['ai'],
  'ai.failed': ['ai'],
  'agent.claimed': ['agent'],
  'agent.released': ['agent'],
  'agent.replied': ['agent'],
  'agent.closed': ['agent'],
  // The checkout effect (system), an agent's order, or a late payment presenting its checkout again.
  'checkout.created': ['system', 'agent', ...providers],
  'checkout.failed': ['system'],
  'payment.succeeded': providers,
  'payment.failed': providers,
  'invoice.issued': ['system'],
  'consent.withdrawn': ['system'],
  'consent.granted': ['system'],
} as const satisfies { readonly [T in InboxEventType]: readonly EventSource[] };

export type SourceOf<T extends InboxEventType> = (typeof INBOX_EVENT_SOURCES)[T][number];

export function mayComeFrom(type: string, source: EventSource): boolean {
  const allowed = (INBOX_EVENT_SOURCES as Record<string, readonly EventSource[] | undefined>)[type];
  return allowed?.includes(source) ?? false;
}
