import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { startFakeStripe, stripeError, type FakeStripe } from './stripe.fake';

const client = (fake: FakeStripe, key = 'sk_test_fake') =>
  new Stripe(key, { ...fake.clientOptions, maxNetworkRetries: 0, telemetry: false });

const params: Stripe.Checkout.SessionCreateParams = {
  mode: 'payment',
  client_reference_id: 'order-42',
  success_url: 'https://parley.test/paid',
  metadata: { orderId: 'order-42' },
  line_items: [
    {
      quantity: 2,
      price_data: { currency: 'usd', unit_amount: 2500, product_data: { name: 'Blue mug' } },
    },
  ],
};

describe('fake Stripe', () => {
  it('creates, retrieves (with line items) and expires Checkout Sessions through stripe-node', async () => {
    await using fake = await startFakeStripe();
    const stripe = client(fake);
    const session = await stripe.checkout.sessions.create(params);
    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 5000,
      currency: 'usd',
      client_reference_id: 'order-42',
      metadata: { orderId: 'order-42' },
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toContain(session.id);
    expect(fake.requests[0]?.headers['content-type']).toContain(
      'application/x-www-form-urlencoded',
    );
    expect(fake.requests[0]?.body).toMatchObject({ line_items: [{ quantity: '2' }] });

    const fetched = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(fetched.line_items?.data[0]).toMatchObject({
      quantity: 2,
      amount_total: 5000,
      description: 'Blue mug',
    });

    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
  });

  it('honours Idempotency-Key: same key → same session; other params → idempotency_error', async () => {
    await using fake = await startFakeStripe();
    const stripe = client(fake);
    const first = await stripe.checkout.sessions.create(params, {
      idempotencyKey: 'order-42-link',
    });
    const again = await stripe.checkout.sessions.create(params, {
      idempotencyKey: 'order-42-link',
    });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    const other = await stripe.checkout.sessions.create(params, { idempotencyKey: 'another' });
    expect(other.id).not.toBe(first.id);

    const conflicting = await stripe.checkout.sessions
      .create({ ...params, client_reference_id: 'order-43' }, { idempotencyKey: 'order-42-link' })
      .catch((e: unknown) => e);
    expect(conflicting).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('completes a session and signs the matching checkout.session.completed event', async () => {
    await using fake = await startFakeStripe({ webhookSecret: 'whsec_fake' });
    const stripe = client(fake);
    const session = await stripe.checkout.sessions.create(params);
    const event = fake.completeSession(session.id);
    const delivery = fake.signedEvent(event);
    const verified = stripe.webhooks.constructEvent(
      delivery.body,
      delivery.headers['stripe-signature'] ?? '',
      'whsec_fake',
    );
    expect(verified).toMatchObject({
      type: 'checkout.session.completed',
      api_version: Stripe.API_VERSION,
      data: {
        object: {
          id: session.id,
          status: 'complete',
          payment_status: 'paid',
          client_reference_id: 'order-42',
          amount_total: 5000,
        },
      },
    });
    const retrieved = await stripe.checkout.sessions.retrieve(session.id);
    expect(retrieved.payment_status).toBe('paid');
    expect(retrieved.payment_intent).toMatch(/^pi_/);
  });

  it('answers Stripe error envelopes the SDK maps to typed errors', async () => {
    await using fake = await startFakeStripe({ secretKey: 'sk_test_right', prices: {} });
    await expect(
      client(fake, 'sk_test_wrong').checkout.sessions.create(params),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const stripe = client(fake, 'sk_test_right');
    const missing = await stripe.checkout.sessions
      .retrieve('cs_test_nope')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing' });

    const unknownPrice = await stripe.checkout.sessions
      .create({ mode: 'payment', line_items: [{ price: 'price_missing', quantity: 1 }] })
      .catch((e: unknown) => e);
    expect(unknownPrice).toMatchObject({ code: 'resource_missing', param: 'line_items[0][price]' });

    fake.failNext(1, stripeError(429));
    await expect(stripe.checkout.sessions.create(params)).rejects.toBeInstanceOf(
      Stripe.errors.StripeRateLimitError,
    );
    fake.failNext(1);
    await expect(stripe.checkout.sessions.create(params)).rejects.toBeInstanceOf(
      Stripe.errors.StripeAPIError,
    );
  });

  it('resolves price ids it was given', async () => {
    await using fake = await startFakeStripe({
      prices: { price_mug: { unit_amount: 1500, currency: 'eur', name: 'Mug' } },
    });
    const session = await client(fake).checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: 'price_mug', quantity: 3 }],
    });
    expect(session).toMatchObject({ amount_total: 4500, currency: 'eur' });
  });
});
