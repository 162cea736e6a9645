import type { Logger } from 'pino';
import type { CommerceNotice } from '../../shared/commerce.schema';
import type { PaymentProvider } from '../../shared/domain';
import type { Database } from '../persistence/db';
import type { Runtime } from '../runtime/runtime';
import type { Notifications } from './notifications';
import type { OrderRow } from './orders.pg';
import { recordFailure, recordSuccess } from './payment-record.pg';
import { findPaymentByReference, notePaymentProblem, type PaymentRow } from './payments.pg';
import type { ProviderRegistry } from './provider-registry';
import type { Verification } from './providers/provider';
import { noticeKey, type PaymentNotice } from './webhooks/payment-notice';

export type IntakeOutcome =
  'applied' | 'duplicate' | 'unknown_reference' | 'mismatch' | 'unverified' | 'pending';

export interface PaymentIntakeDeps {
  database: Database;
  runtime: Runtime;
  registry: ProviderRegistry;
  notifications: Notifications;
  log: Logger;
}

export interface PaymentIntake {
  /** A signed webhook's claim: checked against the provider (Paystack, Flutterwave) and the order. */
  fromNotice(
    businessId: string,
    notice: Exclude<PaymentNotice, { kind: 'ignored' }>,
  ): Promise<IntakeOutcome>;
  /** Reconciliation: asks the provider about a payment nobody told us about. */
  reconcile(
    businessId: string,
    payment: { provider: PaymentProvider; reference: string },
  ): Promise<IntakeOutcome>;
}

export type Found = { payment: PaymentRow; order: OrderRow };

/** Why a verified payment does not pay the order, or null when it does. */
export function mismatchOf(
  found: Found,
  v: Extract<Verification, { status: 'succeeded' }>,
): string | null {
  const { order, payment } = found;
  if (v.reference !== payment.reference)
    return `reference ${v.reference} is not ${payment.reference}`;
  if (v.currency.toUpperCase() !== order.currency.toUpperCase())
    return `currency ${v.currency} is not the order's ${order.currency}`;
  if (v.amountMinor !== order.totalMinor)
    return `amount ${v.amountMinor} is not the order's ${order.totalMinor} (minor units)`;
  if (payment.amountMinor !== order.totalMinor) return 'the payment attempt was for another amount';
  return null;
}

/** A signed Stripe event, read as the answer Stripe would give if asked. */
function stripeVerification(notice: Exclude<PaymentNotice, { kind: 'ignored' }>): Verification {
  const { reference, providerPaymentId } = notice;
  return notice.kind === 'succeeded'
    ? {
        status: 'succeeded',
        reference,
        amountMinor: notice.amountMinor ?? -1,
        currency: notice.currency ?? '',
        providerPaymentId,
      }
    : { status: 'failed', reference, reason: notice.reason ?? 'failed', providerPaymentId };
}

/** What a signed claim must agree on with the provider's own answer. */
function claimMismatch(notice: PaymentNotice, v: Verification): string | null {
  if (notice.kind === 'ignored' || v.status !== 'succeeded' || notice.kind !== 'succeeded')
    return null;
  if (notice.amountMinor !== null && notice.amountMinor !== v.amountMinor)
    return `the webhook says ${notice.amountMinor}, the provider says ${v.amountMinor}`;
  if (notice.currency !== null && notice.currency.toUpperCase() !== v.currency.toUpperCase())
    return `the webhook says ${notice.currency}, the provider says ${v.currency}`;
  return null;
}

/**
 * Turns what a provider says about one of Parley's payments into at most one conversation event
 * (guarantee 1). Order of checks: the reference must be this business's; Paystack and
 * Flutterwave are asked directly (Stripe's signed event is its own proof); amount, currency and
 * reference must match the order; then the payment row's status changes once, in the same
 * transaction as the inbox event, so a redelivery, a late failure after a success or a webhook
 * racing reconciliation adds nothing. Every refusal is logged with its reason.
 */
export function createPaymentIntake(deps: PaymentIntakeDeps): PaymentIntake {
  const { log } = deps;

  async function apply(
    businessId: string,
    found: Found,
    v: Exclude<Verification, { status: 'pending' }>,
    eventId: string | null,
  ): Promise<IntakeOutcome> {
    const { order, payment } = found;
    const ctx = {
      businessId,
      orderId: order.id,
      provider: payment.provider,
      reference: payment.reference,
    };
    if (v.status === 'succeeded') {
      const mismatch = mismatchOf(found, v);
      if (mismatch) return refuse(found, ctx, mismatch, 'payment_mismatch');
    }
    const key = noticeKey({ eventId, reference: payment.reference, kind: v.status });
    const { inbox } = deps.runtime;
    const result = await deps.database.transaction(async (tx) =>
      v.status === 'succeeded'
        ? recordSuccess(tx, inbox, found, v, key)
        : { kind: await recordFailure(tx, inbox, found, v, key) },
    );
    if (result.kind === 'duplicate') {
      log.info(
        { event: 'payment.duplicate', ...ctx, status: v.status },
        'already applied; nothing changed',
      );
      return 'duplicate';
    }
    log.info(
      { event: `payment.${v.status}`, ...ctx, late: result.kind === 'late' },
      'payment applied',
    );
    if (result.kind === 'unmatched') {
      // Money no checkout can take: the order was paid already (a second payment), cancelled
      // (another checkout was open), or its contact was erased. Recorded on the payment; a
      // person decides about a refund.
      await deps.notifications.notify({ kind: 'payment_unmatched', ...ctx, reason: result.reason });
    }
    return 'applied';
  }

  async function refuse(
    found: Found,
    ctx: {
      businessId: string;
      orderId: string;
      provider: Found['payment']['provider'];
      reference: string;
    },
    reason: string,
    kind: Extract<CommerceNotice['kind'], 'payment_mismatch'>,
  ): Promise<IntakeOutcome> {
    log.warn(
      { event: 'payment.mismatch', ...ctx, reason },
      'payment does not match its order; not applied',
    );
    await deps.database.transaction((tx) => notePaymentProblem(tx.db, found.payment.id, reason));
    await deps.notifications.notify({ kind, ...ctx, reason });
    return 'mismatch';
  }

  async function verify(businessId: string, found: Found, providerPaymentId: string | null) {
    const client = await deps.registry.client(businessId, found.payment.provider);
    if (!client) return null;
    return client.verify({
      reference: found.payment.reference,
      providerPaymentId: providerPaymentId ?? found.payment.providerPaymentId,
    });
  }

  return {
    async fromNotice(businessId, notice) {
      const found = await findPaymentByReference(
        deps.database.db,
        businessId,
        notice.provider,
        notice.reference,
      );
      const ctx = {
        businessId,
        provider: notice.provider,
        reference: notice.reference,
        claim: notice.kind,
      };
      if (!found) {
        log.warn(
          { event: 'payment.unknown_reference', ...ctx },
          'no such payment for this business; ignored',
        );
        return 'unknown_reference';
      }
      if (
        notice.provider === 'stripe' &&
        found.payment.providerPaymentId &&
        notice.providerPaymentId !== found.payment.providerPaymentId
      ) {
        const reason = 'another Checkout Session carries this reference';
        return refuse(found, { ...ctx, orderId: found.order.id }, reason, 'payment_mismatch');
      }
      // Stripe's signed event is its own proof; the others are asked directly.
      const verified =
        notice.provider === 'stripe'
          ? stripeVerification(notice)
          : await verify(businessId, found, notice.providerPaymentId);
      if (!verified || verified.status === 'pending') {
        log.warn(
          { event: 'payment.unverified', ...ctx, orderId: found.order.id },
          'the provider does not confirm this payment (yet); reconciliation will ask again',
        );
        return 'unverified';
      }
      const disagreement = claimMismatch(notice, verified);
      if (disagreement)
        return refuse(found, { ...ctx, orderId: found.order.id }, disagreement, 'payment_mismatch');
      return apply(businessId, found, verified, notice.eventId);
    },

    async reconcile(businessId, payment) {
      const found = await findPaymentByReference(
        deps.database.db,
        businessId,
        payment.provider,
        payment.reference,
      );
      if (!found) return 'unknown_reference';
      const verified = await verify(businessId, found, null);
      if (!verified || verified.status === 'pending') return 'pending';
      return apply(businessId, found, verified, null);
    },
  };
}
