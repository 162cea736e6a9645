import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage } from '../../server/runtime/effects';
import { startFakePaystack, type FakePaystack } from '../fakes/paystack.fake';
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
  eventTypes,
  inboxCount,
  ordersOf,
  stockOf,
  waitForOrderStatus,
  waitForState,
} from '../helpers/probe';
import { startHoldingProxy, type HoldingProxy } from '../helpers/holding-proxy';
import { waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

describeModes('Paystack checkout end to end', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let paystack: FakePaystack;
  let proxy: HoldingProxy;
  let shop: Shop;
  let other: Shop;
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const otherKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const sent: OutboundMessage[] = [];
  const logs = captureLogs();

  beforeAll(async () => {
    paystack = await startFakePaystack();
    proxy = await startHoldingProxy(paystack.url);
    node = await cluster.start(
      { PAYSTACK_API_URL: proxy.url, LOG_LEVEL: 'info' },
      { log: logs.log, configureRuntime: shopRuntime(() => db, sent) },
    );
    db = node.app.database;
    shop = await openShop(node, { provider: 'paystack', secretKey }, 'NGN');
    other = await openShop(node, { provider: 'paystack', secretKey: otherKey }, 'NGN');
  });
  afterAll(async () => {
    await proxy?.[Symbol.asyncDispose]();
    await paystack?.close();
  });

  const newCustomer = () => `234${randomBytes(5).readUIntBE(0, 5)}`;
  const checkoutFor = async (from: string, text: string) => {
    await customerSays(node, shop, from, text);
    const c = await waitForState(db, from, 'checkout');
    await waitForMessage(sent, () => c.id, /checkout\.paystack\.com/, 'the link');
    const order = await checkoutOrder(db, c.id);
    return { c, order };
  };
  const logged = (event: string, reference: string) =>
    logs.lines.filter((l) => l.event === event && l.reference === reference);

  it('takes a customer from a message to paid: link in kobo, signed webhook, verify, receipt, stock', async () => {
    const from = newCustomer();
    const before = await stockOf(db, shop.businessId, 'MUG');
    const { c, order } = await checkoutFor(from, 'buy MUG x2');
    expect(order).toMatchObject({ status: 'pending', totalMinor: 5000, currency: 'NGN' });
    const link = sent.find((m) => m.conversationId === c.id && /paystack/.test(m.text));
    expect(link?.text).toContain('50.00 NGN');

    const init = paystack.requests.find((r) => r.path === '/transaction/initialize');
    expect(init?.body).toMatchObject({
      amount: 5000,
      currency: 'NGN',
      reference: order.reference,
    });
    expect(init?.headers.authorization).toBe(`Bearer ${secretKey}`);

    const delivery = paystack.signedEvent(paystack.markPaid(order.reference), secretKey);
    const res = await postPaymentWebhook(node, 'paystack', shop.businessId, delivery);
    expect(res.status).toBe(200);
    // Re-verified with Paystack before anything counted.
    expect(paystack.requests.some((r) => r.path === `/transaction/verify/${order.reference}`)).toBe(
      true,
    );

    await waitForState(db, from, 'paid');
    const receipt = await waitForMessage(sent, () => c.id, /Payment received/, 'the receipt');
    expect(receipt.text).toContain('50.00 NGN');
    await waitForOrderStatus(db, c.id, 'paid');
    const [paid] = await ordersOf(db, c.id);
    expect(paid).toMatchObject({ status: 'paid', paymentStatus: 'succeeded' });
    expect(paid?.paidAt).toBeTruthy();
    expect(await stockOf(db, shop.businessId, 'MUG')).toBe(before - 2);

    const orders = await fetch(`${node.url}/api/orders?status=paid`, {
      headers: { authorization: `Bearer ${shop.token}` },
    }).then((r) => r.json() as Promise<{ items: { id: string; payments: unknown[] }[] }>);
    expect(orders.items.find((o) => o.id === order.id)?.payments).toEqual([
      expect.objectContaining({
        provider: 'paystack',
        reference: order.reference,
        status: 'succeeded',
      }),
    ]);
  });

  it('changes nothing for a tampered body, another business, a wrong amount or currency, or a second delivery', async () => {
    const from = newCustomer();
    const before = await stockOf(db, shop.businessId, 'TOTE');
    const { c, order } = await checkoutFor(from, 'buy TOTE x1');
    const inboxBefore = await inboxCount(db, { source: 'paystack' });

    const paidEvent = paystack.markPaid(order.reference);
    const delivery = paystack.signedEvent(paidEvent, secretKey);
    const tampered = await postPaymentWebhook(node, 'paystack', shop.businessId, delivery, (b) =>
      b.replace('"amount":1200', '"amount":1300'),
    );
    expect(tampered.status).toBe(401);
    const elsewhere = await postPaymentWebhook(node, 'paystack', other.businessId, delivery);
    expect(elsewhere.status).toBe(401);
    const unknown = await postPaymentWebhook(
      node,
      'paystack',
      '00000000-0000-4000-8000-000000000000',
      delivery,
    );
    expect(unknown.status).toBe(401);
    // Signed by the other business for itself: its business has no such payment.
    const foreign = await postPaymentWebhook(
      node,
      'paystack',
      other.businessId,
      paystack.signedEvent(paidEvent, otherKey),
    );
    expect(foreign.status).toBe(200);
    expect(logged('payment.unknown_reference', order.reference)).toHaveLength(1);
    const refused = logs.lines.filter((l) => l.event === 'payment.webhook_bad_signature');
    expect(refused.length).toBeGreaterThanOrEqual(3);

    const wrongAmount = paystack.signedEvent(
      paystack.markPaid(order.reference, { amount: 1100 }),
      secretKey,
    );
    expect((await postPaymentWebhook(node, 'paystack', shop.businessId, wrongAmount)).status).toBe(
      200,
    );
    const wrongCurrency = paystack.signedEvent(
      paystack.markPaid(order.reference, { currency: 'GHS' }),
      secretKey,
    );
    expect(
      (await postPaymentWebhook(node, 'paystack', shop.businessId, wrongCurrency)).status,
    ).toBe(200);
    // A signed body holding text PostgreSQL cannot store: 400, not a failed query (L3).
    const withNul = paystack.signedEvent(
      { ...paystack.markPaid(order.reference), event: 'charge.success\u0000' },
      secretKey,
    );
    expect((await postPaymentWebhook(node, 'paystack', shop.businessId, withNul)).status).toBe(400);
    const reasons = logged('payment.mismatch', order.reference).map((l) => String(l.reason));
    expect(reasons).toEqual([
      expect.stringContaining('amount 1100'),
      expect.stringContaining('currency GHS'),
    ]);
    expect(await inboxCount(db, { source: 'paystack' })).toBe(inboxBefore);
    expect((await conversationOf(db, from))?.state).toBe('checkout');
    expect((await ordersOf(db, c.id))[0]?.status).toBe('pending');

    const good = paystack.signedEvent(paystack.markPaid(order.reference), secretKey);
    expect((await postPaymentWebhook(node, 'paystack', shop.businessId, good)).status).toBe(200);
    await waitForState(db, from, 'paid');
    expect((await postPaymentWebhook(node, 'paystack', shop.businessId, good)).status).toBe(200);
    expect((await postPaymentWebhook(node, 'paystack', shop.businessId, delivery)).status).toBe(
      200,
    );
    expect(logged('payment.duplicate', order.reference).length).toBeGreaterThanOrEqual(2);
    expect(await inboxCount(db, { source: 'paystack' })).toBe(inboxBefore + 1);

    await waitForOrderStatus(db, c.id, 'paid');
    await new Promise((r) => setTimeout(r, 500));
    expect(await stockOf(db, shop.businessId, 'TOTE')).toBe(before - 1);
    const receipts = sent.filter(
      (m) => m.conversationId === c.id && /Payment received/.test(m.text),
    );
    expect(receipts).toHaveLength(1);
  });

  it('applies a payment whose webhook arrives before the checkout event', async () => {
    const from = newCustomer();
    const held = proxy.holdNext('POST', '/transaction/initialize');
    await customerSays(node, shop, from, 'buy MUG x1');
    const exchange = await held;
    const reference = (exchange.body as { reference: string }).reference;
    const delivery = paystack.signedEvent(paystack.markPaid(reference), secretKey);
    expect((await postPaymentWebhook(node, 'paystack', shop.businessId, delivery)).status).toBe(
      200,
    );
    const c = await waitUntil(() => conversationOf(db, from), 'the conversation');
    await waitUntil(
      async () => (await eventTypes(db, c.id)).includes('payment.succeeded'),
      'the early payment to be applied',
    );
    exchange.release();

    await waitForState(db, from, 'paid');
    const types = await eventTypes(db, c.id);
    expect(types.indexOf('payment.succeeded')).toBeLessThan(types.indexOf('checkout.created'));
    await waitForMessage(sent, () => c.id, /Payment received/, 'the receipt');
    // Paid before the link was ever shown: no link is sent after the fact.
    expect(sent.some((m) => m.conversationId === c.id && /paystack/.test(m.text))).toBe(false);
  });
});
