import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../persistence/db';
import { contacts, invoiceCounters, invoices, orders } from '../persistence/schema';

export type InvoiceRow = typeof invoices.$inferSelect;

export const invoiceNumberText = (n: number) => `INV-${String(n).padStart(6, '0')}`;

/**
 * The order's invoice, issued now if it has none. The number is the business's counter bumped
 * in this same transaction: if the insert fails the bump rolls back with it, so numbers have
 * no gaps. The order row is locked first, so two requests for one order issue one invoice.
 */
export async function issueInvoice(
  db: Db,
  businessId: string,
  orderId: string,
): Promise<{ invoice: InvoiceRow; created: boolean } | null> {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.businessId, businessId)))
    .for('update');
  if (!order) return null;
  const [existing] = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.businessId, businessId), eq(invoices.orderId, orderId)));
  if (existing) return { invoice: existing, created: false };

  const [counter] = await db
    .insert(invoiceCounters)
    .values({ businessId, lastNumber: 1 })
    .onConflictDoUpdate({
      target: invoiceCounters.businessId,
      set: { lastNumber: sql`${invoiceCounters.lastNumber} + 1` },
    })
    .returning({ n: invoiceCounters.lastNumber });
  const number = counter?.n as number;
  const [contact] = order.contactId
    ? await db
        .select({ name: contacts.name })
        .from(contacts)
        .where(and(eq(contacts.id, order.contactId), eq(contacts.businessId, businessId)))
    : [];
  const [invoice] = await db
    .insert(invoices)
    .values({
      businessId,
      orderId,
      number,
      numberText: invoiceNumberText(number),
      items: order.items,
      totalMinor: order.totalMinor,
      currency: order.currency,
      customerName: contact?.name ?? null,
    })
    .returning();
  return { invoice: invoice as InvoiceRow, created: true };
}

export async function findInvoice(db: Db, businessId: string, id: string) {
  const [row] = await db
    .select({ invoice: invoices, orderStatus: orders.status })
    .from(invoices)
    .innerJoin(orders, eq(orders.id, invoices.orderId))
    .where(and(eq(invoices.id, id), eq(invoices.businessId, businessId)));
  return row;
}

/** By id alone: only for the signed customer link, whose token is the credential. */
export async function findInvoiceById(db: Db, id: string) {
  const [row] = await db
    .select({ invoice: invoices, orderStatus: orders.status })
    .from(invoices)
    .innerJoin(orders, eq(orders.id, invoices.orderId))
    .where(eq(invoices.id, id));
  return row;
}
