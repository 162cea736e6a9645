import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { PaymentProvider } from '../../shared/domain';
import type { Env } from '../../server/config';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage } from '../../server/runtime/effects';
import { startFakeFlutterwave, type FakeFlutterwave } from '../fakes/flutterwave.fake';
import { paystackChargeSuccess } from '../fakes/payment-payloads';
import { startFakePaystack, type FakePaystack } from '../fakes/paystack.fake';
import {
  signFlutterwaveDelivery,
  signPaystackDelivery,
  type SignedDelivery,
} from '../fakes/signing';
import { startFakeStripe, type FakeStripe, type FakeStripeEvent } from '../fakes/stripe.fake';
import {
  captureLogs,
  customerSays,
  openShop,
  postPaymentWebhook,
  shopRuntime,
  waitForMessage,
  type ProviderSetup,
  type Shop,
} from './commerce';
import { startHoldingProxy, type HoldingProxy } from './holding-proxy';
import { checkoutOrder, waitForState, type CheckoutOrder } from './probe';
import type { Cluster } from './test-node';

/**
 * What the payment-provider contract needs to know about one provider: how its fake is run,
 * how the customer's payment (or failure) becomes the webhook the provider would POST, how that
 * webhook is signed, and what Parley must have asked the provider. The behaviours themselves
 * live in `test/contracts/payment-provider.contract.test.ts`, once for all providers.
 */
export interface ProviderDriver {
  readonly provider: PaymentProvider;
  readonly currency: string;
  /** The hosted checkout page the link in the chat points to. */
  readonly linkHost: RegExp;
  /** Whether the signature covers the body (Flutterwave's `verif-hash` does not: verify does). */
  readonly signatureCoversBody: boolean;
  /** Whether a failed attempt can be followed by a success on the same page and reference. */
  readonly pageAllowsRetry: boolean;
  readonly env: Env;
  /** Fresh credentials for one shop. */
  credentials(): ProviderSetup;
  /** The customer paid (optionally another amount or currency); the event the provider sends. */
  paid(order: CheckoutOrder, paid?: { amountMinor?: number; currency?: string }): unknown;
  /** The customer's payment failed; the event the provider sends. */
  failed(order: CheckoutOrder): unknown;
  /** A failure report about a payment that succeeded, delivered after the success. */
  lateFailure(order: CheckoutOrder, paidEvent: unknown): unknown;
  sign(event: unknown, credentials: ProviderSetup): SignedDelivery;
  /** A signed body with its amount changed after signing. */
  tamper(body: string): string;
  /** The inbox key the success is stored under (the duplicate gate). */
  successKey(order: CheckoutOrder, paidEvent: unknown): string;
  /** Parley asked for the link in the provider's units, under the order's reference and key. */
  expectLinkCreated(order: CheckoutOrder, credentials: ProviderSetup): void;
  /** Parley confirmed the payment with the provider before it counted (Stripe: the signature). */
  expectVerified(order: CheckoutOrder): void;
  close(): Promise<void>;
}

const hex = (n: number) => randomBytes(n).toString('hex');

export async function stripeDriver(): Promise<ProviderDriver & { fake: FakeStripe }> {
  const fake = await startFakeStripe();
  const sessionOf = (order: CheckoutOrder) => order.providerPaymentId as string;
  const createOf = (order: CheckoutOrder) =>
    fake.requests.find(
      (r) =>
        r.path === '/v1/checkout/sessions' &&
        (r.body as { client_reference_id?: string }).client_reference_id === order.reference,
    );
  return {
    fake,
    provider: 'stripe',
    currency: 'USD',
    linkHost: /checkout\.stripe\.com/,
    signatureCoversBody: true,
    pageAllowsRetry: false,
    env: fake.env,
    credentials: () => ({
      provider: 'stripe',
      secretKey: `sk_test_${hex(12)}`,
      webhookSecret: `whsec_${hex(12)}`,
    }),
    paid(order, paid = {}) {
      const id = sessionOf(order);
      const event =
        fake.session(id)?.status === 'complete'
          ? fake.sessionEvent(id, 'checkout.session.completed')
          : fake.completeSession(id);
      const patch: Record<string, unknown> = {};
      if (paid.amountMinor !== undefined) patch.amount_total = paid.amountMinor;
      if (paid.currency !== undefined) patch.currency = paid.currency.toLowerCase();
      return { ...event, data: { object: { ...event.data.object, ...patch } } };
    },
    failed: (order) => fake.sessionEvent(sessionOf(order), 'checkout.session.async_payment_failed'),
    lateFailure: (order) =>
      fake.sessionEvent(sessionOf(order), 'checkout.session.async_payment_failed'),
    sign: (event, credentials) =>
      fake.signedEvent(event as FakeStripeEvent, credentials.webhookSecret),
    tamper: (body) => body.replace(/"amount_total": ?\d+/, '"amount_total": 1'),
    successKey: (_order, paidEvent) => (paidEvent as FakeStripeEvent).id,
    expectLinkCreated(order) {
      const create = createOf(order);
      expect(create?.headers['idempotency-key']).toBe(`parley-link-${order.reference}`);
      expect(create?.body).toMatchObject({ client_reference_id: order.reference, mode: 'payment' });
      expect(order.providerPaymentId).toMatch(/^cs_test_/);
      expect(fake.session(sessionOf(order))).toMatchObject({
        amount_total: order.totalMinor,
        currency: order.currency.toLowerCase(),
      });
    },
    // A signed Stripe event is its own proof: nothing is asked.
    expectVerified: () => {},
    close: () => fake.close(),
  };
}

export async function paystackDriver(): Promise<
  ProviderDriver & { fake: FakePaystack; proxy: HoldingProxy }
> {
  const fake = await startFakePaystack();
  // Between Parley and the fake, so a test can hold the link's creation (provider file).
  const proxy = await startHoldingProxy(fake.url);
  const charge = (order: CheckoutOrder, status: 'failed') => ({
    event: 'charge.failed',
    data: {
      ...paystackChargeSuccess({
        reference: order.reference,
        amount: order.totalMinor,
        currency: order.currency,
      }).data,
      status,
      gateway_response: 'Declined',
    },
  });
  return {
    fake,
    proxy,
    provider: 'paystack',
    currency: 'NGN',
    linkHost: /checkout\.paystack\.com/,
    signatureCoversBody: true,
    pageAllowsRetry: true,
    env: { PAYSTACK_API_URL: proxy.url },
    credentials: () => ({ provider: 'paystack', secretKey: `sk_test_${hex(12)}` }),
    paid: (order, paid = {}) =>
      fake.markPaid(order.reference, { amount: paid.amountMinor, currency: paid.currency }),
    failed(order) {
      fake.markFailed(order.reference);
      return charge(order, 'failed');
    },
    lateFailure(_order, paidEvent) {
      const paidCharge = paidEvent as ReturnType<typeof paystackChargeSuccess>;
      return {
        ...paidCharge,
        event: 'charge.failed',
        data: { ...paidCharge.data, status: 'failed' },
      };
    },
    sign: (event, credentials) => signPaystackDelivery(event, credentials.secretKey),
    tamper: (body) => body.replace(/"amount":\d+/, '"amount":1'),
    // Paystack events carry no id: the success is keyed by the reference.
    successKey: (order) => `${order.reference}:succeeded`,
    expectLinkCreated(order, credentials) {
      const init = fake.requests.find(
        (r) =>
          r.path === '/transaction/initialize' &&
          (r.body as { reference?: string }).reference === order.reference,
      );
      expect(init?.body).toMatchObject({ amount: order.totalMinor, currency: order.currency });
      expect(init?.headers.authorization).toBe(`Bearer ${credentials.secretKey}`);
    },
    expectVerified(order) {
      expect(fake.requests.some((r) => r.path === `/transaction/verify/${order.reference}`)).toBe(
        true,
      );
    },
    async close() {
      await proxy[Symbol.asyncDispose]();
      await fake.close();
    },
  };
}

export async function flutterwaveDriver(): Promise<ProviderDriver & { fake: FakeFlutterwave }> {
  const fake = await startFakeFlutterwave();
  return {
    fake,
    provider: 'flutterwave',
    currency: 'NGN',
    linkHost: /checkout\.flutterwave\.com/,
    signatureCoversBody: false,
    pageAllowsRetry: true,
    env: fake.env,
    credentials: () => ({
      provider: 'flutterwave',
      secretKey: `FLWSECK_TEST-${hex(12)}-X`,
      webhookSecret: `hash-${hex(10)}`,
    }),
    // Flutterwave speaks major units.
    paid: (order, paid = {}) =>
      fake.markPaid(order.reference, {
        amount: paid.amountMinor === undefined ? undefined : paid.amountMinor / 100,
        currency: paid.currency,
      }),
    failed: (order) => fake.markFailed(order.reference),
    lateFailure(_order, paidEvent) {
      const paid = paidEvent as ReturnType<FakeFlutterwave['markPaid']>;
      return { ...paid, data: { ...paid.data, status: 'failed' } };
    },
    sign: (event, credentials) => signFlutterwaveDelivery(event, credentials.webhookSecret ?? ''),
    tamper: (body) => body.replace(/"amount":\d+(\.\d+)?/, '"amount":1'),
    successKey: (order) => `${order.reference}:succeeded`,
    expectLinkCreated(order) {
      const created = fake.requests.find(
        (r) =>
          r.path === '/v3/payments' && (r.body as { tx_ref?: string }).tx_ref === order.reference,
      );
      expect(created?.body).toMatchObject({
        amount: order.totalMinor / 100,
        currency: order.currency,
      });
    },
    expectVerified(order) {
      expect(
        fake.requests.some(
          (r) =>
            r.path === '/v3/transactions/verify_by_reference' && r.query.tx_ref === order.reference,
        ),
      ).toBe(true);
    },
    close: () => fake.close(),
  };
}

export const PROVIDER_DRIVERS = {
  stripe: stripeDriver,
  paystack: paystackDriver,
  flutterwave: flutterwaveDriver,
} as const;

/**
 * A node selling from two shops on one provider (the second to sign and post from the wrong
 * tenant), its logs and what it sent. Registers its own hooks: call it inside `describeModes`.
 */
export function paymentShop<D extends ProviderDriver>(
  cluster: Cluster,
  startDriver: () => Promise<D>,
) {
  const sent: OutboundMessage[] = [];
  const logs = captureLogs();
  let driver: D;
  let node: RunningNode;
  let db: Database;
  let shop: Shop;
  let other: Shop;
  let credentials: ProviderSetup;
  let otherCredentials: ProviderSetup;

  beforeAll(async () => {
    driver = await startDriver();
    node = await cluster.start(
      { ...driver.env, LOG_LEVEL: 'info' },
      { log: logs.log, ...shopRuntime(() => db, sent) },
    );
    db = node.app.database;
    credentials = driver.credentials();
    otherCredentials = driver.credentials();
    shop = await openShop(node, credentials, driver.currency);
    other = await openShop(node, otherCredentials, driver.currency);
  });
  afterAll(async () => {
    await driver?.close();
  });

  const newCustomer = () => `234${randomBytes(5).readUIntBE(0, 5)}`;
  const toCustomer = (conversationId: string, match: RegExp) =>
    sent.filter((m) => m.conversationId === conversationId && match.test(m.text));

  return {
    get driver() {
      return driver;
    },
    get node() {
      return node;
    },
    get db() {
      return db;
    },
    get shop() {
      return shop;
    },
    get other() {
      return other;
    },
    get credentials() {
      return credentials;
    },
    get otherCredentials() {
      return otherCredentials;
    },
    sent,
    logs,
    newCustomer,
    toCustomer,
    /** A new customer asks to buy; resolves once the payment link was sent to them. */
    async checkout(text: string, from = newCustomer()) {
      await customerSays(node, shop, from, text);
      const c = await waitForState(db, from, 'checkout');
      await waitForMessage(sent, () => c.id, driver.linkHost, 'the payment link');
      return { from, c, order: await checkoutOrder(db, c.id) };
    },
    /** Signs `event` as the provider would for `as` and POSTs it to `to`'s webhook. */
    post(event: unknown, options: { as?: ProviderSetup; to?: string } = {}) {
      return postPaymentWebhook(
        node,
        driver.provider,
        options.to ?? shop.businessId,
        driver.sign(event, options.as ?? credentials),
      );
    },
    postDelivery(delivery: SignedDelivery, to = shop.businessId, tamper?: (b: string) => string) {
      return postPaymentWebhook(node, driver.provider, to, delivery, tamper);
    },
    logged: (event: string, reference: string) =>
      logs.lines.filter((l) => l.event === event && l.reference === reference),
  };
}
