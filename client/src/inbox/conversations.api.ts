import {
  conversationDetailSchema,
  conversationItemSchema,
  conversationListResponseSchema,
  messageListResponseSchema,
  type ConversationItem,
} from '../../../shared/conversations.schema';
import { api } from '../api/client';
import { filterQuery, type InboxFilter } from './conversation-store';

/** docs/api.md, "Conversations", parsed with the shared schemas the server answers with. */

export const PAGE_SIZE = 50;
/** The most one page may hold (the API's maximum). */
export const MAX_PAGE_SIZE = 200;

export const listConversations = (
  filter: InboxFilter,
  cursor?: string,
  signal?: AbortSignal,
  limit = PAGE_SIZE,
) =>
  api.request('/api/conversations', {
    query: { ...filterQuery(filter), cursor, limit },
    schema: conversationListResponseSchema,
    ...(signal ? { signal } : {}),
  });

export const getConversation = (id: string) =>
  api.request(`/api/conversations/${encodeURIComponent(id)}`, {
    schema: conversationDetailSchema,
  });

export const listMessagesAfter = (id: string, after: number) =>
  api.request(`/api/conversations/${encodeURIComponent(id)}/messages`, {
    query: { after },
    schema: messageListResponseSchema,
  });

export type ConversationAction = 'claim' | 'release' | 'close';

/** A key per intended command: a retry of the same command reuses it and is applied once. */
export const newIdempotencyKey = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `k-${Date.now()}-${Math.random().toString(36).slice(2)}`;

export const conversationAction = (id: string, action: ConversationAction, key?: string) =>
  api.request(`/api/conversations/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    body: {},
    schema: conversationItemSchema,
    headers: { 'Idempotency-Key': key ?? newIdempotencyKey() },
  });

export const sendReply = (id: string, text: string, key: string) =>
  api.request(`/api/conversations/${encodeURIComponent(id)}/messages`, {
    method: 'POST',
    body: { text },
    headers: { 'Idempotency-Key': key },
  });

export const markRead = (id: string) =>
  api.request(`/api/conversations/${encodeURIComponent(id)}/read`, { method: 'POST', body: {} });

export function contactLabel(item: Pick<ConversationItem, 'contact'>): string {
  return item.contact.name?.trim() || item.contact.externalId || 'Customer';
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const second = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + second).toUpperCase();
}
