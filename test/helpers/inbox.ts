import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import {
  conversationListResponseSchema,
  type ConversationItem,
  type ConversationListResponse,
} from '../../shared/conversations.schema';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { InboxInput, InboxRef } from '../../server/runtime/inbox';
import type { Runtime } from '../../server/runtime/runtime';
import type { Signup } from './auth';
import { request, type RequestOptions, type TestResponse } from './http';
import { postMetaText } from './meta';
import { lastCustomerText, waitForConversation } from './probe';
import { waitUntil } from './seed';

/** Events into the inbox the way intake stores them: one transaction, through the entrance. */
export function ingest(node: RunningNode, inputs: InboxInput[]): Promise<InboxRef[]> {
  return node.app.database.transaction((tx) => node.app.runtime.inbox.append(tx, inputs));
}

/** The AI stand-in: echoes the customer, or hands off when the customer writes "human". */
export function echoBot(runtime: Runtime, db: () => Database) {
  runtime.handle('ai-reply', async (job) => {
    const last = await lastCustomerText(db(), job.conversationId);
    const human = last === 'human';
    return {
      source: 'ai',
      event: {
        type: 'ai.replied',
        requestId: (job.params as { requestId: string }).requestId,
        text: human ? '' : `echo: ${last}`,
        actions: human ? [{ type: 'handoff', reason: 'asked' }] : [],
      },
    };
  });
}

export const newWhatsAppId = () => `1777${randomBytes(4).readUInt32BE(0)}`;
export const newPsid = () => `psid-${randomUUID()}`;

type Channel = 'whatsapp' | 'messenger';

/**
 * Drives one business's inbox the way production does: customers write through signed Meta
 * webhooks, the team reads and acts over the HTTP API. Getters, because the node and the
 * owner exist only once `beforeAll` ran.
 */
export function inboxDriver(deps: {
  node: () => RunningNode;
  owner: () => Signup;
  accounts: Record<Channel, string>;
}) {
  const db = () => deps.node().app.database;
  const api = <T = unknown>(who: Signup | null, path: string, options: RequestOptions = {}) =>
    request<T>(deps.node().url, path, { ...options, ...(who ? { token: who.accessToken } : {}) });
  const post = <T = unknown>(who: Signup | null, path: string, options: RequestOptions = {}) =>
    api<T>(who, path, { method: 'POST', ...options });

  async function customerWrites(channel: Channel, from: string, text: string) {
    const res = await postMetaText(deps.node().url, {
      channel,
      pageOrPhoneId: deps.accounts[channel],
      from,
      text,
    });
    expect(res.status).toBe(200);
  }

  const rowOf = (from: string) => waitForConversation(db(), from);

  const waitForPath = (from: string, path: string) =>
    waitUntil(async () => {
      const { id } = await rowOf(from);
      const res = await api<ConversationItem>(deps.owner(), `/api/conversations/${id}`);
      return res.status === 200 && res.body.path === path ? res.body : null;
    }, `${from} in ${path}`);

  /** Nothing left to apply or send for the business: the list order stands still. */
  const settled = () =>
    waitUntil(async () => {
      const [row] = await db().sql.query<{ pending: number }>(
        `select (select count(*) from inbox where business_id = $1 and processed_at is null and not dead_letter)::int
              + (select count(*) from messages where business_id = $1 and status = 'pending')::int as pending`,
        [deps.owner().business.id],
      );
      return row?.pending === 0;
    }, 'the business to settle');

  /** A new conversation in `handoff.queued`: its customer asked for a human. */
  async function handoff(channel: Channel = 'messenger') {
    const from = channel === 'whatsapp' ? newWhatsAppId() : newPsid();
    await customerWrites(channel, from, 'human');
    const item = await waitForPath(from, 'handoff.queued');
    return { from, id: item.id, item };
  }

  /** Every page of `GET /api/conversations` with `query`, following `nextCursor`. */
  async function listAll(who: Signup, query: string, limit = 2): Promise<ConversationItem[]> {
    const seen: ConversationItem[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res: TestResponse<ConversationListResponse> = await api<ConversationListResponse>(
        who,
        `/api/conversations?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const body = conversationListResponseSchema.parse(res.body);
      expect(body.items.length).toBeLessThanOrEqual(limit);
      seen.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) return seen;
    }
    throw new Error('paging did not end');
  }

  return { db, api, post, customerWrites, rowOf, waitForPath, settled, handoff, listAll };
}
