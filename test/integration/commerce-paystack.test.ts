import { expect, it } from 'vitest';
import { waitForMessage } from '../helpers/commerce';
import { describeModes } from '../helpers/modes';
import { paymentShop, paystackDriver } from '../helpers/payments';
import { eventTypes, waitForConversation, waitForState } from '../helpers/probe';
import { customerSays } from '../helpers/commerce';
import { waitUntil } from '../helpers/seed';

/**
 * Paystack only: Parley picks the reference before it calls Paystack, so a payment can be
 * reported before the link's creation has even answered. The behaviours every provider shares
 * are in test/contracts/payment-provider.contract.test.ts.
 */
describeModes('Paystack checkout', (cluster) => {
  const t = paymentShop(cluster, paystackDriver);

  it('applies a payment whose webhook arrives before the checkout event', async () => {
    const { db, driver } = t;
    const from = t.newCustomer();
    const held = driver.proxy.holdNext('POST', '/transaction/initialize');
    await customerSays(t.node, t.shop, from, 'buy MUG x1');
    const exchange = await held;
    const reference = (exchange.body as { reference: string }).reference;
    const early = driver.fake.markPaid(reference);
    expect((await t.post(early)).status).toBe(200);
    const c = await waitForConversation(db, from);
    await waitUntil(
      async () => (await eventTypes(db, c.id)).includes('payment.succeeded'),
      'the early payment to be applied',
    );
    exchange.release();

    await waitForState(db, from, 'paid');
    const types = await eventTypes(db, c.id);
    expect(types.indexOf('payment.succeeded')).toBeLessThan(types.indexOf('checkout.created'));
    await waitForMessage(t.sent, () => c.id, /Payment received/, 'the receipt');
    // Paid before the link was ever shown: no link is sent after the fact.
    expect(t.toCustomer(c.id, /paystack/)).toEqual([]);
  });
});
