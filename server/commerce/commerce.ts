import type { Logger } from 'pino';
import type { Config } from '../config';
import type { SecretBox } from '../crypto/secret-box';
import type { EmailOutbox } from '../email/email-outbox';
import type { Route } from '../http/route';
import type { Metrics } from '../metrics';
import type { Database } from '../persistence/db';
import { EFFECT_QUEUES } from '../runtime/effects';
import type { Runtime } from '../runtime/runtime';
import { createCheckoutHandler } from './checkout.handler';
import type { CheckoutDeps } from './checkout';
import { createCancelHandler } from './cancel.handler';
import { createExpireHandler } from './expire.handler';
import { createFulfilHandler } from './fulfil.handler';
import { createInvoiceLinks } from './invoice-links';
import { createInvoiceHandler } from './invoice.handler';
import { invoiceRoutes } from './invoices.routes';
import { createNotifications, type Notifications } from './notifications';
import { createOrderStatusHandler } from './order-status.handler';
import { orderRoutes } from './orders.routes';
import { createPaymentIntake, type PaymentIntake } from './payment-intake';
import { paymentWebhookRoutes } from './payment-webhooks.routes';
import { productRoutes } from './products.routes';
import { createProviderRegistry } from './provider-registry';
import type { ProviderEndpoints } from './providers/provider';
import { createReconciler } from './reconcile.job';

export interface CommerceDeps {
  config: Config;
  database: Database;
  runtime: Runtime;
  log: Logger;
  box: SecretBox;
  /** PUBLIC_URL, else this node's URL once it listens: payment return URLs and invoice links. */
  baseUrl(): string;
  /** Owner e-mail, queued (never sent inside a request or another job). */
  email: EmailOutbox;
  /** Per-business provider endpoints (the demo shop's stand-in); see the provider registry. */
  endpointsFor?: (businessId: string) => Partial<ProviderEndpoints> | null;
}

/** Catalog, orders, payment links and webhooks, invoices and reconciliation (issue 7). */
export interface Commerce {
  /** Owner notices: the socket layer subscribes here. */
  readonly notifications: Notifications;
  readonly intake: PaymentIntake;
  /** One reconciliation round now (tests; the loop runs it every RECONCILE_INTERVAL_MS). */
  reconcileNow(): Promise<number>;
  /** The commerce effect handlers; call before `runtime.start()`. */
  register(runtime: Runtime): void;
  routes(metrics: Metrics): Route[];
  /** Starts the reconciliation loop (after the runtime started). */
  start(): void;
  stop(): Promise<void>;
}

export function createCommerce(deps: CommerceDeps): Commerce {
  const { config, database, runtime, log } = deps;
  const commerceLog = log.child({ component: 'commerce' });
  const registry = createProviderRegistry({
    db: database.db,
    box: deps.box,
    endpoints: {
      stripeApiUrl: config.payments.stripeApiUrl,
      paystackApiUrl: config.payments.paystackApiUrl,
      flutterwaveApiUrl: config.payments.flutterwaveApiUrl,
    },
    ...(deps.endpointsFor ? { endpointsFor: deps.endpointsFor } : {}),
  });
  const notifications = createNotifications({
    db: database.db,
    log: commerceLog,
    email: deps.email,
  });
  const intake = createPaymentIntake({
    database,
    runtime,
    registry,
    notifications,
    log: commerceLog,
  });
  const links = createInvoiceLinks({
    secrets: [config.secrets.jwtSecret, ...config.secrets.jwtPreviousSecrets],
    baseUrl: deps.baseUrl,
  });
  const checkout: CheckoutDeps = {
    registry,
    log: commerceLog,
    checkoutTtlMs: config.runtime.checkoutTtlMs,
    baseUrl: deps.baseUrl,
  };
  const reconciler = createReconciler({
    database,
    intake,
    log: commerceLog,
    options: {
      afterMs: config.payments.reconcileAfterMs,
      intervalMs: config.payments.reconcileIntervalMs,
      maxAgeMs: config.payments.reconcileMaxAgeMs,
    },
  });

  return {
    notifications,
    intake,
    reconcileNow: () => reconciler.runOnce(),
    register(target) {
      target.handle(EFFECT_QUEUES.createCheckout, createCheckoutHandler({ ...checkout, database }));
      target.handle(
        EFFECT_QUEUES.fulfilOrder,
        createFulfilHandler({ database, runtime, notifications, log: commerceLog }),
      );
      target.handle(
        EFFECT_QUEUES.expireCheckout,
        createExpireHandler({ database, registry, log: commerceLog }),
      );
      target.handle(
        EFFECT_QUEUES.cancelCheckout,
        createCancelHandler({ database, registry, notifications, log: commerceLog }),
      );
      target.handle(
        EFFECT_QUEUES.issueInvoice,
        createInvoiceHandler({ database, runtime, links, log: commerceLog }),
      );
      target.handle(
        EFFECT_QUEUES.reportOrderStatus,
        createOrderStatusHandler({ database, runtime }),
      );
    },
    routes(metrics) {
      return [
        ...productRoutes({ database }),
        ...orderRoutes({ database, runtime, checkout }),
        ...invoiceRoutes({ database, runtime, links, baseUrl: deps.baseUrl }),
        ...paymentWebhookRoutes({ registry, intake, metrics, log: commerceLog }),
      ];
    },
    start: () => reconciler.start(),
    stop: () => reconciler.stop(),
  };
}
