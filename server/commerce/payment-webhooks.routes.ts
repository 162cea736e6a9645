import { webhookContracts } from '../../shared/api/webhooks.contract';
import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { PaymentProvider } from '../../shared/domain';
import { AppError } from '../errors';
import { findUnsafeText } from '../http/unsafe-text';
import { defineRoute, json, type RequestContext, type Route } from '../http/route';
import type { Metrics } from '../metrics';
import { isUuid } from '../persistence/tenant';
import type { PaymentIntake } from './payment-intake';
import type { ProviderRegistry } from './provider-registry';
import { ProviderError } from './providers/provider';
import { flutterwaveNotice, verifyFlutterwaveSignature } from './webhooks/flutterwave-webhook';
import type { PaymentNotice } from './webhooks/payment-notice';
import { paystackNotice, verifyPaystackSignature } from './webhooks/paystack-webhook';
import { stripeNotice, verifyStripeEvent } from './webhooks/stripe-webhook';

export interface PaymentWebhookDeps {
  registry: ProviderRegistry;
  intake: PaymentIntake;
  metrics: Metrics;
  log: Logger;
}

type Ctx = RequestContext<{ businessId: string }, Buffer, unknown, undefined>;

const badSignature = () =>
  new AppError('unauthorized', { message: 'The signature does not match.' });

function parseJson(raw: Buffer): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('bad_request', { message: 'The body is not valid JSON.' });
  }
  // No provider sends these; a signed body holding one is refused rather than failing a query.
  if (findUnsafeText(value)) {
    throw new AppError('bad_request', { message: 'The body holds text that cannot be stored.' });
  }
  return value;
}

/**
 * Checks the delivery with the business's own secret, on the raw bytes, before anything is
 * parsed; returns the notice, or throws `unauthorized`. An unknown business, or one without
 * this provider, cannot be verified and gets the same 401 as a bad signature (nothing is stored
 * and nothing tells a prober which business ids exist).
 */
async function verifiedNotice(
  deps: PaymentWebhookDeps,
  provider: PaymentProvider,
  ctx: Ctx,
): Promise<PaymentNotice> {
  const { businessId } = ctx.params;
  if (!isUuid(businessId)) throw badSignature();
  const secrets = await deps.registry
    .secrets(businessId.toLowerCase(), provider)
    .catch((err: unknown) => {
      ctx.log.error(
        { event: 'payment.webhook_secret_unreadable', provider, err },
        'cannot open secret',
      );
      return null;
    });
  const header = (name: string) => ctx.headers.get(name);
  switch (provider) {
    case 'stripe': {
      const event = secrets?.webhookSecret
        ? verifyStripeEvent(ctx.body, header('stripe-signature'), secrets.webhookSecret)
        : null;
      if (!event) throw badSignature();
      if (findUnsafeText(event)) {
        throw new AppError('bad_request', {
          message: 'The body holds text that cannot be stored.',
        });
      }
      return stripeNotice(event);
    }
    case 'paystack': {
      if (
        !secrets ||
        !verifyPaystackSignature(ctx.body, header('x-paystack-signature'), secrets.secretKey)
      )
        throw badSignature();
      return paystackNotice(parseJson(ctx.body));
    }
    case 'flutterwave': {
      const ok =
        !!secrets?.webhookSecret &&
        verifyFlutterwaveSignature(
          ctx.body,
          { verifHash: header('verif-hash'), signature: header('flutterwave-signature') },
          secrets.webhookSecret,
        );
      if (!ok) throw badSignature();
      return flutterwaveNotice(parseJson(ctx.body));
    }
  }
}

/**
 * `POST /api/webhooks/{stripe,paystack,flutterwave}/:businessId` (docs/api.md, "Webhooks"). 401 and
 * nothing stored for a bad signature; 200 only after the payment's event is committed to the
 * inbox (or there was nothing to store: a duplicate, an event Parley does not act on, a report
 * that does not match its order, each logged with why). 503 when the provider cannot be asked
 * to confirm: the provider retries, and reconciliation is behind that.
 */
export function paymentWebhookRoutes(deps: PaymentWebhookDeps): Route[] {
  const received = new Counter({
    name: 'parley_payment_webhooks_total',
    help: 'Signed payment webhooks by provider and what became of them',
    labelNames: ['provider', 'outcome'] as const,
    registers: [deps.metrics.registry],
  });

  const route = (provider: PaymentProvider) =>
    defineRoute(webhookContracts[provider], async (ctx) => {
      let notice: PaymentNotice;
      try {
        notice = await verifiedNotice(deps, provider, ctx);
      } catch (err) {
        if (err instanceof AppError && err.code === 'unauthorized') {
          received.inc({ provider, outcome: 'bad_signature' });
          ctx.log.warn(
            {
              event: 'payment.webhook_bad_signature',
              provider,
              businessId: ctx.params.businessId,
            },
            'payment webhook refused: signature does not verify with this business’s secret',
          );
        }
        throw err;
      }
      if (notice.kind === 'ignored') {
        received.inc({ provider, outcome: 'ignored' });
        ctx.log.info(
          { event: 'payment.webhook_ignored', provider, reason: notice.reason },
          'not acted on',
        );
        return json({ received: true });
      }
      try {
        const outcome = await deps.intake.fromNotice(ctx.params.businessId.toLowerCase(), notice);
        received.inc({ provider, outcome });
        return json({ received: true });
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        if (err.retryable) {
          received.inc({ provider, outcome: 'verify_unavailable' });
          throw new AppError('unavailable', {
            message: 'The payment could not be confirmed right now.',
            cause: err,
            headers: { 'retry-after': '60' },
          });
        }
        // The business's key is refused: a redelivery cannot help, reconciliation will once
        // the key is fixed.
        received.inc({ provider, outcome: 'verify_refused' });
        ctx.log.error(
          { event: 'payment.verify_refused', provider, code: err.code },
          'the provider refused to confirm a payment with this business’s key',
        );
        return json({ received: true });
      }
    });

  return [route('stripe'), route('paystack'), route('flutterwave')];
}
