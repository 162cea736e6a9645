import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { Order } from '../../shared/commerce.schema';
import type {
  ConversationDetail,
  Message,
  MessageListQuery,
  TimelineEntry,
} from '../../shared/conversations.schema';
import { orderViews } from '../commerce/order-views.pg';
import type { Db } from '../persistence/db';
import { conversations, eventLog, messages, orders } from '../persistence/schema';
import { loadConversationItem } from './conversation-items.pg';

/**
 * The detail view of one conversation: its item (from the one item reader) plus messages,
 * orders and state transitions. Every query filters by business id; callers run it inside
 * `database.transaction({ tenant })`, so RLS is the second wall.
 */

/** What the detail answer carries at most; older history is paged with `?after=`. */
const DETAIL_MESSAGES = 200;
const DETAIL_ORDERS = 50;
const DETAIL_TIMELINE = 500;

type MessageRow = typeof messages.$inferSelect;

function toMessage(m: MessageRow): Message {
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    author: m.author,
    authorUserId: m.authorUserId,
    text: m.text,
    attachments: m.attachments,
    status: m.status,
    errorCode: m.errorCode,
    seq: Number(m.seq),
    createdAt: m.createdAt.toISOString(),
  };
}

/** Messages after `after` (a `seq`), oldest first; without `after`, from the first message. */
export async function listMessages(
  db: Db,
  businessId: string,
  conversationId: string,
  q: MessageListQuery,
): Promise<Message[]> {
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.businessId, businessId),
        eq(messages.conversationId, conversationId),
        q.after !== undefined ? gt(messages.seq, q.after) : undefined,
      ),
    )
    .orderBy(asc(messages.seq))
    .limit(q.limit);
  return rows.map(toMessage);
}

/** The latest `limit` messages, oldest first (the order a chat window shows them in). */
export async function latestMessages(
  db: Db,
  businessId: string,
  conversationId: string,
  limit = DETAIL_MESSAGES,
): Promise<Message[]> {
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.businessId, businessId), eq(messages.conversationId, conversationId)))
    .orderBy(desc(messages.seq))
    .limit(limit);
  return rows.reverse().map(toMessage);
}

/** Applied events that moved the machine (`from_state <> to_state`), in version order. */
export async function loadTimeline(
  db: Db,
  businessId: string,
  conversationId: string,
): Promise<TimelineEntry[]> {
  const rows = await db
    .select({
      version: eventLog.version,
      type: eventLog.type,
      from: eventLog.fromState,
      to: eventLog.toState,
      at: eventLog.createdAt,
    })
    .from(eventLog)
    .where(
      and(
        eq(eventLog.businessId, businessId),
        eq(eventLog.conversationId, conversationId),
        sql`${eventLog.fromState} <> ${eventLog.toState}`,
      ),
    )
    .orderBy(desc(eventLog.version))
    .limit(DETAIL_TIMELINE);
  return rows.reverse().map((r) => ({ ...r, version: Number(r.version), at: r.at.toISOString() }));
}

/** The conversation's orders, newest first, as `GET /api/orders/:id` shows them. */
export async function conversationOrders(
  db: Db,
  businessId: string,
  conversationId: string,
): Promise<Order[]> {
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.businessId, businessId), eq(orders.conversationId, conversationId)))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(DETAIL_ORDERS);
  return orderViews(db, businessId, rows);
}

/** `GET /api/conversations/:id`; null when the business has no such conversation. */
export async function loadConversationDetail(
  db: Db,
  businessId: string,
  conversationId: string,
): Promise<ConversationDetail | null> {
  const item = await loadConversationItem(db, businessId, conversationId);
  if (!item) return null;
  return {
    ...item,
    messages: await latestMessages(db, businessId, conversationId),
    orders: await conversationOrders(db, businessId, conversationId),
    timeline: await loadTimeline(db, businessId, conversationId),
  };
}

/** `POST /api/conversations/:id/read`; false when the business has no such conversation. */
export async function markRead(
  db: Db,
  businessId: string,
  conversationId: string,
): Promise<boolean> {
  // Only the read model: not a machine event, so neither `version` nor `updated_at` moves
  // (the list order and the optimistic-concurrency check of the runtime are left alone).
  const rows = await db
    .update(conversations)
    .set({ unread: 0 })
    .where(and(eq(conversations.id, conversationId), eq(conversations.businessId, businessId)))
    .returning({ id: conversations.id });
  return rows.length > 0;
}
