import type { PaymentProvider as ProviderName } from '../../../shared/domain';
import type { OrderItem } from '../../persistence/schema';

/** One payment link to create: the order's money, Parley's reference, the customer. */
export interface LinkRequest {
  /** Parley's reference for this attempt: `[A-Za-z0-9-]`, accepted by all three providers. */
  reference: string;
  amountMinor: number;
  currency: string;
  items: readonly OrderItem[];
  customerEmail: string;
  customerName: string | null;
  description: string;
  /** Where the provider sends the customer after paying (never proof of payment). */
  returnUrl: string;
  /** The link should stop working around when the conversation's checkout expires. */
  expiresAt: Date;
  /** Derived from the triggering event; Stripe replays the first answer for it. */
  idempotencyKey: string;
  metadata: { orderId: string; businessId: string };
}

export interface PaymentLink {
  url: string;
  /** The provider's id of what was created, when it gives one (Stripe's `cs_…`). */
  providerPaymentId: string | null;
}

/** What the provider says about a payment when asked directly (the only proof Parley accepts). */
export type Verification =
  | {
      status: 'succeeded';
      reference: string;
      amountMinor: number;
      currency: string;
      providerPaymentId: string | null;
    }
  | { status: 'failed'; reference: string; reason: string; providerPaymentId: string | null }
  /** Not paid (yet), or the provider has no such payment. */
  | { status: 'pending' };

export interface PaymentRef {
  reference: string;
  providerPaymentId: string | null;
}

/** Stripe, Paystack and Flutterwave behind one shape; one instance per business secret key. */
export interface PaymentProviderClient {
  readonly name: ProviderName;
  createLink(request: LinkRequest): Promise<PaymentLink>;
  verify(payment: PaymentRef): Promise<Verification>;
  /** Stops a link from taking money (best effort; only Stripe can). */
  expire(payment: PaymentRef): Promise<void>;
}

/**
 * A provider call that failed. `retryable` (network, timeout, 429, 5xx): the job is retried
 * with backoff. Otherwise the request itself was refused (bad key, invalid amount): retrying
 * cannot help, and the checkout fails with `code` as the reason.
 */
export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly code: 'unavailable' | 'unauthorized' | 'invalid_request' | 'duplicate_reference',
    message: string,
    readonly retryable = code === 'unavailable',
  ) {
    super(`${provider}: ${message}`);
    this.name = 'ProviderError';
  }
}

/** The per-business settings a client is built from (decrypted just before use). */
export interface ProviderCredentials {
  secretKey: string;
}

export interface ProviderEndpoints {
  stripeApiUrl: string | undefined;
  paystackApiUrl: string;
  flutterwaveApiUrl: string;
  /** Per call; providers are slow sometimes, never this slow. */
  timeoutMs?: number;
}
