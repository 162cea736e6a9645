import flutterwaveFixture from './fixtures/flutterwave/charge.completed.json';
import paystackFixture from './fixtures/paystack/charge.success.json';
import stripeFixture from './fixtures/stripe/checkout.session.completed.json';
import { randomAlphanumeric, randomNumericId, unixSeconds } from './ids';

export interface StripeEventOptions {
  /** The Checkout Session as the event carries it (`data.object`). */
  readonly session: Record<string, unknown>;
  readonly type?: string;
  readonly apiVersion?: string;
}

/** A Stripe event envelope around a Checkout Session, with a fresh `evt_` id. */
export function stripeEvent(options: StripeEventOptions) {
  const base = structuredClone(stripeFixture);
  return {
    ...base,
    id: `evt_${randomAlphanumeric(24)}`,
    api_version: options.apiVersion ?? base.api_version,
    created: unixSeconds(),
    type: options.type ?? 'checkout.session.completed',
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: options.session },
  };
}

export interface StripeCheckoutCompletedOptions {
  readonly clientReferenceId: string;
  readonly amountTotal?: number;
  readonly currency?: string;
  readonly metadata?: Record<string, string>;
  readonly sessionId?: string;
  readonly paymentStatus?: 'paid' | 'unpaid' | 'no_payment_required';
}

/** `checkout.session.completed` from the fixture, for a session the fake never saw. */
export function stripeCheckoutCompleted(options: StripeCheckoutCompletedOptions) {
  const session = structuredClone(stripeFixture.data.object);
  return stripeEvent({
    session: {
      ...session,
      id: options.sessionId ?? `cs_test_a1${randomAlphanumeric(56)}`,
      client_reference_id: options.clientReferenceId,
      payment_status: options.paymentStatus ?? 'paid',
      payment_intent: `pi_${randomAlphanumeric(24)}`,
      amount_total: options.amountTotal ?? session.amount_total,
      currency: options.currency ?? session.currency,
      metadata: options.metadata ?? { orderId: options.clientReferenceId },
    },
  });
}

export interface PaystackChargeOptions {
  readonly reference: string;
  /** Minor units (kobo). */
  readonly amount: number;
  readonly currency?: string;
  readonly email?: string;
  readonly id?: number;
  readonly metadata?: unknown;
  readonly paidAt?: string;
}

/** `charge.success` (there is no event id: dedupe on `data.reference` / `data.id`). */
export function paystackChargeSuccess(options: PaystackChargeOptions) {
  const base = structuredClone(paystackFixture);
  const paidAt = options.paidAt ?? new Date().toISOString();
  return {
    event: 'charge.success',
    data: {
      ...base.data,
      id: options.id ?? randomNumericId(10),
      reference: options.reference,
      amount: options.amount,
      currency: options.currency ?? base.data.currency,
      paid_at: paidAt,
      paidAt,
      created_at: paidAt,
      metadata: options.metadata ?? '',
      requested_amount: options.amount,
      customer: { ...base.data.customer, email: options.email ?? base.data.customer.email },
    },
  };
}

export interface FlutterwaveChargeOptions {
  readonly txRef: string;
  /** Major units (e.g. 15000 NGN), unlike Paystack. */
  readonly amount: number;
  readonly currency?: string;
  readonly status?: 'successful' | 'failed' | 'pending';
  readonly id?: number;
  readonly email?: string;
  readonly name?: string;
}

/** The documented v3 `charge.completed` envelope (fires for failures too: read `data.status`). */
export function flutterwaveChargeCompleted(options: FlutterwaveChargeOptions) {
  const base = structuredClone(flutterwaveFixture);
  return {
    ...base,
    data: {
      ...base.data,
      id: options.id ?? randomNumericId(9),
      tx_ref: options.txRef,
      flw_ref: `FLW-MOCK-${randomAlphanumeric(32).toLowerCase()}`,
      amount: options.amount,
      charged_amount: options.amount,
      currency: options.currency ?? base.data.currency,
      status: options.status ?? 'successful',
      created_at: new Date().toISOString(),
      customer: {
        ...base.data.customer,
        email: options.email ?? base.data.customer.email,
        name: options.name ?? base.data.customer.name,
      },
    },
  };
}

/** The flat, camelCase legacy shape some real deliveries still use (wire-specs §6). */
export function flutterwaveLegacyCharge(options: FlutterwaveChargeOptions) {
  const { data } = flutterwaveChargeCompleted(options);
  return {
    id: data.id,
    txRef: data.tx_ref,
    flwRef: data.flw_ref,
    orderRef: `URF_${randomAlphanumeric(16)}`,
    amount: data.amount,
    charged_amount: data.charged_amount,
    status: data.status,
    currency: data.currency,
    createdAt: data.created_at,
    customer: {
      id: data.customer.id,
      fullName: data.customer.name,
      email: data.customer.email,
      phone: null,
    },
    entity: { card6: '553188', card_last4: '2950' },
    'event.type': 'CARD_TRANSACTION',
  };
}
