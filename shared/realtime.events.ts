import { z } from 'zod';
import { analyticsSummarySchema } from './analytics.schema';
import { commerceNoticeSchema } from './commerce.schema';
import { conversationItemSchema, messageSchema } from './conversations.schema';
import { MESSAGE_STATUSES, ROLES } from './domain';
import type { Ack } from './errors';

/**
 * docs/api.md, "Socket.io". Durable events (conversation and message) are written to the business's
 * feed in PostgreSQL with the next per-business `seq`, then broadcast; `resync` reads the feed.
 * Ephemeral events (analytics, presence, typing) are not stored: they carry the business's
 * latest `seq` at the time, so a client learns it is behind from them too.
 */

export const FEED_EVENTS = [
  'conversation:created',
  'conversation:updated',
  'message:created',
  'message:status',
] as const;

const seq = z.number().int().nonnegative();

export const conversationFeedSchema = conversationItemSchema.extend({ seq });
export type ConversationFeed = z.infer<typeof conversationFeedSchema>;

export const messageCreatedSchema = z.object({
  seq,
  conversationId: z.string(),
  /** The conversation version this message belongs to. */
  version: z.number().int(),
  message: messageSchema,
});
export type MessageCreated = z.infer<typeof messageCreatedSchema>;

export const messageStatusSchema = z.object({
  seq,
  conversationId: z.string(),
  messageId: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  errorCode: z.string().nullable(),
});
export type MessageStatusEvent = z.infer<typeof messageStatusSchema>;

export const feedEntrySchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('conversation:created'), data: conversationFeedSchema }),
  z.object({ event: z.literal('conversation:updated'), data: conversationFeedSchema }),
  z.object({ event: z.literal('message:created'), data: messageCreatedSchema }),
  z.object({ event: z.literal('message:status'), data: messageStatusSchema }),
]);
export type FeedEntry = z.infer<typeof feedEntrySchema>;

const analyticsUpdatedSchema = z.object({ seq, summary: analyticsSummarySchema });

export const onlineAgentSchema = z.object({
  userId: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
});
export const presenceUpdatedSchema = z.object({ seq, agents: z.array(onlineAgentSchema) });
export type PresenceUpdated = z.infer<typeof presenceUpdatedSchema>;

export const typingEventSchema = z.object({
  seq,
  conversationId: z.string(),
  userId: z.string(),
  name: z.string().nullable(),
  typing: z.boolean(),
});
export type TypingEvent = z.infer<typeof typingEventSchema>;

/**
 * Owner notices about money (server/commerce/notifications.ts), to owners and admins only.
 * Ephemeral like presence: the order and the conversation reach the feed on their own.
 */
export const commerceNoticeEventSchema = z.object({ seq, notice: commerceNoticeSchema });
export type CommerceNoticeEvent = z.infer<typeof commerceNoticeEventSchema>;

/** Sent once after the socket joined its rooms: the feed position to start from. */
export const helloSchema = z.object({
  seq,
  userId: z.string(),
  businessId: z.string(),
  role: z.enum(ROLES),
  nodeId: z.string(),
});
export type Hello = z.infer<typeof helloSchema>;

export const resyncRequestSchema = z.object({ sinceSeq: seq });
export type ResyncRequest = z.infer<typeof resyncRequestSchema>;

/** What `resync` returns: the missed feed entries in order, or `reset` when too far behind. */
export type ResyncResult =
  { reset: false; entries: FeedEntry[]; seq: number } | { reset: true; seq: number };

export const watchRequestSchema = z.object({ id: z.string().max(64) });
export const typingRequestSchema = z.object({
  conversationId: z.string().max(64),
  typing: z.boolean(),
});

export interface ServerToClientEvents {
  hello: (data: Hello) => void;
  'conversation:created': (data: ConversationFeed) => void;
  'conversation:updated': (data: ConversationFeed) => void;
  'message:created': (data: MessageCreated) => void;
  'message:status': (data: MessageStatusEvent) => void;
  'analytics:updated': (data: z.infer<typeof analyticsUpdatedSchema>) => void;
  'presence:updated': (data: PresenceUpdated) => void;
  typing: (data: TypingEvent) => void;
  'commerce:notice': (data: CommerceNoticeEvent) => void;
}

export interface ClientToServerEvents {
  'conversation:watch': (req: { id: string }, ack: (res: Ack<{ id: string }>) => void) => void;
  'conversation:unwatch': (req: { id: string }, ack: (res: Ack<{ id: string }>) => void) => void;
  resync: (req: ResyncRequest, ack: (res: Ack<ResyncResult>) => void) => void;
  typing: (
    req: { conversationId: string; typing: boolean },
    ack?: (res: Ack<null>) => void,
  ) => void;
}
