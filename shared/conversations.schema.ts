import { z } from 'zod';
import { attachmentSchema } from './conversation.events';
import { orderSchema } from './commerce.schema';
import {
  CHANNELS,
  CONVERSATION_STATES,
  MESSAGE_AUTHORS,
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
} from './domain';

/**
 * docs/api.md, "Conversations". The item is also the payload of `conversation:created` and
 * `conversation:updated` (shared/realtime.events.ts), so the list and the live feed agree.
 */

export const contactSummarySchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  /** PSID, IGSID or `wa_id`: how the channel knows the customer. */
  externalId: z.string(),
});

export const lastMessageSchema = z.object({
  text: z.string(),
  author: z.enum(MESSAGE_AUTHORS),
  createdAt: z.string(),
});

export const conversationItemSchema = z.object({
  id: z.string(),
  channel: z.enum(CHANNELS),
  contact: contactSummarySchema,
  /** The top-level machine state. */
  state: z.enum(CONVERSATION_STATES),
  /** The full machine path, e.g. `handoff.queued`, `bot.thinking`. */
  path: z.string(),
  assigneeId: z.string().nullable(),
  lastMessage: lastMessageSchema.nullable(),
  unread: z.number().int(),
  /** Increments with every applied event: a client keeps the highest it has seen. */
  version: z.number().int(),
  /** The customer's last inbound message: Meta's 24-hour window runs from it. */
  lastInboundAt: z.string().nullable(),
  needsAttention: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConversationItem = z.infer<typeof conversationItemSchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(MESSAGE_DIRECTIONS),
  author: z.enum(MESSAGE_AUTHORS),
  /** The team member who wrote an agent message. */
  authorUserId: z.string().nullable(),
  text: z.string(),
  attachments: z.array(attachmentSchema),
  status: z.enum(MESSAGE_STATUSES),
  errorCode: z.string().nullable(),
  /** Commit-independent order of messages; `?after=` pages by it. */
  seq: z.number().int(),
  createdAt: z.string(),
});
export type Message = z.infer<typeof messageSchema>;

export const timelineEntrySchema = z.object({
  version: z.number().int(),
  type: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  at: z.string(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const conversationDetailSchema = conversationItemSchema.extend({
  messages: z.array(messageSchema),
  orders: z.array(orderSchema),
  timeline: z.array(timelineEntrySchema),
});
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;

/** `assignee`: a user id, `me`, or `none` (unassigned). */
export const conversationListQuerySchema = z.object({
  state: z.enum(CONVERSATION_STATES).optional(),
  channel: z.enum(CHANNELS).optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), z.uuid()]).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ConversationListQuery = z.infer<typeof conversationListQuerySchema>;

export const conversationListResponseSchema = z.object({
  items: z.array(conversationItemSchema),
  nextCursor: z.string().nullable(),
});
export type ConversationListResponse = z.infer<typeof conversationListResponseSchema>;

export const messageListQuerySchema = z.object({
  /** The `seq` of the last message the client has. */
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type MessageListQuery = z.infer<typeof messageListQuerySchema>;

export const messageListResponseSchema = z.object({ items: z.array(messageSchema) });
export type MessageListResponse = z.infer<typeof messageListResponseSchema>;

export const agentReplyRequestSchema = z.object({ text: z.string().trim().min(1).max(4096) });

export const agentReplyResponseSchema = z.object({
  accepted: z.literal(true),
  conversationId: z.string(),
});
