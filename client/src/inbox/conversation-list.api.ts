import { z } from 'zod';
import { CHANNELS, CONVERSATION_STATES } from '../../../shared/domain';
import { api } from '../api/client';

/**
 * `GET /api/conversations` as api.md describes it ("Conversations"). The item schema joins
 * `shared/` with the realtime layer; until then this reads the documented fields leniently, so
 * a richer item from a newer server still shows.
 */
const contactSchema = z
  .object({
    name: z.string().nullish(),
    displayName: z.string().nullish(),
    handle: z.string().nullish(),
  })
  .loose();

const lastMessageSchema = z.union([
  z.string(),
  z.object({ text: z.string().nullish(), createdAt: z.string().nullish() }).loose(),
]);

export const conversationListItemSchema = z
  .object({
    id: z.string(),
    channel: z.enum(CHANNELS),
    contact: contactSchema.nullish(),
    state: z.enum(CONVERSATION_STATES),
    assigneeId: z.string().nullish(),
    lastMessage: lastMessageSchema.nullish(),
    unread: z.number().int().nullish(),
    version: z.number().int().nullish(),
    updatedAt: z.string(),
  })
  .loose();
export type ConversationListItem = z.infer<typeof conversationListItemSchema>;

const listSchema = z.object({
  items: z.array(conversationListItemSchema),
  nextCursor: z.string().nullish(),
});

export interface ConversationFilter {
  state?: string;
  channel?: string;
  assignee?: string;
}

export const listConversations = (filter: ConversationFilter, cursor?: string) =>
  api.request('/api/conversations', {
    query: { ...filter, cursor, limit: 50 },
    schema: listSchema,
  });

export function contactLabel(item: ConversationListItem): string {
  const c = item.contact;
  return c?.name || c?.displayName || c?.handle || 'Customer';
}

export function lastMessageText(item: ConversationListItem): string {
  const m = item.lastMessage;
  if (!m) return '';
  return typeof m === 'string' ? m : (m.text ?? '');
}
