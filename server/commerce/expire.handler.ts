import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../persistence/db';
import { orders } from '../persistence/schema';
import type { EffectHandler } from '../runtime/effects';
import { expireParamsSchema } from './effect-params';
import { latestPaymentOf } from './payments.pg';
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
    const { orderId } = expireParamsSchema.parse(job.params);
    const { businessId } = job;
    const payment = await latestPaymentOf(deps.database.db, businessId, orderId);
    if (payment?.status === 'pending') {
      const client = await deps.registry.client(businessId, payment.provider);
      await client?.expire(payment);
    }
    const expired = await deps.database.db
      .update(orders)
      .set({ status: 'expired', updatedAt: new Date() })
      .where(
        and(
          eq(orders.id, orderId),
          eq(orders.businessId, businessId),
          eq(orders.status, 'pending'),
        ),
      )
      .returning({ id: orders.id });
    deps.log.info(
      { event: 'commerce.checkout_expired', orderId, businessId, changed: expired.length > 0 },
      'checkout expired',
    );
  };
}
