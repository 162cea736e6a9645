import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Order, Payment } from '../../shared/commerce.schema';
import type { Db } from '../persistence/db';
import { invoices, payments } from '../persistence/schema';
import type { OrderRow } from './orders.pg';
import type { PaymentRow } from './payments.pg';

export function toPaymentDto(p: PaymentRow): Payment {
  return {
    id: p.id,
    provider: p.provider,
    reference: p.reference,
    providerPaymentId: p.providerPaymentId,
    status: p.status,
    amountMinor: p.amountMinor,
    currency: p.currency,
    checkoutUrl: p.checkoutUrl,
    verifiedAt: p.verifiedAt?.toISOString() ?? null,
    failureReason: p.failureReason,
    createdAt: p.createdAt.toISOString(),
  };
}

/** Orders as the API shows them: with their payment attempts (provider references) and invoice. */
export async function orderViews(
  db: Db,
  businessId: string,
  rows: readonly OrderRow[],
): Promise<Order[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const paymentRows = await db
    .select()
    .from(payments)
    .where(and(eq(payments.businessId, businessId), inArray(payments.orderId, ids)))
    .orderBy(asc(payments.createdAt), asc(payments.reference));
  const invoiceRows = await db
    .select({ id: invoices.id, orderId: invoices.orderId, number: invoices.numberText })
    .from(invoices)
    .where(and(eq(invoices.businessId, businessId), inArray(invoices.orderId, ids)));
  return rows.map((o) => {
    const invoice = invoiceRows.find((i) => i.orderId === o.id);
    return {
      id: o.id,
      conversationId: o.conversationId,
      contactId: o.contactId,
      status: o.status,
      items: o.items,
      totalMinor: o.totalMinor,
      currency: o.currency,
      attributedTo: o.attributedTo,
      payments: paymentRows.filter((p) => p.orderId === o.id).map(toPaymentDto),
      invoice: invoice ? { id: invoice.id, number: invoice.number } : null,
      createdAt: o.createdAt.toISOString(),
      paidAt: o.paidAt?.toISOString() ?? null,
    };
  });
}
