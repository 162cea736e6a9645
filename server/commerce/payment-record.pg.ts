import { eq } from 'drizzle-orm';
import { orders } from '../persistence/schema';
import type { InboxInput, RuntimeTx } from '../runtime/runtime';
import type { Found } from './payment-intake';
import { markPaymentFailed, markPaymentSucceeded } from './payments.pg';
import type { Verification } from './providers/provider';

type Succeeded = Extract<Verification, { status: 'succeeded' }>;
type Failed = Extract<Verification, { status: 'failed' }>;

const eventFor =
  ({ order, payment }: Found, key: string) =>
  (type: string, payload: Record<string, unknown>, sourceEventId = key): InboxInput => ({
    businessId: order.businessId,
    conversationId: order.conversationId as string,
    source: payment.provider,
    sourceEventId,
    type,
    payload,
  });

/** pending → failed and `payment.failed` for the conversation, in one transaction. */
export async function recordFailure(
  { tx, insertInbox }: RuntimeTx,
  found: Found,
  v: Failed,
  key: string,
): Promise<'applied' | 'duplicate'> {
  const { order, payment } = found;
  if (!(await markPaymentFailed(tx.db, payment.id, v.reason, v.providerPaymentId)))
    return 'duplicate';
  if (!order.conversationId) return 'applied';
  const [ref] = await insertInbox([
    eventFor(found, key)('payment.failed', {
      orderId: order.id,
      reference: payment.reference,
      reason: v.reason,
    }),
  ]);
  return ref?.duplicate ? 'duplicate' : 'applied';
}

/**
 * → succeeded and `payment.succeeded` for the conversation, in one transaction. `unmatched`:
 * recorded, but no checkout can take it (the order was paid already, or has no conversation).
 * `late`: the conversation had stopped waiting for this attempt (reported failed, or the
 * checkout expired), yet the money came; the checkout is presented again right behind the
 * payment, so the machine, which keeps early payments, matches and fulfils it.
 */
export async function recordSuccess(
  { tx, insertInbox }: RuntimeTx,
  found: Found,
  v: Succeeded,
  key: string,
): Promise<'applied' | 'late' | 'unmatched' | 'duplicate'> {
  const { order, payment } = found;
  const previous = await markPaymentSucceeded(tx.db, payment.id, v.providerPaymentId);
  if (!previous) return 'duplicate';
  const [now] = await tx.db
    .select({ status: orders.status })
    .from(orders)
    .where(eq(orders.id, order.id));
  if (!order.conversationId || now?.status === 'paid') return 'unmatched';
  const event = eventFor(found, key);
  const events = [
    event('payment.succeeded', {
      orderId: order.id,
      reference: payment.reference,
      provider: payment.provider,
      amountMinor: v.amountMinor,
      currency: v.currency.toUpperCase(),
    }),
  ];
  const late = previous === 'failed' || now?.status === 'expired';
  if (late) {
    const checkout = {
      orderId: order.id,
      provider: payment.provider,
      reference: payment.reference,
      url: payment.checkoutUrl ?? '',
      amountMinor: order.totalMinor,
      currency: order.currency,
    };
    events.push(event('checkout.created', checkout, `${payment.reference}:reopened`));
  }
  const [ref] = await insertInbox(events);
  return ref?.duplicate ? 'duplicate' : late ? 'late' : 'applied';
}
