import { z } from 'zod';
import { PAYMENT_PROVIDERS } from '../../shared/domain';

/**
 * Effect params come back out of pg-boss's JSON column: parsed once at that boundary
 * (docs/style.md rule 4), so a job from an older or broken writer fails loudly, not halfway.
 */
export const fulfilParamsSchema = z.object({
  orderId: z.string(),
  reference: z.string(),
  provider: z.enum(PAYMENT_PROVIDERS),
  amountMinor: z.number().int(),
  currency: z.string(),
  silent: z.boolean(),
});

/** `expireCheckout` and `cancelCheckout`: the pending order whose link is voided. */
export const pendingOrderParamsSchema = z.object({ orderId: z.string() });

export const orderRequestParamsSchema = z.object({
  requestId: z.string(),
  orderId: z.string().nullable(),
});
