import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PaymentNotice } from './payment-notice';

/**
 * `x-paystack-signature`: lowercase hex HMAC-SHA512 of the raw body keyed by the business's
 * secret key (docs/wire-specs.md §5), compared in constant time (Paystack's own sample uses `==`).
 */
export function verifyPaystackSignature(
  rawBody: Buffer,
  header: string | undefined,
  secretKey: string,
): boolean {
  if (!header || !/^[0-9a-f]{128}$/i.test(header)) return false;
  const given = Buffer.from(header, 'hex');
  const expected = createHmac('sha512', secretKey).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const chargeSchema = z.object({
  event: z.string(),
  data: z.object({
    id: z.number().nullish(),
    status: z.string(),
    reference: z.string().min(1),
    amount: z.number().int(),
    currency: z.string(),
    gateway_response: z.string().nullish(),
  }),
});

/** `charge.success` (no event id: the inbox key is `reference:succeeded`); others are ignored. */
export function paystackNotice(body: unknown): PaymentNotice {
  const parsed = chargeSchema.safeParse(body);
  if (!parsed.success)
    return { kind: 'ignored', provider: 'paystack', reason: 'not a charge event' };
  const { event, data } = parsed.data;
  if (event !== 'charge.success' && event !== 'charge.failed') {
    return { kind: 'ignored', provider: 'paystack', reason: `event ${event}` };
  }
  const kind = event === 'charge.success' && data.status === 'success' ? 'succeeded' : 'failed';
  return {
    kind,
    provider: 'paystack',
    eventId: null,
    reference: data.reference,
    amountMinor: data.amount,
    currency: data.currency.toUpperCase(),
    providerPaymentId: data.id == null ? null : String(data.id),
    reason: kind === 'failed' ? (data.gateway_response ?? data.status).slice(0, 200) : null,
  };
}
