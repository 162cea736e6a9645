import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { orders, products } from '../persistence/schema';
import type { Database } from '../persistence/db';
import type { EffectHandler } from '../runtime/effects';
import type { Runtime } from '../runtime/runtime';
import { renderTemplate } from '../runtime/templates';
import { fulfilParamsSchema } from './effect-params';
import { formatMoney } from '../../shared/money';
import type { Notifications } from './notifications';
import { orderCode } from './orders.pg';

/**
 * `fulfilOrder`: the machine matched a verified payment to its checkout. In one transaction the
 * order goes to `paid` (only from a state that is not `paid`, which is what makes the stock
 * decrement happen once however often the job runs), the tracked stock of each line goes down,
 * and the receipt is queued (unless the contact opted out). The owner hears of it after commit.
 */
export function createFulfilHandler(deps: {
  database: Database;
  runtime: Runtime;
  notifications: Notifications;
  log: Logger;
}): EffectHandler {
  return async (job) => {
    const p = fulfilParamsSchema.parse(job.params);
    const { businessId, conversationId } = job;
    const paid = await deps.database.transaction(async (tx) => {
      const [order] = await tx.db
        .update(orders)
        .set({ status: 'paid', paidAt: new Date(), updatedAt: new Date() })
        .where(
          and(
            eq(orders.id, p.orderId),
            eq(orders.businessId, businessId),
            inArray(orders.status, ['pending', 'expired', 'failed']),
            eq(orders.totalMinor, p.amountMinor),
            eq(orders.currency, p.currency.toUpperCase()),
          ),
        )
        .returning();
      if (!order) return null;
      for (const item of order.items) {
        const [after] = await tx.db
          .update(products)
          .set({ stock: sql`${products.stock} - ${item.quantity}`, updatedAt: new Date() })
          .where(
            and(
              eq(products.id, item.productId),
              eq(products.businessId, businessId),
              isNotNull(products.stock),
            ),
          )
          .returning({ stock: products.stock });
        if (after?.stock != null && after.stock < 0) {
          deps.log.warn(
            { event: 'commerce.oversold', orderId: order.id, sku: item.sku, stock: after.stock },
            'paid for more than was in stock',
          );
        }
      }
      if (!p.silent) {
        await deps.runtime.outbound.queue(tx, {
          businessId,
          conversationId,
          author: 'bot',
          key: `receipt:${order.id}`,
          text: renderTemplate('payment_receipt', {
            amount: formatMoney(order.totalMinor, order.currency),
            order: orderCode(order.id),
          }),
        });
      }
      return order;
    });
    if (!paid) {
      deps.log.info(
        { event: 'commerce.fulfil_skipped', orderId: p.orderId, businessId },
        'order already paid, or not the order that was paid for; nothing changed',
      );
      return;
    }
    await deps.notifications.notify({
      kind: 'order_paid',
      businessId,
      orderId: paid.id,
      conversationId,
      provider: p.provider,
      reference: p.reference,
      amountMinor: paid.totalMinor,
      currency: paid.currency,
    });
  };
}
