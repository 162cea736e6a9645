import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { PaymentProvider } from '../../shared/domain';
import type { Db } from '../persistence/db';
import { orders, payments } from '../persistence/schema';
import type { OrderRow } from './orders.pg';

export type PaymentRow = typeof payments.$inferSelect;

/** `pl-<order id hex>-<attempt>`: letters, digits and dashes, which every provider accepts. */
export const referenceFor = (orderId: string, attempt: number) =>
  `pl-${orderId.replace(/-/g, '')}-${attempt}`;

export async function latestPaymentOf(db: Db, businessId: string, orderId: string) {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.businessId, businessId), eq(payments.orderId, orderId)))
    .orderBy(desc(payments.createdAt), desc(payments.reference))
    .limit(1);
  return row;
}

/**
 * Records the attempt before the provider is called: its reference is then known to webhooks
 * and to reconciliation even if the process dies before the link is stored.
 */
export async function insertPaymentAttempt(
  db: Db,
  order: OrderRow,
  provider: PaymentProvider,
): Promise<PaymentRow> {
  const [{ n } = { n: 0 }] = await db
    .select({ n: count() })
    .from(payments)
    .where(and(eq(payments.businessId, order.businessId), eq(payments.orderId, order.id)));
  const [row] = await db
    .insert(payments)
    .values({
      businessId: order.businessId,
      orderId: order.id,
      provider,
      reference: referenceFor(order.id, Number(n) + 1),
      amountMinor: order.totalMinor,
      currency: order.currency,
    })
    .returning();
  return row as PaymentRow;
}

export async function storePaymentLink(
  db: Db,
  payment: PaymentRow,
  link: { url: string; providerPaymentId: string | null },
): Promise<void> {
  await db
    .update(payments)
    .set({
      checkoutUrl: link.url,
      providerPaymentId: link.providerPaymentId ?? payment.providerPaymentId,
      updatedAt: new Date(),
    })
    .where(eq(payments.id, payment.id));
}

/** The attempt will never take money (refused, or its reference was burnt). */
export async function abandonPayment(db: Db, payment: PaymentRow, reason: string): Promise<void> {
  await db
    .update(payments)
    .set({ status: 'failed', failureReason: reason, updatedAt: new Date() })
    .where(
      and(
        eq(payments.id, payment.id),
        eq(payments.status, 'pending'),
        isNull(payments.checkoutUrl),
      ),
    );
}

/** A payment by Parley's reference, within one business (webhooks name the business). */
export async function findPaymentByReference(
  db: Db,
  businessId: string,
  provider: PaymentProvider,
  reference: string,
): Promise<{ payment: PaymentRow; order: OrderRow } | undefined> {
  const [row] = await db
    .select({ payment: payments, order: orders })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(
      and(
        eq(payments.businessId, businessId),
        eq(payments.provider, provider),
        eq(payments.reference, reference),
      ),
    );
  return row;
}

/**
 * pending|failed → succeeded, once: the gate that turns a provider's word into exactly one
 * `payment.succeeded`. Returns the status it replaced, or null when it had already succeeded
 * (a redelivery, or reconciliation and a webhook racing). The row is locked first, so two
 * racers cannot both see the old status.
 */
export async function markPaymentSucceeded(
  db: Db,
  paymentId: string,
  providerPaymentId: string | null,
): Promise<'pending' | 'failed' | null> {
  const [before] = await db
    .select({ status: payments.status })
    .from(payments)
    .where(eq(payments.id, paymentId))
    .for('update');
  if (!before || before.status === 'succeeded') return null;
  await db
    .update(payments)
    .set({
      status: 'succeeded',
      verifiedAt: new Date(),
      failureReason: null,
      providerPaymentId: sql`coalesce(${providerPaymentId}, ${payments.providerPaymentId})`,
      updatedAt: new Date(),
    })
    .where(eq(payments.id, paymentId));
  return before.status;
}

/** pending → failed, once; a failure never overrides a success that came first. */
export async function markPaymentFailed(
  db: Db,
  paymentId: string,
  reason: string,
  providerPaymentId: string | null,
): Promise<boolean> {
  const rows = await db
    .update(payments)
    .set({
      status: 'failed',
      failureReason: reason,
      verifiedAt: new Date(),
      providerPaymentId: sql`coalesce(${providerPaymentId}, ${payments.providerPaymentId})`,
      updatedAt: new Date(),
    })
    .where(and(eq(payments.id, paymentId), eq(payments.status, 'pending')))
    .returning({ id: payments.id });
  return rows.length > 0;
}

/** Why a report was not believed, kept on the row for whoever looks at the order. */
export async function notePaymentProblem(db: Db, paymentId: string, reason: string) {
  await db
    .update(payments)
    .set({ failureReason: reason.slice(0, 300), updatedAt: new Date() })
    .where(and(eq(payments.id, paymentId), eq(payments.status, 'pending')));
}
