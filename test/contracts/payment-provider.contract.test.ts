import { expect, it } from 'vitest';
import { request } from '../helpers/http';
import { describeModes } from '../helpers/modes';
import { PAYMENT_PROVIDERS } from '../../shared/domain';
import { PROVIDER_DRIVERS, paymentShop, type ProviderDriver } from '../helpers/payments';
import {
  conversationOf,
  eventTypes,
  inboxCount,
  inboxRows,
  ordersOf,
  stockOf,
  waitForOrderStatus,
  waitForState,
} from '../helpers/probe';
import { waitForMessage } from '../helpers/commerce';

const UNKNOWN_BUSINESS = '00000000-0000-4000-8000-000000000000';
const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
const settle = () => new Promise((r) => setTimeout(r, 500));

/**
 * What every payment provider's webhook must do, whichever provider it is: the same behaviours
 * run for Stripe, Paystack and Flutterwave through a small driver each (`helpers/payments.ts`).
 * What only one provider has stays in `test/integration/commerce-<provider>.test.ts`.
 */
for (const provider of PAYMENT_PROVIDERS) {
  describeModes(`payment provider contract: ${provider}`, (cluster) => {
    const t = paymentShop<ProviderDriver>(cluster, PROVIDER_DRIVERS[provider]);

    it('takes a customer from a message to paid: link, signed webhook, verify, receipt, stock', async () => {
      const { db, driver, shop } = t;
      const before = await stockOf(db, shop.businessId, 'MUG');
      const { from, c, order } = await t.checkout('buy MUG x2 TOTE x1');
      expect(order).toMatchObject({
        status: 'pending',
        totalMinor: 6200,
        currency: driver.currency,
        paymentStatus: 'pending',
      });
      expect(t.toCustomer(c.id, driver.linkHost)[0]?.text).toContain(money(6200, driver.currency));
      driver.expectLinkCreated(order, t.credentials);

      const paid = driver.paid(order);
      expect((await t.post(paid)).status).toBe(200);
      driver.expectVerified(order);

      await waitForState(db, from, 'paid');
      const receipt = await waitForMessage(t.sent, () => c.id, /Payment received/, 'receipt');
      expect(receipt.text).toContain(money(6200, driver.currency));
      const done = await waitForOrderStatus(db, c.id, 'paid');
      expect(done).toMatchObject({ paymentStatus: 'succeeded' });
      expect(done.paidAt).toBeTruthy();
      expect(await stockOf(db, shop.businessId, 'MUG')).toBe(before - 2);
      expect(
        (await inboxRows(db, { conversationId: c.id, type: 'payment.succeeded' })).map((r) => ({
          source: r.source,
          key: r.sourceEventId,
        })),
      ).toEqual([{ source: provider, key: driver.successKey(order, paid) }]);

      const orders = await request<{ items: { id: string; payments: unknown[] }[] }>(
        t.node.url,
        '/api/orders?status=paid',
        { token: shop.token },
      );
      expect(orders.body.items.find((o) => o.id === order.id)?.payments).toEqual([
        expect.objectContaining({ provider, reference: order.reference, status: 'succeeded' }),
      ]);
    });

    it('refuses with 401 and changes nothing: wrong tenant, wrong secret, no signature, unknown business', async () => {
      const { db, driver } = t;
      const { from, c, order } = await t.checkout('buy TOTE x1');
      const inboxBefore = await inboxCount(db, { source: provider });
      const refusedBefore = t.logs.lines.filter(
        (l) => l.event === 'payment.webhook_bad_signature',
      ).length;

      const delivery = driver.sign(driver.paid(order), t.credentials);
      expect((await t.postDelivery(delivery, t.other.businessId)).status).toBe(401);
      expect((await t.postDelivery(delivery, UNKNOWN_BUSINESS)).status).toBe(401);
      expect((await t.post(driver.paid(order), { as: t.otherCredentials })).status).toBe(401);
      const unsigned = await t.postDelivery({
        body: delivery.body,
        headers: { 'content-type': 'application/json' },
      });
      expect(unsigned.status).toBe(401);
      if (driver.signatureCoversBody) {
        expect((await t.postDelivery(delivery, undefined, driver.tamper)).status).toBe(401);
      }

      // Every refusal says why in the log.
      expect(
        t.logs.lines.filter((l) => l.event === 'payment.webhook_bad_signature').length -
          refusedBefore,
      ).toBe(driver.signatureCoversBody ? 5 : 4);
      expect(await inboxCount(db, { source: provider })).toBe(inboxBefore);
      expect((await conversationOf(db, from))?.state).toBe('checkout');
      expect((await ordersOf(db, c.id))[0]?.status).toBe('pending');
    });

    it('answers 200 but pays nothing for a reference the signing business does not have', async () => {
      const { db, driver } = t;
      const { from, order } = await t.checkout('buy MUG x1');
      const inboxBefore = await inboxCount(db, { source: provider });
      // Correctly signed by the other business, for itself: its business has no such payment.
      const foreign = await t.post(driver.paid(order), {
        as: t.otherCredentials,
        to: t.other.businessId,
      });
      expect(foreign.status).toBe(200);
      expect(t.logged('payment.unknown_reference', order.reference)).toHaveLength(1);
      expect(await inboxCount(db, { source: provider })).toBe(inboxBefore);
      expect((await conversationOf(db, from))?.state).toBe('checkout');
    });

    it('refuses a wrong amount or currency (logged with why) and a body PostgreSQL cannot store', async () => {
      const { db, driver } = t;
      const { from, c, order } = await t.checkout('buy TOTE x1');
      const inboxBefore = await inboxCount(db, { source: provider });
      const short = order.totalMinor - 100;

      expect((await t.post(driver.paid(order, { amountMinor: short }))).status).toBe(200);
      expect((await t.post(driver.paid(order, { currency: 'GHS' }))).status).toBe(200);
      // A signed body holding text PostgreSQL cannot store: 400, not a failed query (L3).
      const withNul = { ...(driver.paid(order) as object), note: 'nul \u0000 here' };
      expect((await t.post(withNul)).status).toBe(400);

      expect(t.logged('payment.mismatch', order.reference).map((l) => String(l.reason))).toEqual([
        expect.stringContaining(`amount ${short}`),
        expect.stringContaining('currency GHS'),
      ]);
      expect(await inboxCount(db, { source: provider })).toBe(inboxBefore);
      expect((await conversationOf(db, from))?.state).toBe('checkout');
      expect((await ordersOf(db, c.id))[0]).toMatchObject({
        status: 'pending',
        paymentStatus: 'pending',
      });
    });

    it('pays exactly once: a redelivery, a second success report and a late failure change nothing', async () => {
      const { db, driver, shop } = t;
      const before = await stockOf(db, shop.businessId, 'TOTE');
      const { from, c, order } = await t.checkout('buy TOTE x1');
      const inboxBefore = await inboxCount(db, { source: provider });

      const paid = driver.paid(order);
      const delivery = driver.sign(paid, t.credentials);
      expect((await t.postDelivery(delivery)).status).toBe(200);
      await waitForState(db, from, 'paid');
      expect((await t.postDelivery(delivery)).status).toBe(200);
      // Another success report for the paid reference (a new event, not a redelivery).
      expect((await t.post(driver.paid(order))).status).toBe(200);
      expect((await t.post(driver.lateFailure(order, paid))).status).toBe(200);

      expect(await inboxCount(db, { source: provider })).toBe(inboxBefore + 1);
      expect(t.logged('payment.duplicate', order.reference)).toHaveLength(3);
      await waitForOrderStatus(db, c.id, 'paid');
      await settle();
      expect((await ordersOf(db, c.id))[0]?.paymentStatus).toBe('succeeded');
      expect(await stockOf(db, shop.businessId, 'TOTE')).toBe(before - 1);
      expect(t.toCustomer(c.id, /Payment received/)).toHaveLength(1);
    });

    it('records a failed payment: payment.failed, the customer told, the bot back in charge', async () => {
      const { db, driver } = t;
      const { from, c, order } = await t.checkout('buy MUG x1');
      expect((await t.post(driver.failed(order))).status).toBe(200);
      await waitForState(db, from, 'bot');
      await waitForMessage(t.sent, () => c.id, /didn't go through/, 'the failure note');
      expect((await ordersOf(db, c.id))[0]?.paymentStatus).toBe('failed');
      expect(await eventTypes(db, c.id)).toContain('payment.failed');

      if (!driver.pageAllowsRetry) return;
      // The hosted page allows another try; the money arrives after the conversation moved on.
      expect((await t.post(driver.paid(order))).status).toBe(200);
      await waitForState(db, from, 'paid');
      await waitForMessage(t.sent, () => c.id, /Payment received/, 'receipt');
      expect((await eventTypes(db, c.id)).slice(-2)).toEqual([
        'payment.succeeded',
        'checkout.created',
      ]);
    });
  });
}
