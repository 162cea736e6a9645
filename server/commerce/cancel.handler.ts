import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../persistence/db';
import { payments } from '../persistence/schema';
import type { EffectHandler } from '../runtime/effects';
import { pendingOrderParamsSchema } from './effect-params';
import type { Notifications } from './notifications';
import { closePendingOrder } from './orders.pg';
import { voidPendingLink } from './provider-registry';
import type { ProviderRegistry } from './provider-registry';

/**
 * `cancelCheckout`: the conversation did not take this checkout (another was open, or the
 * contact had opted out), so its link was never sent by Parley; but whoever made it (an agent)
 * may have it. The link is voided at the provider where it can be (Stripe), and the order is
 * cancelled, only from `pending`. If its money already came in, the owner is told: a payment
 * for an order nobody waits for is for a person to refund or fulfil (security review M2).
 */
export function createCancelHandler(deps: {
  database: Database;
  registry: ProviderRegistry;
  notifications: Notifications;
  log: Logger;
}): EffectHandler {
  return async (job) => {
    const { orderId } = pendingOrderParamsSchema.parse(job.params);
    const { businessId, conversationId } = job;
    await voidPendingLink(deps.database.db, deps.registry, businessId, orderId);
    const paid = await deps.database.transaction(async (tx) => {
      // The order row's lock orders this against a payment being recorded (`recordSuccess`
      // reads the status `for update`): one of the two sees the other, so a payment that
      // lands for this order is reported either there or here, never nowhere.
      if (!(await closePendingOrder(tx.db, businessId, orderId, 'cancelled'))) return null;
      const [succeeded] = await tx.db
        .select()
        .from(payments)
        .where(and(eq(payments.orderId, orderId), eq(payments.status, 'succeeded')))
        .limit(1);
      return succeeded ?? null;
    });
    deps.log.info(
      { event: 'commerce.checkout_cancelled', orderId, businessId, conversationId },
      'a checkout the conversation did not take was cancelled',
    );
    if (paid) {
      await deps.notifications.notify({
        kind: 'payment_unmatched',
        businessId,
        orderId,
        provider: paid.provider,
        reference: paid.reference,
        reason: 'the order was cancelled because another checkout was open in the conversation',
      });
    }
  };
}
