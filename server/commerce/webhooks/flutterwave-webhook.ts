import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { fromMajor } from '../money';
import type { PaymentNotice } from './payment-notice';

const safeEqual = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * Flutterwave v3 (docs/wire-specs.md §6): `verif-hash` is the dashboard secret hash verbatim,
 * compared in constant time. Failing that, the newer `flutterwave-signature` is accepted when it
 * is base64 HMAC-SHA256 of the raw body keyed by the same hash (the variant several
 * integrations use; Flutterwave documents no algorithm). Either way the payment is re-verified
 * with the API before it counts.
 */
export function verifyFlutterwaveSignature(
  rawBody: Buffer,
  headers: { verifHash: string | undefined; signature: string | undefined },
  secretHash: string,
): boolean {
  if (headers.verifHash !== undefined) {
    if (safeEqual(Buffer.from(headers.verifHash), Buffer.from(secretHash))) return true;
  }
  if (headers.signature !== undefined) {
    const expected = createHmac('sha256', secretHash).update(rawBody).digest();
    return safeEqual(Buffer.from(headers.signature, 'base64'), expected);
  }
  return false;
}

/** The documented envelope: `{event: "charge.completed", data: {tx_ref, …}}`, snake_case. */
const envelopeSchema = z.object({
  event: z.string(),
  data: z.object({
    id: z.number().nullish(),
    tx_ref: z.string().min(1),
    status: z.string(),
    amount: z.number(),
    currency: z.string(),
    processor_response: z.string().nullish(),
  }),
});

/** The flat legacy shape some deliveries still use: camelCase, no envelope. */
const flatSchema = z.object({
  id: z.number().nullish(),
  txRef: z.string().min(1),
  status: z.string(),
  amount: z.number(),
  currency: z.string(),
  'event.type': z.string().optional(),
});

interface Charge {
  id: number | null | undefined;
  reference: string;
  status: string;
  amount: number;
  currency: string;
  reason: string | null | undefined;
}

function chargeOf(body: unknown): Charge | string {
  const enveloped = envelopeSchema.safeParse(body);
  if (enveloped.success) {
    const { event, data } = enveloped.data;
    if (event !== 'charge.completed') return `event ${event}`;
    return {
      id: data.id,
      reference: data.tx_ref,
      status: data.status,
      amount: data.amount,
      currency: data.currency,
      reason: data.processor_response,
    };
  }
  const flat = flatSchema.safeParse(body);
  if (flat.success) {
    const f = flat.data;
    return {
      id: f.id,
      reference: f.txRef,
      status: f.status,
      amount: f.amount,
      currency: f.currency,
      reason: null,
    };
  }
  return 'not a charge event';
}

/**
 * `charge.completed` fires for failures too: `data.status` decides. No event id: the inbox key
 * is `tx_ref:outcome`. Amounts arrive in major units and leave here in minor ones.
 */
export function flutterwaveNotice(body: unknown): PaymentNotice {
  const charge = chargeOf(body);
  if (typeof charge === 'string')
    return { kind: 'ignored', provider: 'flutterwave', reason: charge };
  const status = charge.status.toLowerCase();
  if (status !== 'successful' && status !== 'failed') {
    return { kind: 'ignored', provider: 'flutterwave', reason: `status ${charge.status}` };
  }
  const currency = charge.currency.toUpperCase();
  return {
    kind: status === 'successful' ? 'succeeded' : 'failed',
    provider: 'flutterwave',
    eventId: null,
    reference: charge.reference,
    amountMinor: fromMajor(charge.amount, currency),
    currency,
    providerPaymentId: charge.id == null ? null : String(charge.id),
    reason: status === 'failed' ? (charge.reason ?? 'failed').slice(0, 200) : null,
  };
}
