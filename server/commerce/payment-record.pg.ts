import { eq } from 'drizzle-orm';
import { orders } from '../persistence/schema';
import type { Tx } from '../persistence/db';
import type { Inbox, InboxInput } from '../runtime/inbox';
import type { Found } from './payment-intake';
import { markPaymentFailed, markPaymentSucceeded } from './payments.pg';
import type { Verification } from './providers/provider';

type Succeeded = Extract<Verification, { status: 'succeeded' }>;
type Failed = Extract<Verification, { status: 'failed' }>;

/** Where a payment's events go: its conversation, from its provider, keyed by the notice. */
const addressOf = ({ order, payment }: Found, sourceEventId: string) => ({
  businessId: order.businessId,
  conversationId: order.conversationId as string,
  source: payment.provider,
  sourceEventId,
});

/** pending → failed and `payment.failed` for the conversation, in one transaction. */
export async function recordFailure(
  tx: Tx,
  inbox: Inbox,
  found: Found,
  v: Failed,
  key: string,
): Promise<'applied' | 'duplicate'> {
  const { order, payment } = found;
  if (!(await markPaymentFailed(tx.db, payment.id, v.reason, v.providerPaymentId)))
    return 'duplicate';
  if (!order.conversationId) return 'applied';
  const [ref] = await inbox.append(tx, [
    {
      ...addressOf(found, key),
      type: 'payment.failed',
      payload: { orderId: order.id, reference: payment.reference, reason: v.reason },
    },
  ]);
  return ref?.duplicate ? 'duplicate' : 'applied';
}

export type SuccessOutcome =
  | { kind: 'applied' | 'late' | 'duplicate' }
  /** Recorded, but no checkout can take it; `reason` is what the owner is told. */
  | { kind: 'unmatched'; reason: string };

/**
 * → succeeded and `payment.succeeded` for the conversation, in one transaction. `unmatched`:
 * recorded, but no checkout can take it (the order was paid already, was cancelled because
 * another checkout was open, or has no conversation).
 * `late`: the conversation had stopped waiting for this attempt (reported failed, or the
 * checkout expired), yet the money came; the checkout is presented again right behind the
 * payment, so the machine, which keeps early payments, matches and fulfils it.
 */
export async function recordSuccess(
  tx: Tx,
  inbox: Inbox,
  found: Found,
  v: Succeeded,
  key: string,
): Promise<SuccessOutcome> {
  const { order, payment } = found;
  const previous = await markPaymentSucceeded(tx.db, payment.id, v.providerPaymentId);
  if (!previous) return { kind: 'duplicate' };
  // Locked: a cancellation racing this payment waits for it, or this waits and sees it.
  const [now] = await tx.db
    .select({ status: orders.status })
    .from(orders)
    .where(eq(orders.id, order.id))
    .for('update');
  if (!order.conversationId) {
    return { kind: 'unmatched', reason: 'the order is no longer linked to a conversation' };
  }
  if (now?.status === 'paid') {
    return { kind: 'unmatched', reason: 'the order was already paid: possibly a double payment' };
  }
  if (now?.status === 'cancelled') {
    return {
      kind: 'unmatched',
      reason: 'the order was cancelled because another checkout was open in the conversation',
    };
  }
  const events: InboxInput[] = [
    {
      ...addressOf(found, key),
      type: 'payment.succeeded',
      payload: {
        orderId: order.id,
        reference: payment.reference,
        provider: payment.provider,
        amountMinor: v.amountMinor,
        currency: v.currency.toUpperCase(),
      },
    },
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
    events.push({
      ...addressOf(found, `${payment.reference}:reopened`),
      type: 'checkout.created',
      payload: checkout,
    });
  }
  const [ref] = await inbox.append(tx, events);
  return { kind: ref?.duplicate ? 'duplicate' : late ? 'late' : 'applied' };
}
