import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage } from '../../server/runtime/effects';
import { startFakePaystack, type FakePaystack } from '../fakes/paystack.fake';
import {
  customerSays,
  openShop,
  postPaymentWebhook,
  shopRuntime,
  waitForMessage,
  type Shop,
} from '../helpers/commerce';
import { checkoutOrder, waitForOrderStatus, waitForState } from '../helpers/probe';
import { waitUntil } from '../helpers/seed';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { describeModes } from '../helpers/modes';

/**
 * Security review M3 (issue 16, item 4): owner e-mail never waits inside a webhook request or
 * another job. The SMTP server accepts connections and never greets (a tarpit), with a
 * per-attempt timeout of a minute, so anything that awaited the mail would hang past the
 * test's own timeout. When the server recovers, the queue delivers each mail exactly once.
 */
describeModes('owner e-mail off the hot path', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let paystack: FakePaystack;
  let smtp: SmtpSink;
  let shopA: Shop;
  let shopB: Shop;
  const keyA = `sk_test_${randomBytes(10).toString('hex')}`;
  const keyB = `sk_test_${randomBytes(10).toString('hex')}`;
  const sent: OutboundMessage[] = [];

  beforeAll(async () => {
    [paystack, smtp] = await Promise.all([startFakePaystack(), startSmtpSink()]);
    smtp.stall(true);
    node = await cluster.start(
      {
        ...paystack.env,
        SMTP_URL: smtp.url,
        SMTP_TIMEOUT_MS: '60000',
        EMAIL_RETRY_DELAY_SECONDS: '1',
      },
      { ...shopRuntime(() => db, sent) },
    );
    db = node.app.database;
    shopA = await openShop(node, { provider: 'paystack', secretKey: keyA }, 'NGN');
    shopB = await openShop(node, { provider: 'paystack', secretKey: keyB }, 'NGN');
  });
  afterAll(async () => {
    await paystack?.close();
    await smtp?.[Symbol.asyncDispose]();
  });

  const checkout = async (shop: Shop) => {
    const from = `44${randomBytes(5).readUIntBE(0, 5)}`;
    await customerSays(node, shop, from, 'buy MUG x1');
    const c = await waitForState(db, from, 'checkout');
    await waitForMessage(sent, () => c.id, /secure payment link/, 'the link');
    return { from, c, order: await checkoutOrder(db, c.id) };
  };
  const mailsTo = (shop: Shop) =>
    smtp.mails.filter((m) => m.to.some((t) => t.includes(shop.owner.email)));

  it(
    'answers webhooks and fulfils other tenants’ orders while the SMTP server stalls',
    {
      timeout: 60_000,
    },
    async () => {
      const a = await checkout(shopA);
      const b = await checkout(shopB);

      // Tenant A: the provider reports less than the order; the owner must be told.
      const short = paystack.markPaid(a.order.reference, { amount: 100 });
      const mismatch = paystack.signedEvent(short, keyA);
      const answered = await postPaymentWebhook(node, 'paystack', shopA.businessId, mismatch);
      expect(answered.status).toBe(200);
      // Redelivered, as Paystack does when it waits too long: still one mail in the end.
      expect((await postPaymentWebhook(node, 'paystack', shopA.businessId, mismatch)).status).toBe(
        200,
      );

      // Tenant B is paid meanwhile: the order is fulfilled and the receipt goes out.
      const paid = paystack.signedEvent(paystack.markPaid(b.order.reference), keyB);
      expect((await postPaymentWebhook(node, 'paystack', shopB.businessId, paid)).status).toBe(200);
      await waitForState(db, b.from, 'paid');
      await waitForMessage(sent, () => b.c.id, /Payment received/, 'B’s receipt');
      await waitForOrderStatus(db, b.c.id, 'paid');
      // Everything above happened with an e-mail attempt stuck on the tarpit, and none sent.
      await waitUntil(() => Promise.resolve(smtp.connections > 0), 'an SMTP attempt');
      expect(smtp.mails).toEqual([]);

      // The server recovers (the stuck connections drop): the queue retries and delivers.
      smtp.stall(false);
      // One mail per notice however often it was raised (each owner also got one when the
      // shop's Paystack keys were saved).
      const notices = () => ({
        a: mailsTo(shopA).filter((m) => /needs a look/.test(m.data)),
        b: mailsTo(shopB).filter((m) => /paid \(25\.00 NGN\)/.test(m.data)),
      });
      await waitUntil(
        () => Promise.resolve(notices().a.length > 0 && notices().b.length > 0),
        'both owners’ notices after the SMTP server recovered',
        30_000,
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(notices().a).toHaveLength(1);
      expect(notices().b).toHaveLength(1);
    },
  );
});
