import type { Logger } from 'pino';
import type { Database } from '../persistence/db';
import type { EffectHandler } from '../runtime/effects';
import type { Runtime } from '../runtime/runtime';
import { renderTemplate } from '../runtime/templates';
import { NO_ORDER_TEXT } from './commerce-messages';
import { orderRequestParamsSchema } from './effect-params';
import type { InvoiceLinks } from './invoice-links';
import { issueInvoice } from './invoices.pg';
import { findOrder, latestOrderOf } from './orders.pg';

/**
 * `issueInvoice` (the AI's `[[INVOICE]]`): the conversation's order (the one the machine names,
 * else its latest) gets its invoice, and the customer its link, in one transaction keyed by the
 * effect. The machine hears `invoice.issued` for the conversation's history.
 */
export function createInvoiceHandler(deps: {
  database: Database;
  runtime: Runtime;
  links: InvoiceLinks;
  log: Logger;
}): EffectHandler {
  return async (job) => {
    const { orderId } = orderRequestParamsSchema.parse(job.params);
    const { businessId, conversationId } = job;
    const issued = await deps.database.transaction(async (tx) => {
      const order = orderId
        ? await findOrder(tx.db, businessId, orderId)
        : await latestOrderOf(tx.db, businessId, conversationId);
      const result = order ? await issueInvoice(tx.db, businessId, order.id) : null;
      const url = result ? deps.links.urlFor(result.invoice.id) : null;
      await deps.runtime.outbound.queue(tx, {
        businessId,
        conversationId,
        author: 'bot',
        key: job.effectId,
        text:
          result && url
            ? renderTemplate('invoice_link', { number: result.invoice.numberText, url })
            : NO_ORDER_TEXT,
      });
      return result && url ? { invoice: result.invoice, url } : null;
    });
    if (!issued) return;
    deps.log.info(
      { event: 'commerce.invoice_sent', invoiceId: issued.invoice.id, businessId },
      'invoice link sent',
    );
    return {
      source: 'system',
      event: {
        type: 'invoice.issued',
        invoiceId: issued.invoice.id,
        number: issued.invoice.numberText,
        url: issued.url,
      },
    };
  };
}
