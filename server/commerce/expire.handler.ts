import type { Logger } from 'pino';
import type { Database } from '../persistence/db';
import type { EffectHandler } from '../runtime/effects';
import { pendingOrderParamsSchema } from './effect-params';
import { closePendingOrder } from './orders.pg';
import { voidPendingLink } from './provider-registry';
import type { ProviderRegistry } from './provider-registry';

/**
 * `expireCheckout`: the conversation gave up waiting. The link is stopped at the provider first
 * where it can be (Stripe), so it cannot take money for an order nobody waits for; then the
 * order becomes `expired`. A payment that still lands later (Paystack, Flutterwave) is recorded
 * and reported to the owner by the payment intake.
 */
export function createExpireHandler(deps: {
  database: Database;
  registry: ProviderRegistry;
  log: Logger;
}): EffectHandler {
  return async (job) => {
    const { orderId } = pendingOrderParamsSchema.parse(job.params);
    const { businessId } = job;
    await voidPendingLink(deps.database.db, deps.registry, businessId, orderId);
    const changed = await closePendingOrder(deps.database.db, businessId, orderId, 'expired');
    deps.log.info(
      { event: 'commerce.checkout_expired', orderId, businessId, changed },
      'checkout expired',
    );
  };
}
