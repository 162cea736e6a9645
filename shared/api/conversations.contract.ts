import {
  agentReplyRequestSchema,
  agentReplyResponseSchema,
  conversationDetailSchema,
  conversationItemSchema,
  conversationListQuerySchema,
  conversationListResponseSchema,
  messageListQuerySchema,
  messageListResponseSchema,
} from '../conversations.schema';
import { defineContract, type HeaderSpec } from './contract';

const IDEMPOTENT: Record<string, HeaderSpec> = {
  'idempotency-key': {
    description: 'The same key is the same command, applied once (printable ASCII, ≤ 200).',
  },
};

export type AgentAction = 'claim' | 'release' | 'close';

const SUMMARIES: Record<AgentAction, string> = {
  claim: 'Take the conversation over from the bot',
  release: 'Hand the conversation back to the bot',
  close: 'Close the conversation',
};

const command = <A extends AgentAction>(action: A) =>
  defineContract({
    method: 'POST',
    path: `/api/conversations/:id/${action}`,
    access: 'member',
    tag: 'conversations',
    summary: SUMMARIES[action],
    headers: IDEMPOTENT,
    responses: { 200: { description: 'The conversation after it.', json: conversationItemSchema } },
    errors: ['conflict', 'forbidden'],
  });

export const conversationContracts = {
  list: defineContract({
    method: 'GET',
    path: '/api/conversations',
    access: 'member',
    tag: 'conversations',
    summary: 'The inbox, newest activity first',
    query: conversationListQuerySchema,
    responses: { 200: { description: 'A page.', json: conversationListResponseSchema } },
  }),
  get: defineContract({
    method: 'GET',
    path: '/api/conversations/:id',
    access: 'member',
    tag: 'conversations',
    summary: 'One conversation with its messages, orders and timeline',
    responses: { 200: { description: 'The conversation.', json: conversationDetailSchema } },
  }),
  messages: defineContract({
    method: 'GET',
    path: '/api/conversations/:id/messages',
    access: 'member',
    tag: 'conversations',
    summary: 'Messages after a `seq`, oldest first',
    query: messageListQuerySchema,
    responses: { 200: { description: 'The messages.', json: messageListResponseSchema } },
  }),
  claim: command('claim'),
  release: command('release'),
  close: command('close'),
  reply: defineContract({
    method: 'POST',
    path: '/api/conversations/:id/messages',
    access: 'member',
    tag: 'conversations',
    summary: 'Send the agent’s reply (queued; its status arrives on the message)',
    headers: IDEMPOTENT,
    body: { kind: 'json', schema: agentReplyRequestSchema },
    responses: { 202: { description: 'Accepted and queued.', json: agentReplyResponseSchema } },
    errors: ['conflict', 'forbidden'],
  }),
  markRead: defineContract({
    method: 'POST',
    path: '/api/conversations/:id/read',
    access: 'member',
    tag: 'conversations',
    summary: 'Mark the conversation read',
    responses: { 204: { description: 'Marked.' } },
  }),
} as const;
