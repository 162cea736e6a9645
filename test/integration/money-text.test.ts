import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.fake';
import { checkoutOrder, waitForConversation } from '../helpers/probe';
import { registerBusiness, type Signup } from '../helpers/auth';
import { connectChannel } from '../helpers/channels';
import { postPaymentWebhook } from '../helpers/commerce';
import { request } from '../helpers/http';
import { postMetaText } from '../helpers/meta';
import { waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

/** One product per currency, priced in its ISO 4217 minor units, and the text a customer reads. */
const PRODUCTS = [
  { sku: 'LAMP', name: 'Paper lamp', currency: 'JPY', priceMinor: 1500, shown: '1,500 JPY' },
  { sku: 'CLOTH', name: 'Wax cloth', currency: 'XOF', priceMinor: 150_000, shown: '150,000 XOF' },
  { sku: 'OUD', name: 'Oud oil', currency: 'KWD', priceMinor: 1500, shown: '1.500 KWD' },
  {
    sku: 'BAG',
    name: 'Leather bag',
    currency: 'NGN',
    priceMinor: 1_500_050,
    shown: '15,000.50 NGN',
  },
  { sku: 'MUG', name: 'Blue mug', currency: 'USD', priceMinor: 1250, shown: '12.50 USD' },
] as const;

/**
 * Issue 16, "Correct money everywhere": the machine and the AI wrote `minor / 100` with two
 * decimals, so a 1,500 JPY link read "15.00 JPY", 150,000 XOF "1500.00 XOF", and KWD was 10×
 * off. End to end, through the offline bot, the machine's link, Stripe and the receipt, each
 * currency reads as its ISO 4217 exponent says, in what the Graph API is asked to send.
 */
describeModes("money in customers' messages", (cluster) => {
  let graph: FakeMetaGraph;
  let stripe: FakeStripe;
  let node: RunningNode;
  let owner: Signup;
  const phone = String(1e14 + Math.floor(Math.random() * 1e13));
  const webhookSecret = `whsec_${randomBytes(10).toString('hex')}`;

  beforeAll(async () => {
    [graph, stripe] = await Promise.all([startFakeMetaGraph(), startFakeStripe({ webhookSecret })]);
    node = await cluster.start({ ...graph.env, ...stripe.env });
    owner = await registerBusiness(node.url, 'Five currencies');
    const stripeSettings = await request(node.url, '/api/payment-providers/stripe', {
      method: 'PUT',
      token: owner.accessToken,
      json: {
        secretKey: 'sk_test_money',
        webhookSecret,
        enabled: true,
        password: owner.password,
      },
    });
    expect(stripeSettings.status).toBe(200);
    for (const { sku, name, currency, priceMinor } of PRODUCTS) {
      const res = await request(node.url, '/api/products', {
        token: owner.accessToken,
        json: { sku, name, currency, priceMinor, stock: 10 },
      });
      expect(res.status).toBe(201);
    }
    await connectChannel(node.url, graph, owner.accessToken, {
      channel: 'whatsapp',
      externalId: phone,
    });
  });
  afterAll(async () => {
    await Promise.all([graph?.close(), stripe?.close()]);
  });

  const says = async (from: string, text: string) => {
    const res = await postMetaText(node.url, {
      channel: 'whatsapp',
      pageOrPhoneId: phone,
      from,
      text,
    });
    expect(res.status).toBe(200);
  };
  const received = (from: string, match: RegExp) =>
    waitUntil(
      () => Promise.resolve(graph.sentTo(from).find((s) => match.test(s.text ?? ''))),
      `a message matching ${match} to ${from}`,
    );
  const quoted = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  for (const product of PRODUCTS) {
    it(`says ${product.shown} in the answer, the payment link and the receipt`, async () => {
      const from = `234${randomBytes(4).readUInt32BE(0)}`;
      const amount = quoted(product.shown);
      await says(from, `How much is the ${product.name.toLowerCase()}?`);
      await received(from, new RegExp(`^${quoted(product.name)}: ${amount}\\.$`));

      await says(from, `I want 1 ${product.name.toLowerCase()}`);
      await received(from, new RegExp(`1 × ${quoted(product.name)} comes to ${amount}\\.`));
      const link = await received(from, new RegExp(`payment link for ${amount}: https?://`));
      // Stripe is sent its own units: the same integers here (ISO and Stripe agree on these).
      const session = stripe.requests.find(
        (r) =>
          r.path === '/v1/checkout/sessions' &&
          JSON.stringify(r.body).includes(`"unit_amount":"${product.priceMinor}"`),
      );
      expect(session, link.text).toBeDefined();

      const c = await waitForConversation(node.app.database, from);
      const order = await checkoutOrder(node.app.database, c.id);
      const delivery = stripe.signedEvent(stripe.completeSession(order.providerPaymentId!));
      expect((await postPaymentWebhook(node, 'stripe', owner.business.id, delivery)).status).toBe(
        200,
      );
      await received(from, new RegExp(`Payment received, thank you! We got ${amount}\\.`));
    });
  }
});
