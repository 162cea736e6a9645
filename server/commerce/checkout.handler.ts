import { z } from 'zod';
import { checkoutItemSchema } from '../../shared/conversation.events';
import type { Database } from '../persistence/db';
import type { EffectHandler } from '../runtime/effects';
import { runCheckout, type CheckoutDeps } from './checkout';

const paramsSchema = z.object({ requestId: z.string(), items: z.array(checkoutItemSchema).min(1) });

/**
 * `createCheckout` (the AI's `[[CHECKOUT …]]`): the order and its link, keyed by the effect id,
 * answered to the conversation as `checkout.created` (it enters `checkout` and sends the link)
 * or `checkout.failed` (it hands off to a human). The runtime keys the answer by the effect id
 * too, so a retried job cannot deliver it twice.
 */
export function createCheckoutHandler(deps: CheckoutDeps & { database: Database }): EffectHandler {
  return async (job) => {
    const { items } = paramsSchema.parse(job.params);
    const result = await runCheckout(
      deps,
      (work) => deps.database.transaction((tx) => work(tx.db)),
      {
        businessId: job.businessId,
        conversationId: job.conversationId,
        items,
        idempotencyKey: `checkout:${job.effectId}`,
        attributedTo: 'bot',
      },
    );
    // An agent's checkout got there first; the conversation is told of that one, not this.
    if (!result.ok && result.reason === 'checkout_in_progress') {
      deps.log.info(
        { event: 'checkout.superseded', conversationId: job.conversationId },
        'another checkout is open in this conversation; the bot does not start a second',
      );
      return;
    }
    if (!result.ok) {
      deps.log.warn(
        { event: 'checkout.failed', conversationId: job.conversationId, reason: result.reason },
        'checkout failed; the conversation goes to a human',
      );
      return { source: 'system', event: { type: 'checkout.failed', reason: result.reason } };
    }
    const { ok: _ok, ...created } = result;
    return { source: 'system', event: { type: 'checkout.created', ...created } };
  };
}
