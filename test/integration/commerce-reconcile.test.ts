import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PaymentProvider } from '../../shared/domain';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage } from '../../server/runtime/effects';
import { startFakeFlutterwave, type FakeFlutterwave } from '../fakes/flutterwave.fake';
import { startFakePaystack, type FakePaystack } from '../fakes/paystack.fake';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.fake';
import {
  captureLogs,
  customerSays,
  openShop,
  shopRuntime,
  waitForMessage,
  type Shop,
} from '../helpers/commerce';
import { checkoutOrder, eventTypes, waitForOrderStatus, waitForState } from '../helpers/probe';
import { waitUntil } from '../helpers/seed';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { describeModes } from '../helpers/modes';

const CHECKOUT_TTL_MS = 6000;

describeModes('lost webhooks, expiry and owner notices', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let stripe: FakeStripe;
  let paystack: FakePaystack;
  let flutterwave: FakeFlutterwave;
  let smtp: SmtpSink;
  const shops = {} as Record<PaymentProvider, Shop>;
  const sent: OutboundMessage[] = [];
  const logs = captureLogs();

  beforeAll(async () => {
    [stripe, paystack, flutterwave, smtp] = await Promise.all([
      startFakeStripe(),
      startFakePaystack(),
      startFakeFlutterwave(),
      startSmtpSink(),
    ]);
    node = await cluster.start(
      {
        ...stripe.env,
        ...paystack.env,
        ...flutterwave.env,
        LOG_LEVEL: 'info',
        RECONCILE_AFTER_MS: '500',
        RECONCILE_INTERVAL_MS: '250',
        CHECKOUT_TTL_MS: String(CHECKOUT_TTL_MS),
        SMTP_URL: smtp.url,
      },
      { log: logs.log, ...shopRuntime(() => db, sent) },
    );
    db = node.app.database;
    const key = () => randomBytes(10).toString('hex');
    shops.stripe = await openShop(
      node,
      { provider: 'stripe', secretKey: `sk_test_${key()}`, webhookSecret: `whsec_${key()}` },
      'USD',
    );
    shops.paystack = await openShop(
      node,
      { provider: 'paystack', secretKey: `sk_test_${key()}` },
      'NGN',
    );
    shops.flutterwave = await openShop(
      node,
      { provider: 'flutterwave', secretKey: `FLWSECK_TEST-${key()}`, webhookSecret: key() },
      'NGN',
    );
  });
  afterAll(async () => {
    await Promise.all([stripe?.close(), paystack?.close(), flutterwave?.close()]);
    await smtp?.[Symbol.asyncDispose]();
  });

  const newCustomer = () => `44${randomBytes(5).readUIntBE(0, 5)}`;
  const checkoutFor = async (provider: PaymentProvider, from: string) => {
    await customerSays(node, shops[provider], from, 'buy MUG x1');
    const c = await waitForState(db, from, 'checkout');
    await waitForMessage(sent, () => c.id, /secure payment link/, 'the link');
    const order = await checkoutOrder(db, c.id);
    return { c, order, session: order.providerPaymentId };
  };
  /** The customer pays on the provider's page; the webhook is lost on the way. */
  const payWithoutWebhook = (
    provider: PaymentProvider,
    reference: string,
    session: string | null,
  ) => {
    if (provider === 'stripe') stripe.completeSession(session as string);
    if (provider === 'paystack') paystack.markPaid(reference);
    if (provider === 'flutterwave') flutterwave.markPaid(reference);
  };

  for (const provider of ['stripe', 'paystack', 'flutterwave'] as const) {
    it(`ends in paid when the ${provider} webhook never arrives: reconciliation asks ${provider}`, async () => {
      const from = newCustomer();
      const { c, order, session } = await checkoutFor(provider, from);
      payWithoutWebhook(provider, order.reference, session);

      await waitForState(db, from, 'paid');
      await waitForMessage(sent, () => c.id, /Payment received/, 'the receipt');
      const [event] = await db.sql.query<{ source: string; source_event_id: string }>(
        `select source, source_event_id from inbox where conversation_id = $1 and type = 'payment.succeeded'`,
        [c.id],
      );
      expect(event).toEqual({
        source: provider,
        source_event_id: `${order.reference}:succeeded`,
      });
      expect(
        logs.lines.some((l) => l.event === 'payment.reconciled' && l.outcome === 'applied'),
      ).toBe(true);
      await waitForOrderStatus(db, c.id, 'paid');
    });
  }

  it('emails the owner about a paid order when SMTP is configured', async () => {
    const owner = shops.paystack.owner.email;
    // The owner also got one when the shop's Paystack keys were saved.
    const mail = await waitUntil(
      () =>
        Promise.resolve(
          smtp.mails.find((m) => m.to.some((t) => t.includes(owner)) && /paid/.test(m.data)),
        ),
      'the owner email',
    );
    expect(mail.data).toMatch(/Subject: .*order #[0-9A-F]{8} paid \(25\.00 NGN\)/);
  });

  it('expires an unpaid checkout: back to the bot with a note, the order expired, the Stripe session closed', async () => {
    const from = newCustomer();
    const { c, session } = await checkoutFor('stripe', from);
    await waitForState(db, from, 'bot', CHECKOUT_TTL_MS + 10_000);
    await waitForMessage(sent, () => c.id, /payment link has expired/, 'the note');
    await waitForOrderStatus(db, c.id, 'expired');
    expect(stripe.session(session as string)?.status).toBe('expired');
  });

  it('still fulfils a Paystack payment that lands after the checkout expired', async () => {
    const from = newCustomer();
    const { c, order } = await checkoutFor('paystack', from);
    await waitForState(db, from, 'bot', CHECKOUT_TTL_MS + 10_000);
    await waitForOrderStatus(db, c.id, 'expired');
    paystack.markPaid(order.reference);
    await waitForState(db, from, 'paid');
    await waitForMessage(sent, () => c.id, /Payment received/, 'the receipt');
    const types = await eventTypes(db, c.id);
    expect(types.slice(-2)).toEqual(['payment.succeeded', 'checkout.created']);
  });
});
