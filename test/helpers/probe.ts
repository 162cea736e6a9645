import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../server/persistence/db';
import {
  contacts,
  conversations,
  eventLog,
  inbox,
  messages,
  orders,
  payments,
  products,
} from '../../server/persistence/schema';
import { waitUntil } from './seed';

/**
 * What the tests read back from the database to assert on, in one place: typed rows from the
 * schema, so a renamed column fails the type check here rather than a query in some test.
 * Writes stay with the product (and `seed.ts`/`given`); this module only looks.
 */

export type ContactRow = typeof contacts.$inferSelect;
export type InboxRow = typeof inbox.$inferSelect;
/** Every conversation event's payload is a JSON object. */
export type EventLogRow = Omit<typeof eventLog.$inferSelect, 'payload'> & {
  payload: Record<string, unknown>;
};
export type MessageRow = typeof messages.$inferSelect;

export interface ConversationFacts {
  id: string;
  businessId: string;
  contactId: string;
  channel: string;
  state: string;
  version: number;
  /** The machine's full state value (`{ handoff: 'queued' }` …), null before the first event. */
  path: unknown;
  facts: unknown;
}

const conversationColumns = {
  id: conversations.id,
  businessId: conversations.businessId,
  contactId: conversations.contactId,
  channel: conversations.channel,
  state: conversations.state,
  version: conversations.version,
  path: sql<unknown>`${conversations.snapshot}->'value'`,
  facts: conversations.facts,
};

export async function conversation(
  db: Database,
  id: string,
): Promise<ConversationFacts | undefined> {
  const [row] = await db.db
    .select(conversationColumns)
    .from(conversations)
    .where(eq(conversations.id, id));
  return row;
}

/** The conversation of the customer whose channel id (PSID, wa_id …) is `externalId`. */
export async function conversationOf(
  db: Database,
  externalId: string,
): Promise<ConversationFacts | undefined> {
  const [row] = await db.db
    .select(conversationColumns)
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(contacts.externalId, externalId));
  return row;
}

export const waitForConversation = (db: Database, externalId: string) =>
  waitUntil(() => conversationOf(db, externalId), `the conversation of ${externalId}`);

export const waitForState = (db: Database, externalId: string, state: string, timeoutMs = 15_000) =>
  waitUntil(
    async () => {
      const c = await conversationOf(db, externalId);
      return c?.state === state ? c : null;
    },
    `the conversation of ${externalId} to be ${state}`,
    timeoutMs,
  );

export async function contactOf(db: Database, externalId: string): Promise<ContactRow | undefined> {
  const [row] = await db.db.select().from(contacts).where(eq(contacts.externalId, externalId));
  return row;
}

/** What the customer said last: the AI stand-ins of the tests answer it. */
export async function lastCustomerText(db: Database, conversationId: string): Promise<string> {
  const [row] = await db.db
    .select({ text: messages.text })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.author, 'customer')))
    .orderBy(desc(messages.seq))
    .limit(1);
  return row?.text ?? '';
}

export async function messageByProviderId(
  db: Database,
  providerMessageId: string,
): Promise<MessageRow | undefined> {
  const [row] = await db.db
    .select()
    .from(messages)
    .where(eq(messages.providerMessageId, providerMessageId));
  return row;
}

export interface InboxFilter {
  businessId?: string;
  conversationId?: string;
  source?: InboxRow['source'];
  type?: string;
  /** Only rows not applied yet (and not dead-lettered), or only dead letters. */
  pending?: boolean;
  deadLetter?: boolean;
}

function inboxWhere(filter: InboxFilter): SQL | undefined {
  return and(
    filter.businessId ? eq(inbox.businessId, filter.businessId) : undefined,
    filter.conversationId ? eq(inbox.conversationId, filter.conversationId) : undefined,
    filter.source ? eq(inbox.source, filter.source) : undefined,
    filter.type ? eq(inbox.type, filter.type) : undefined,
    filter.pending ? and(isNull(inbox.processedAt), eq(inbox.deadLetter, false)) : undefined,
    filter.deadLetter === undefined ? undefined : eq(inbox.deadLetter, filter.deadLetter),
  );
}

/** Inbox rows in the order they were written (the order the runtime applies them in). */
export function inboxRows(db: Database, filter: InboxFilter = {}): Promise<InboxRow[]> {
  return db.db.select().from(inbox).where(inboxWhere(filter)).orderBy(asc(inbox.id));
}

export async function inboxCount(db: Database, filter: InboxFilter = {}): Promise<number> {
  const [row] = await db.db
    .select({ n: sql<number>`count(*)::int` })
    .from(inbox)
    .where(inboxWhere(filter));
  return Number(row?.n);
}

export async function eventsOf(db: Database, conversationId: string): Promise<EventLogRow[]> {
  const rows = await db.db
    .select()
    .from(eventLog)
    .where(eq(eventLog.conversationId, conversationId))
    .orderBy(asc(eventLog.version));
  return rows.map((r) => ({ ...r, payload: r.payload as Record<string, unknown> }));
}

export async function eventTypes(db: Database, conversationId: string): Promise<string[]> {
  return (await eventsOf(db, conversationId)).map((e) => e.type);
}

export interface OrderFacts {
  id: string;
  status: string;
  totalMinor: number;
  currency: string;
  paidAt: Date | null;
  /** Of the payment attempt (one row per attempt: an order paid on a second link has two). */
  reference: string | null;
  paymentStatus: string | null;
  providerPaymentId: string | null;
  checkoutUrl: string | null;
}

/** The conversation's orders with their payment attempts, oldest first. */
export function ordersOf(db: Database, conversationId: string): Promise<OrderFacts[]> {
  return db.db
    .select({
      id: orders.id,
      status: orders.status,
      totalMinor: orders.totalMinor,
      currency: orders.currency,
      paidAt: orders.paidAt,
      reference: payments.reference,
      paymentStatus: payments.status,
      providerPaymentId: payments.providerPaymentId,
      checkoutUrl: payments.checkoutUrl,
    })
    .from(orders)
    .leftJoin(payments, eq(payments.orderId, orders.id))
    .where(eq(orders.conversationId, conversationId))
    .orderBy(asc(orders.createdAt), asc(payments.createdAt));
}

export interface CheckoutOrder extends OrderFacts {
  reference: string;
  paymentStatus: string;
}

/** The conversation's first order, which a checkout gave a payment attempt (throws otherwise). */
export async function checkoutOrder(db: Database, conversationId: string): Promise<CheckoutOrder> {
  const [order] = await ordersOf(db, conversationId);
  if (!order?.reference || !order.paymentStatus)
    throw new Error(`conversation ${conversationId} has no order with a payment attempt`);
  return { ...order, reference: order.reference, paymentStatus: order.paymentStatus };
}

export const waitForOrderStatus = (
  db: Database,
  conversationId: string,
  status: string,
  timeoutMs = 15_000,
) =>
  waitUntil(
    async () => {
      const [order] = await ordersOf(db, conversationId);
      return order?.status === status ? order : null;
    },
    `the order of ${conversationId} to be ${status}`,
    timeoutMs,
  );

export async function stockOf(db: Database, businessId: string, sku: string): Promise<number> {
  const [row] = await db.db
    .select({ stock: products.stock })
    .from(products)
    .where(and(eq(products.businessId, businessId), eq(products.sku, sku)));
  return Number(row?.stock);
}

export interface JobRow {
  id: string;
  data: Record<string, unknown>;
  state: string;
}

/** pg-boss jobs of queue `name` for one conversation (pg-boss's table is not in our schema). */
export function jobsOf(db: Database, name: string, conversationId: string): Promise<JobRow[]> {
  return db.sql.query<JobRow>(
    `select id::text as id, data, state::text as state from pgboss.job
      where name = $1 and data->>'conversationId' = $2 order by created_on`,
    [name, conversationId],
  );
}
