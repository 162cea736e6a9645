import { expect, it } from 'vitest';
import { flutterwaveLegacyCharge } from '../fakes/payment-payloads';
import { signFlutterwaveDelivery } from '../fakes/signing';
import { waitForMessage } from '../helpers/commerce';
import { describeModes } from '../helpers/modes';
import { flutterwaveDriver, paymentShop } from '../helpers/payments';
import { conversationOf, inboxCount, waitForState } from '../helpers/probe';

/**
 * Flutterwave only: two webhook shapes and two signature headers, and a `verif-hash` that does
 * not cover the body, so verify is what catches a rewritten amount. The behaviours every
 * provider shares are in test/contracts/payment-provider.contract.test.ts.
 */
describeModes('Flutterwave checkout', (cluster) => {
  const t = paymentShop(cluster, flutterwaveDriver);
  const secretHash = () => t.credentials.webhookSecret ?? '';

  it('accepts the flat legacy shape and the flutterwave-signature header alone', async () => {
    const { from, c, order } = await t.checkout('buy TOTE x1');
    const paid = t.driver.fake.markPaid(order.reference);
    const flat = flutterwaveLegacyCharge({
      txRef: order.reference,
      amount: 12,
      currency: 'NGN',
      id: paid.data.id,
    });
    const signed = signFlutterwaveDelivery(flat, secretHash());
    const { 'verif-hash': _dropped, ...onlyHmac } = signed.headers;
    expect((await t.postDelivery({ body: signed.body, headers: onlyHmac })).status).toBe(200);
    await waitForState(t.db, from, 'paid');
    await waitForMessage(t.sent, () => c.id, /Payment received/, 'receipt');
  });

  it('refuses a rewritten body that passes verif-hash: verify disagrees, nothing is paid', async () => {
    const { from, order } = await t.checkout('buy TOTE x2');
    const inboxBefore = await inboxCount(t.db, { source: 'flutterwave' });
    const good = t.driver.fake.markPaid(order.reference);
    const rewritten = { ...good, data: { ...good.data, amount: 99 } };
    const hashOnly = signFlutterwaveDelivery(rewritten, secretHash());
    const { 'flutterwave-signature': _sig, ...verifHashOnly } = hashOnly.headers;
    expect((await t.postDelivery({ body: hashOnly.body, headers: verifHashOnly })).status).toBe(
      200,
    );
    // The HMAC header does cover the body: with it alone the rewrite is refused outright.
    const { 'verif-hash': _hash, ...hmacOnly } = hashOnly.headers;
    const hmacOfGood =
      signFlutterwaveDelivery(good, secretHash()).headers['flutterwave-signature'] ?? '';
    expect(
      (
        await t.postDelivery({
          body: hashOnly.body,
          headers: { ...hmacOnly, 'flutterwave-signature': hmacOfGood },
        })
      ).status,
    ).toBe(401);

    expect(t.logged('payment.mismatch', order.reference).map((l) => String(l.reason))).toEqual([
      expect.stringContaining('the webhook says 9900'),
    ]);
    expect(await inboxCount(t.db, { source: 'flutterwave' })).toBe(inboxBefore);
    expect((await conversationOf(t.db, from))?.state).toBe('checkout');
  });
});
