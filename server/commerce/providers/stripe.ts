import Stripe from 'stripe';
import {
  ProviderError,
  type PaymentProviderClient,
  type ProviderCredentials,
  type ProviderEndpoints,
  type Verification,
} from './provider';
import { fromStripeAmount, toStripeAmount } from './stripe-amounts';

/** Stripe wants `expires_at` between 30 minutes and 24 hours from now. */
const MIN_EXPIRY_S = 31 * 60;
const MAX_EXPIRY_S = 24 * 60 * 60 - 60;

/**
 * `STRIPE_API_URL` as stripe-node's `host`/`port`/`protocol` (docs/wire-specs.md §4.4): a bare
 * hostname, and a non-default host overrides every Stripe base address.
 */
export function stripeClientOptions(apiUrl: string | undefined): Stripe.StripeConfig {
  const common: Stripe.StripeConfig = { maxNetworkRetries: 1, telemetry: false, timeout: 20_000 };
  if (!apiUrl) return common;
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    ...common,
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
  };
}

function toProviderError(err: unknown): ProviderError {
  if (err instanceof Stripe.errors.StripeAuthenticationError) {
    return new ProviderError('stripe', 'unauthorized', 'the secret key was refused');
  }
  if (
    err instanceof Stripe.errors.StripeInvalidRequestError ||
    err instanceof Stripe.errors.StripeIdempotencyError ||
    err instanceof Stripe.errors.StripeCardError
  ) {
    return new ProviderError(
      'stripe',
      'invalid_request',
      `request refused (${err.code ?? err.type})`,
    );
  }
  // Connection errors, 5xx, 429: worth another try later.
  const name = err instanceof Error ? err.name : 'error';
  return new ProviderError('stripe', 'unavailable', `request failed (${name})`);
}

/**
 * Stripe through its SDK: a Checkout Session per payment, created with Parley's reference as
 * `client_reference_id` and an idempotency key, so a retried job gets the same session back.
 */
export function createStripeClient(
  credentials: ProviderCredentials,
  endpoints: ProviderEndpoints,
): PaymentProviderClient {
  const stripe = new Stripe(credentials.secretKey, {
    ...stripeClientOptions(endpoints.stripeApiUrl),
    ...(endpoints.timeoutMs ? { timeout: endpoints.timeoutMs } : {}),
  });

  return {
    name: 'stripe',
    async createLink(request) {
      const now = Math.floor(Date.now() / 1000);
      const wanted = Math.floor(request.expiresAt.getTime() / 1000);
      const expiresAt = Math.min(now + MAX_EXPIRY_S, Math.max(now + MIN_EXPIRY_S, wanted));
      const lineItems = request.items.map((item) => ({
        item,
        unitAmount: toStripeAmount(item.unitPriceMinor, request.currency),
      }));
      if (lineItems.some((l) => l.unitAmount === null)) {
        throw new ProviderError(
          'stripe',
          'invalid_request',
          `${request.currency} amount not whole`,
        );
      }
      try {
        const session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            client_reference_id: request.reference,
            success_url: request.returnUrl,
            cancel_url: request.returnUrl,
            expires_at: expiresAt,
            metadata: { ...request.metadata, reference: request.reference },
            line_items: lineItems.map(({ item, unitAmount }) => ({
              quantity: item.quantity,
              price_data: {
                currency: request.currency.toLowerCase(),
                unit_amount: unitAmount as number,
                product_data: { name: item.name.slice(0, 200) || item.sku },
              },
            })),
          },
          { idempotencyKey: request.idempotencyKey },
        );
        if (!session.url)
          throw new ProviderError('stripe', 'invalid_request', 'session without url');
        return { url: session.url, providerPaymentId: session.id };
      } catch (err) {
        throw err instanceof ProviderError ? err : toProviderError(err);
      }
    },
    async verify(payment): Promise<Verification> {
      // Without the session id the link never reached anyone: nothing can have been paid.
      if (!payment.providerPaymentId) return { status: 'pending' };
      let session: Stripe.Checkout.Session;
      try {
        session = await stripe.checkout.sessions.retrieve(payment.providerPaymentId);
      } catch (err) {
        if (err instanceof Stripe.errors.StripeInvalidRequestError) return { status: 'pending' };
        throw toProviderError(err);
      }
      if (session.client_reference_id !== payment.reference) return { status: 'pending' };
      if (session.payment_status === 'paid') {
        const currency = (session.currency ?? '').toUpperCase();
        return {
          status: 'succeeded',
          reference: payment.reference,
          amountMinor:
            session.amount_total == null ? -1 : fromStripeAmount(session.amount_total, currency),
          currency,
          providerPaymentId: session.id,
        };
      }
      if (session.status === 'expired') {
        return {
          status: 'failed',
          reference: payment.reference,
          reason: 'expired',
          providerPaymentId: session.id,
        };
      }
      return { status: 'pending' };
    },
    async expire(payment) {
      if (!payment.providerPaymentId) return;
      try {
        await stripe.checkout.sessions.expire(payment.providerPaymentId);
      } catch (err) {
        // Already complete or expired: the state we wanted, or a payment reconciliation handles.
        if (err instanceof Stripe.errors.StripeInvalidRequestError) return;
        throw toProviderError(err);
      }
    },
  };
}
