/**
 * Vocabularies shared by the database, the API, the actors and the client. Stored as text so a
 * new value is a code change, not a type migration.
 */
export const CHANNELS = ['messenger', 'instagram', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];

export const ROLES = ['owner', 'admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Top-level states of the conversation machine (docs/architecture.md, "The conversation machine").
 */
export const CONVERSATION_STATES = [
  'bot',
  'handoff',
  'checkout',
  'paid',
  'closed',
  'optedOut',
] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;

export const MESSAGE_AUTHORS = ['customer', 'bot', 'agent', 'system'] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

export const MESSAGE_STATUSES = [
  'received',
  'pending',
  'sent',
  'delivered',
  'read',
  'failed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const ORDER_STATUSES = ['pending', 'paid', 'failed', 'expired', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_PROVIDERS = ['stripe', 'paystack', 'flutterwave'] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed'] as const;

/** Where an inbox event came from; together with the provider's event ID it is the dedupe key. */
export const EVENT_SOURCES = [
  'meta',
  'stripe',
  'paystack',
  'flutterwave',
  'agent',
  'ai',
  'timer',
  'system',
] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];
