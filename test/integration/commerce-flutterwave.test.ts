import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage } from '../../server/runtime/effects';
import { startFakeFlutterwave, type FakeFlutterwave } from '../fakes/flutterwave.fake';
import { flutterwaveLegacyCharge } from '../fakes/payment-payloads';
import { signFlutterwaveDelivery } from '../fakes/signing';
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
import { describeModes } from '../helpers/modes';

describeModes('Flutterwave checkout end to end', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let flutterwave: FakeFlutterwave;
  let shop: Shop;
  let other: Shop;
  const secretKey = `FLWSECK_TEST-${randomBytes(12).toString('hex')}-X`;
  const secretHash = `hash-${randomBytes(10).toString('hex')}`;
  const sent: OutboundMessage[] = [];
  const logs = captureLogs();

  beforeAll(async () => {
    flutterwave = await startFakeFlutterwave({ secretHash });
    node = await cluster.start(
      { ...flutterwave.env, LOG_LEVEL: 'info' },
      { log: logs.log, configureRuntime: shopRuntime(() => db, sent) },
    );
    db = node.app.database;
    shop = await openShop(
      node,
      { provider: 'flutterwave', secretKey, webhookSecret: secretHash },
      'NGN',
    );
    other = await openShop(
      node,
      {
        provider: 'flutterwave',
        secretKey: `FLWSECK_TEST-${randomBytes(8).toString('hex')}-X`,
        webhookSecret: `hash-${randomBytes(10).toString('hex')}`,
      },
      'NGN',
    );
  });
  afterAll(async () => {
    await flutterwave?.close();
  });

  const newCustomer = () => `234${randomBytes(5).readUIntBE(0, 5)}`;
  const checkoutFor = async (from: string, text: string) => {
    await customerSays(node, shop, from, text);
    const c = await waitForState(db, from, 'checkout');
    await waitForMessage(sent, () => c.id, /checkout\.flutterwave\.com/, 'link');
    const order = await checkoutOrder(db, c.id);
    return { c, order };
  };
  const post = (body: unknown, businessId = shop.businessId) =>
    postPaymentWebhook(node, 'flutterwave', businessId, flutterwave.signedEvent(body));
  const logged = (event: string, reference: string) =>
    logs.lines.filter((l) => l.event === event && l.reference === reference);

  it('takes a customer to paid: link in major units, verif-hash webhook, verify by tx_ref, receipt, stock', async () => {
    const from = newCustomer();
    const before = await stockOf(db, shop.businessId, 'MUG');
    const { c, order } = await checkoutFor(from, 'buy MUG x3');
    expect(order).toMatchObject({ totalMinor: 7500, currency: 'NGN' });
    const created = flutterwave.requests.find((r) => r.path === '/v3/payments');
    expect(created?.body).toMatchObject({
      tx_ref: order.reference,
      amount: 75,
      currency: 'NGN',
    });

    const event = flutterwave.markPaid(order.reference);
    expect((await post(event)).status).toBe(200);
    expect(
      flutterwave.requests.some(
        (r) =>
          r.path === '/v3/transactions/verify_by_reference' && r.query.tx_ref === order.reference,
      ),
    ).toBe(true);
    await waitForState(db, from, 'paid');
    const receipt = await waitForMessage(sent, () => c.id, /Payment received/, 'receipt');
    expect(receipt.text).toContain('75.00 NGN');
    await waitForOrderStatus(db, c.id, 'paid');
    expect(await stockOf(db, shop.businessId, 'MUG')).toBe(before - 3);
  });

  it('accepts the flat legacy shape and the flutterwave-signature header alone', async () => {
    const from = newCustomer();
    const { c, order } = await checkoutFor(from, 'buy TOTE x1');
    const paid = flutterwave.markPaid(order.reference);
    const flat = flutterwaveLegacyCharge({
      txRef: order.reference,
      amount: 12,
      currency: 'NGN',
      id: paid.data.id,
    });
    const signed = signFlutterwaveDelivery(flat, secretHash);
    const { 'verif-hash': _dropped, ...onlyHmac } = signed.headers;
    const res = await postPaymentWebhook(node, 'flutterwave', shop.businessId, {
      body: signed.body,
      headers: onlyHmac,
    });
    expect(res.status).toBe(200);
    await waitForState(db, from, 'paid');
    await waitForMessage(sent, () => c.id, /Payment received/, 'receipt');
  });

  it('handles charge.completed with a failed status, then a retry on the same page that succeeds', async () => {
    const from = newCustomer();
    const { c, order } = await checkoutFor(from, 'buy MUG x1');
    expect((await post(flutterwave.markFailed(order.reference))).status).toBe(200);
    await waitForState(db, from, 'bot');
    await waitForMessage(sent, () => c.id, /didn't go through/, 'the failure note');
    expect((await ordersOf(db, c.id))[0]?.paymentStatus).toBe('failed');

    // The hosted page allows another try; the money arrives after the conversation moved on.
    expect((await post(flutterwave.markPaid(order.reference))).status).toBe(200);
    await waitForState(db, from, 'paid');
    await waitForMessage(sent, () => c.id, /Payment received/, 'receipt');
    const types = await eventTypes(db, c.id);
    expect(types.slice(-2)).toEqual(['payment.succeeded', 'checkout.created']);
  });

  it('changes nothing for a wrong amount, a rewritten body, another business or a stale failure', async () => {
    const from = newCustomer();
    const { c, order } = await checkoutFor(from, 'buy TOTE x2');
    const inboxBefore = await inboxCount(db, { source: 'flutterwave' });

    // The customer paid less: Flutterwave's own answer says so too.
    expect((await post(flutterwave.markPaid(order.reference, { amount: 20 }))).status).toBe(200);
    expect((await post(flutterwave.markPaid(order.reference, { currency: 'GHS' }))).status).toBe(
      200,
    );
    // verif-hash does not cover the body: a rewritten amount passes the hash, not verify.
    const good = flutterwave.markPaid(order.reference);
    const rewritten = { ...good, data: { ...good.data, amount: 99 } };
    const hashOnly = signFlutterwaveDelivery(rewritten, secretHash);
    const { 'flutterwave-signature': _sig, ...verifHashOnly } = hashOnly.headers;
    expect(
      (
        await postPaymentWebhook(node, 'flutterwave', shop.businessId, {
          body: hashOnly.body,
          headers: verifHashOnly,
        })
      ).status,
    ).toBe(200);
    expect((await post(good, other.businessId)).status).toBe(401);
    const reasons = logged('payment.mismatch', order.reference).map((l) => String(l.reason));
    expect(reasons).toEqual([
      expect.stringContaining('amount 2000'),
      expect.stringContaining('currency GHS'),
      expect.stringContaining('the webhook says 9900'),
    ]);
    expect(logs.lines.some((l) => l.event === 'payment.webhook_bad_signature')).toBe(true);
    expect(await inboxCount(db, { source: 'flutterwave' })).toBe(inboxBefore);
    expect((await conversationOf(db, from))?.state).toBe('checkout');

    expect((await post(good)).status).toBe(200);
    await waitForState(db, from, 'paid');
    expect((await post(good)).status).toBe(200);
    // A failure report delivered after the success (out of order) is not believed.
    const stale = { ...good, data: { ...good.data, status: 'failed' } };
    expect((await post(stale)).status).toBe(200);
    expect(await inboxCount(db, { source: 'flutterwave' })).toBe(inboxBefore + 1);
    expect(logged('payment.duplicate', order.reference)).toHaveLength(2);
    expect((await ordersOf(db, c.id))[0]?.paymentStatus).toBe('succeeded');
  });
});
