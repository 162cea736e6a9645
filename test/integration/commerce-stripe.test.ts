import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage } from '../../server/runtime/effects';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.fake';
import {
  captureLogs,
  customerSays,
  openShop,
  postPaymentWebhook,
  shopRuntime,
  waitForMessage,
  type Shop,
} from '../helpers/commerce';
import {
  checkoutOrder,
  conversationOf,
  inboxCount,
  stockOf,
  waitForOrderStatus,
  waitForState,
} from '../helpers/probe';
import { describeModes } from '../helpers/modes';

describeModes('Stripe checkout end to end', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let stripe: FakeStripe;
  let shop: Shop;
  let other: Shop;
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(12).toString('hex')}`;
  const otherSecret = `whsec_${randomBytes(12).toString('hex')}`;
  const sent: OutboundMessage[] = [];
  const logs = captureLogs();

  beforeAll(async () => {
    stripe = await startFakeStripe({ webhookSecret });
    node = await cluster.start(
      { ...stripe.env, LOG_LEVEL: 'info' },
      { log: logs.log, configureRuntime: shopRuntime(() => db, sent) },
    );
    db = node.app.database;
    shop = await openShop(node, { provider: 'stripe', secretKey, webhookSecret }, 'USD');
    other = await openShop(
      node,
      {
        provider: 'stripe',
        secretKey: `sk_test_${randomBytes(8).toString('hex')}`,
        webhookSecret: otherSecret,
      },
      'USD',
    );
  });
  afterAll(async () => {
    await stripe?.close();
  });

  const newCustomer = () => `1555${randomBytes(4).readUInt32BE(0)}`;
  const checkoutFor = async (from: string, text: string) => {
    await customerSays(node, shop, from, text);
    const c = await waitForState(db, from, 'checkout');
    await waitForMessage(sent, () => c.id, /checkout\.stripe\.com/, 'the link');
    const order = await checkoutOrder(db, c.id);
    const rows = await db.sql.query<{ session: string }>(
      `select provider_payment_id as session from payments where reference = $1`,
      [order.reference],
    );
    return { c, order: order!, session: rows[0]!.session };
  };
  const logged = (event: string, reference: string) =>
    logs.lines.filter((l) => l.event === event && l.reference === reference);

  it('takes a customer to paid: Checkout Session with an idempotency key, signed event, receipt, stock', async () => {
    const from = newCustomer();
    const before = await stockOf(db, shop.businessId, 'MUG');
    const { c, order, session } = await checkoutFor(from, 'buy MUG x2 TOTE x1');
    expect(order).toMatchObject({ totalMinor: 6200, currency: 'USD' });
    expect(session).toMatch(/^cs_test_/);
    const create = stripe.requests.find((r) => r.path === '/v1/checkout/sessions');
    expect(create?.headers['idempotency-key']).toBe(`parley-link-${order.reference}`);
    expect(create?.body).toMatchObject({ client_reference_id: order.reference, mode: 'payment' });
    expect(stripe.session(session)).toMatchObject({ amount_total: 6200, currency: 'usd' });

    const delivery = stripe.signedEvent(stripe.completeSession(session));
    expect((await postPaymentWebhook(node, 'stripe', shop.businessId, delivery)).status).toBe(200);
    await waitForState(db, from, 'paid');
    const receipt = await waitForMessage(sent, () => c.id, /Payment received/, 'receipt');
    expect(receipt.text).toContain('62.00 USD');
    await waitForOrderStatus(db, c.id, 'paid');
    expect(await stockOf(db, shop.businessId, 'MUG')).toBe(before - 2);
    const [event] = await db.sql.query<{ source_event_id: string }>(
      `select source_event_id from inbox where type = 'payment.succeeded' and conversation_id = $1`,
      [c.id],
    );
    expect(event?.source_event_id).toMatch(/^evt_/);
  });

  it('changes nothing for a tampered body, another business, a wrong amount or currency, a redelivery or a late failure', async () => {
    const from = newCustomer();
    const before = await stockOf(db, shop.businessId, 'TOTE');
    const { c, order, session } = await checkoutFor(from, 'buy TOTE x1');
    const inboxBefore = await inboxCount(db, { source: 'stripe' });

    const completed = stripe.completeSession(session);
    const delivery = stripe.signedEvent(completed);
    const tampered = await postPaymentWebhook(node, 'stripe', shop.businessId, delivery, (b) =>
      b.replace('"amount_total": 1200', '"amount_total": 1'),
    );
    expect(tampered.status).toBe(401);
    expect((await postPaymentWebhook(node, 'stripe', other.businessId, delivery)).status).toBe(401);
    const unsigned = await postPaymentWebhook(node, 'stripe', shop.businessId, {
      body: delivery.body,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.status).toBe(401);

    const altered = (patch: Record<string, unknown>) => {
      const e = stripe.sessionEvent(session, 'checkout.session.completed');
      return stripe.signedEvent({ ...e, data: { object: { ...e.data.object, ...patch } } });
    };
    expect(
      (await postPaymentWebhook(node, 'stripe', shop.businessId, altered({ amount_total: 900 })))
        .status,
    ).toBe(200);
    expect(
      (await postPaymentWebhook(node, 'stripe', shop.businessId, altered({ currency: 'eur' })))
        .status,
    ).toBe(200);
    const reasons = logged('payment.mismatch', order.reference).map((l) => String(l.reason));
    expect(reasons).toEqual([
      expect.stringContaining('amount 900'),
      expect.stringContaining('currency EUR'),
    ]);
    expect(await inboxCount(db, { source: 'stripe' })).toBe(inboxBefore);
    expect((await conversationOf(db, from))?.state).toBe('checkout');

    expect((await postPaymentWebhook(node, 'stripe', shop.businessId, delivery)).status).toBe(200);
    await waitForState(db, from, 'paid');
    expect((await postPaymentWebhook(node, 'stripe', shop.businessId, delivery)).status).toBe(200);
    const late = stripe.signedEvent(
      stripe.sessionEvent(session, 'checkout.session.async_payment_failed'),
    );
    expect((await postPaymentWebhook(node, 'stripe', shop.businessId, late)).status).toBe(200);
    expect(await inboxCount(db, { source: 'stripe' })).toBe(inboxBefore + 1);
    expect(logged('payment.duplicate', order.reference)).toHaveLength(2);

    await waitForOrderStatus(db, c.id, 'paid');
    await new Promise((r) => setTimeout(r, 500));
    expect(await stockOf(db, shop.businessId, 'TOTE')).toBe(before - 1);
    expect(
      sent.filter((m) => m.conversationId === c.id && /Payment received/.test(m.text)),
    ).toHaveLength(1);
    expect(
      logs.lines.filter((l) => l.event === 'payment.webhook_bad_signature').length,
    ).toBeGreaterThanOrEqual(3);
  });
});
