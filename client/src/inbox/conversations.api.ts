import {
  conversationContracts,
  type AgentAction,
} from '../../../shared/api/conversations.contract';
import type { ConversationItem } from '../../../shared/conversations.schema';
import { api } from '../api/client';
import { filterQuery, type InboxFilter } from './conversation-store';

/** api.md, "Conversations": called through the shared contracts the server answers by. */

export const PAGE_SIZE = 50;
/** The most one page may hold (the API's maximum). */
export const MAX_PAGE_SIZE = 200;

export const listConversations = (
  filter: InboxFilter,
  cursor?: string,
  signal?: AbortSignal,
  limit = PAGE_SIZE,
) =>
  api.call(conversationContracts.list, {
    query: { ...filterQuery(filter), cursor, limit },
    ...(signal ? { signal } : {}),
  });

export const getConversation = (id: string) =>
  api.call(conversationContracts.get, { params: { id } });

export const listMessagesAfter = (id: string, after: number) =>
  api.call(conversationContracts.messages, { params: { id }, query: { after } });

export type ConversationAction = AgentAction;

/** A key per intended command: a retry of the same command reuses it and is applied once. */
export const newIdempotencyKey = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `k-${Date.now()}-${Math.random().toString(36).slice(2)}`;

export const conversationAction = (id: string, action: ConversationAction, key?: string) =>
  api.call(conversationContracts[action], {
    params: { id },
    headers: { 'Idempotency-Key': key ?? newIdempotencyKey() },
  });

export const sendReply = (id: string, text: string, key: string) =>
  api.call(conversationContracts.reply, {
    params: { id },
    body: { text },
    headers: { 'Idempotency-Key': key },
  });

export const markRead = (id: string) =>
  api.call(conversationContracts.markRead, { params: { id } });

export function contactLabel(item: Pick<ConversationItem, 'contact'>): string {
  return item.contact.name?.trim() || item.contact.externalId || 'Customer';
}
