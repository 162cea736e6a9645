import Stripe from 'stripe';
import { z } from 'zod';
import { fromStripeAmount } from '../providers/stripe-amounts';
import type { PaymentNotice } from './payment-notice';

/** The part of a Checkout Session Parley reads (docs/wire-specs.md §4.2). */
const sessionSchema = z.object({
  id: z.string(),
  object: z.literal('checkout.session'),
  client_reference_id: z.string().nullish(),
  payment_status: z.string(),
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
});

const OUTCOMES: Record<string, 'succeeded' | 'failed'> = {
  'checkout.session.completed': 'succeeded',
  'checkout.session.async_payment_succeeded': 'succeeded',
  'checkout.session.async_payment_failed': 'failed',
};

/**
 * `Stripe-Signature` checked by stripe-node's `constructEvent` on the raw bytes with the
 * business's endpoint secret (docs/wire-specs.md §4.1: HMAC-SHA256 of `t.body`, any `v1`, 300 s
 * tolerance). Returns null when the signature does not hold; throws nothing for a bad body.
 */
export function verifyStripeEvent(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
): Stripe.Event | null {
  if (!header) return null;
  try {
    return Stripe.webhooks.constructEvent(rawBody, header, secret);
  } catch {
    return null;
  }
}

/** A verified event as a notice; a completed session that is not paid yet is no success. */
export function stripeNotice(event: Stripe.Event): PaymentNotice {
  const outcome = OUTCOMES[event.type];
  if (!outcome) return { kind: 'ignored', provider: 'stripe', reason: `event ${event.type}` };
  const session = sessionSchema.safeParse(event.data.object);
  if (!session.success || !session.data.client_reference_id) {
    return { kind: 'ignored', provider: 'stripe', reason: 'session without a Parley reference' };
  }
  const s = session.data;
  // `completed` with `unpaid` is a delayed method still settling; its async_* event decides.
  if (outcome === 'succeeded' && s.payment_status !== 'paid') {
    return { kind: 'ignored', provider: 'stripe', reason: `payment_status ${s.payment_status}` };
  }
  return {
    kind: outcome,
    provider: 'stripe',
    eventId: event.id,
    reference: s.client_reference_id as string,
    amountMinor:
      s.amount_total == null || !s.currency ? null : fromStripeAmount(s.amount_total, s.currency),
    currency: s.currency ? s.currency.toUpperCase() : null,
    providerPaymentId: s.id,
    reason: outcome === 'failed' ? 'async payment failed' : null,
  };
}
