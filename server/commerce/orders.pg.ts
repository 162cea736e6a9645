import { and, desc, eq, exists, gt, inArray, ne, sql } from 'drizzle-orm';
import type { CheckoutItem } from '../../shared/conversation.events';
import type { Db } from '../persistence/db';
import { orders, payments, products, type OrderItem } from '../persistence/schema';

export type OrderRow = typeof orders.$inferSelect;

export type Priced =
  | { ok: true; items: OrderItem[]; totalMinor: number; currency: string }
  | {
      ok: false;
      reason: 'unknown_product' | 'mixed_currency' | 'out_of_stock' | 'amount_too_large';
    };

/** The same SKU asked for twice is one line; order does not matter. */
export function mergeItems(items: readonly CheckoutItem[]): CheckoutItem[] {
  const bySku = new Map<string, number>();
  for (const { sku, qty } of items) bySku.set(sku, (bySku.get(sku) ?? 0) + qty);
  return [...bySku.entries()]
    .map(([sku, qty]) => ({ sku, qty }))
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/** `MUG-BLUE:2,TOTE:1`: what "the same items" means for the duplicate-order guardrail. */
export function itemsKeyOf(items: readonly CheckoutItem[]): string {
  return mergeItems(items)
    .map((i) => `${i.sku}:${i.qty}`)
    .join(',');
}

/**
 * Prices the items from the catalog as it is now, in the catalog's integer minor units. Every
 * SKU must exist and be active, all in one currency, and tracked stock must cover the quantity.
 */
export async function priceItems(
  db: Db,
  businessId: string,
  wanted: readonly CheckoutItem[],
): Promise<Priced> {
  const merged = mergeItems(wanted);
  const rows = await db
    .select()
    .from(products)
    .where(
      and(
        eq(products.businessId, businessId),
        eq(products.active, true),
        inArray(
          products.sku,
          merged.map((i) => i.sku),
        ),
      ),
    );
  const bySku = new Map(rows.map((r) => [r.sku, r]));
  const items: OrderItem[] = [];
  let totalMinor = 0;
  const currencies = new Set<string>();
  for (const { sku, qty } of merged) {
    const product = bySku.get(sku);
    if (!product) return { ok: false, reason: 'unknown_product' };
    if (product.stock !== null && product.stock < qty) return { ok: false, reason: 'out_of_stock' };
    currencies.add(product.currency.toUpperCase());
    items.push({
      productId: product.id,
      sku,
      name: product.name,
      quantity: qty,
      unitPriceMinor: product.priceMinor,
    });
    totalMinor += product.priceMinor * qty;
  }
  if (currencies.size !== 1) return { ok: false, reason: 'mixed_currency' };
  // Amounts are JS numbers end to end: past 2^53 they would silently round.
  if (!Number.isSafeInteger(totalMinor)) return { ok: false, reason: 'amount_too_large' };
  return { ok: true, items, totalMinor, currency: [...currencies][0] as string };
}

export interface OrderInput {
  businessId: string;
  conversationId: string | null;
  contactId: string | null;
  /** Derived from the triggering event: the effect id, or an agent request's key. */
  idempotencyKey: string;
  itemsKey: string;
  items: OrderItem[];
  totalMinor: number;
  currency: string;
  attributedTo: 'bot' | 'agent';
  /** A pending order younger than this, for the same contact and items, is reused. */
  reuseWithinMs: number;
}

export type OrderOutcome = { order: OrderRow; reused: 'retry' | 'duplicate' | false };

/**
 * Creates the order, or finds the one this request already made (a retried job: same key), or
 * the one the contact is already paying for (same items, still pending): the duplicate-order
 * guardrail. A transaction-scoped advisory lock per contact and items makes two concurrent
 * identical checkouts see each other instead of both inserting.
 */
export async function findOrCreateOrder(db: Db, input: OrderInput): Promise<OrderOutcome> {
  const { businessId } = input;
  await db.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`order:${businessId}:${input.contactId ?? '-'}:${input.itemsKey}`}))`,
  );
  const [same] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.businessId, businessId), eq(orders.idempotencyKey, input.idempotencyKey)));
  if (same) return { order: same, reused: 'retry' };
  if (input.contactId) {
    const since = new Date(Date.now() - input.reuseWithinMs);
    const [pending] = await db
      .select()
      .from(orders)
      .where(
        and(
          eq(orders.businessId, businessId),
          eq(orders.contactId, input.contactId),
          eq(orders.itemsKey, input.itemsKey),
          eq(orders.status, 'pending'),
          gt(orders.createdAt, since),
        ),
      )
      .orderBy(desc(orders.createdAt))
      .limit(1);
    if (pending) return { order: pending, reused: 'duplicate' };
  }
  const [created] = await db
    .insert(orders)
    .values({
      businessId,
      conversationId: input.conversationId,
      contactId: input.contactId,
      idempotencyKey: input.idempotencyKey,
      itemsKey: input.itemsKey,
      items: input.items,
      totalMinor: input.totalMinor,
      currency: input.currency,
      attributedTo: input.attributedTo,
    })
    .returning();
  return { order: created as OrderRow, reused: false };
}

/**
 * Serialises checkouts of one conversation (security review M2): taken before anything is
 * read, held to the commit, so of two overlapping requests (two agents, a double click, the bot
 * at the same moment) the second sees the first's order. Taken before `findOrCreateOrder`'s own
 * lock, always in that order.
 */
export async function lockConversationCheckout(db: Db, conversationId: string): Promise<void> {
  await db.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`checkout:${conversationId}`}, 0))`,
  );
}

/**
 * Another order of the conversation whose link is out (or being made) or whose money came in:
 * the checkout the conversation has, or is about to have. The same request (its key) and the
 * same items (the duplicate guardrail hands that order back) do not count.
 */
export async function otherLiveCheckout(
  db: Db,
  input: { businessId: string; conversationId: string; idempotencyKey: string; itemsKey: string },
  withinMs: number,
): Promise<string | null> {
  const [row] = await db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.businessId, input.businessId),
        eq(orders.conversationId, input.conversationId),
        eq(orders.status, 'pending'),
        gt(orders.createdAt, new Date(Date.now() - withinMs)),
        ne(orders.idempotencyKey, input.idempotencyKey),
        ne(orders.itemsKey, input.itemsKey),
        exists(
          db
            .select({ one: sql`1` })
            .from(payments)
            .where(
              and(
                eq(payments.orderId, orders.id),
                inArray(payments.status, ['pending', 'succeeded']),
              ),
            ),
        ),
      ),
    )
    .limit(1);
  return row?.id ?? null;
}

export async function findOrder(db: Db, businessId: string, id: string) {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.businessId, businessId), eq(orders.id, id)));
  return row;
}

/** The conversation's most recent order: what "my order" means when the AI names none. */
export async function latestOrderOf(db: Db, businessId: string, conversationId: string) {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.businessId, businessId), eq(orders.conversationId, conversationId)))
    .orderBy(desc(orders.createdAt))
    .limit(1);
  return row;
}

/** Short, readable order code for customers: `#3F2A9C1B`. */
export const orderCode = (orderId: string) =>
  `#${orderId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;

/**
 * Moves an order out of `pending` (expired, cancelled), and only from there: a paid order stays
 * paid. Returns whether it moved.
 */
export async function closePendingOrder(
  db: Db,
  businessId: string,
  orderId: string,
  status: 'expired' | 'cancelled',
): Promise<boolean> {
  const closed = await db
    .update(orders)
    .set({ status, updatedAt: new Date() })
    .where(
      and(eq(orders.id, orderId), eq(orders.businessId, businessId), eq(orders.status, 'pending')),
    )
    .returning({ id: orders.id });
  return closed.length > 0;
}
