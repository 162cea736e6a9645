import type { PaymentProvider } from '../../../shared/domain';

/**
 * A provider's webhook, once its signature held and its body parsed: what it claims happened to
 * which of Parley's references. A claim only: Paystack and Flutterwave claims are re-verified
 * with the provider, and every amount is checked against the order before anything changes.
 */
export type PaymentNotice =
  | {
      kind: 'succeeded' | 'failed';
      provider: PaymentProvider;
      /** The provider's event id (Stripe `evt_…`); null where the provider has none. */
      eventId: string | null;
      reference: string;
      amountMinor: number | null;
      currency: string | null;
      providerPaymentId: string | null;
      reason: string | null;
    }
  /** Signed and well-formed, but not about a payment outcome Parley acts on. */
  | { kind: 'ignored'; provider: PaymentProvider; reason: string };

/** The inbox key of a notice: the provider's event id, else `reference:outcome`. */
export function noticeKey(n: { eventId: string | null; reference: string; kind: string }): string {
  return n.eventId ?? `${n.reference}:${n.kind}`;
}
