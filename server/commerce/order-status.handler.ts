import type { Database } from '../persistence/db';
import type { EffectHandler } from '../runtime/effects';
import type { Runtime } from '../runtime/runtime';
import { NO_ORDER_TEXT, orderStatusText } from './commerce-messages';
import { orderRequestParamsSchema } from './effect-params';
import { findOrder, latestOrderOf } from './orders.pg';
import { latestPaymentOf } from './payments.pg';

/** `reportOrderStatus` (the AI's order-status action): the customer is told where it stands. */
export function createOrderStatusHandler(deps: {
  database: Database;
  runtime: Runtime;
}): EffectHandler {
  return async (job) => {
    const { orderId } = orderRequestParamsSchema.parse(job.params);
    const { businessId, conversationId } = job;
    await deps.database.transaction(async (tx) => {
      const order = orderId
        ? await findOrder(tx.db, businessId, orderId)
        : await latestOrderOf(tx.db, businessId, conversationId);
      const payment = order ? await latestPaymentOf(tx.db, businessId, order.id) : undefined;
      await deps.runtime.outbound.queue(tx, {
        businessId,
        conversationId,
        author: 'bot',
        key: job.effectId,
        text: order
          ? orderStatusText({
              ...order,
              checkoutUrl: payment?.status === 'pending' ? payment.checkoutUrl : null,
            })
          : NO_ORDER_TEXT,
      });
    });
  };
}
