import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { flutterwaveNotice, verifyFlutterwaveSignature } from './flutterwave-webhook';
import { noticeKey } from './payment-notice';
import { paystackNotice, verifyPaystackSignature } from './paystack-webhook';
import { stripeNotice, verifyStripeEvent } from './stripe-webhook';

const session = (extra: Record<string, unknown> = {}) => ({
  id: 'cs_test_1',
  object: 'checkout.session',
  client_reference_id: 'pl-abc-1',
  payment_status: 'paid',
  amount_total: 2500,
  currency: 'usd',
  ...extra,
});
const event = (type: string, object: Record<string, unknown>) => ({
  id: 'evt_1',
  object: 'event',
  type,
  data: { object },
});

describe('Stripe webhooks', () => {
  const secret = 'whsec_unit';
  const body = JSON.stringify(event('checkout.session.completed', session()));
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret });

  it('verifies the signature on the raw bytes with the endpoint secret', () => {
    expect(verifyStripeEvent(Buffer.from(body), header, secret)?.id).toBe('evt_1');
    expect(verifyStripeEvent(Buffer.from(body.replace('2500', '2501')), header, secret)).toBeNull();
    expect(verifyStripeEvent(Buffer.from(body), header, 'whsec_other')).toBeNull();
    expect(verifyStripeEvent(Buffer.from(body), undefined, secret)).toBeNull();
    const old = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(verifyStripeEvent(Buffer.from(body), old, secret)).toBeNull();
  });

  it('reads paid sessions as successes, async failures as failures, the rest as ignored', () => {
    const paid = stripeNotice(event('checkout.session.completed', session()) as never);
    expect(paid).toMatchObject({
      kind: 'succeeded',
      eventId: 'evt_1',
      reference: 'pl-abc-1',
      amountMinor: 2500,
      currency: 'USD',
      providerPaymentId: 'cs_test_1',
    });
    expect(noticeKey(paid as never)).toBe('evt_1');
    const unpaid = event('checkout.session.completed', session({ payment_status: 'unpaid' }));
    expect(stripeNotice(unpaid as never).kind).toBe('ignored');
    const failed = event(
      'checkout.session.async_payment_failed',
      session({ payment_status: 'unpaid' }),
    );
    expect(stripeNotice(failed as never).kind).toBe('failed');
    expect(stripeNotice(event('checkout.session.expired', session()) as never).kind).toBe(
      'ignored',
    );
    const foreign = event('checkout.session.completed', session({ client_reference_id: null }));
    expect(stripeNotice(foreign as never).kind).toBe('ignored');
  });
});

describe('Paystack webhooks', () => {
  const key = 'sk_test_unit';
  const body = JSON.stringify({
    event: 'charge.success',
    data: { id: 42, status: 'success', reference: 'pl-abc-1', amount: 500000, currency: 'NGN' },
  });
  const sign = (raw: string, k = key) => createHmac('sha512', k).update(raw).digest('hex');

  it('checks the HMAC-SHA512 of the raw body with the secret key', () => {
    expect(verifyPaystackSignature(Buffer.from(body), sign(body), key)).toBe(true);
    expect(verifyPaystackSignature(Buffer.from(body), sign(body).toUpperCase(), key)).toBe(true);
    expect(verifyPaystackSignature(Buffer.from(`${body} `), sign(body), key)).toBe(false);
    expect(verifyPaystackSignature(Buffer.from(body), sign(body, 'sk_other'), key)).toBe(false);
    expect(verifyPaystackSignature(Buffer.from(body), 'abc', key)).toBe(false);
    expect(verifyPaystackSignature(Buffer.from(body), undefined, key)).toBe(false);
  });

  it('reads charge.success in kobo, keyed by reference and outcome', () => {
    const notice = paystackNotice(JSON.parse(body));
    expect(notice).toMatchObject({ kind: 'succeeded', amountMinor: 500000, currency: 'NGN' });
    expect(noticeKey(notice as never)).toBe('pl-abc-1:succeeded');
    expect(paystackNotice({ event: 'transfer.success', data: {} }).kind).toBe('ignored');
  });
});

describe('Flutterwave webhooks', () => {
  const hash = 'my-dashboard-hash';
  const envelope = {
    event: 'charge.completed',
    data: { id: 7, tx_ref: 'pl-abc-1', status: 'successful', amount: 1500.5, currency: 'NGN' },
    'event.type': 'CARD_TRANSACTION',
  };
  const raw = Buffer.from(JSON.stringify(envelope));

  it('accepts verif-hash verbatim, else the base64 HMAC-SHA256 flutterwave-signature', () => {
    const hmac = createHmac('sha256', hash).update(raw).digest('base64');
    expect(verifyFlutterwaveSignature(raw, { verifHash: hash, signature: undefined }, hash)).toBe(
      true,
    );
    expect(verifyFlutterwaveSignature(raw, { verifHash: undefined, signature: hmac }, hash)).toBe(
      true,
    );
    expect(verifyFlutterwaveSignature(raw, { verifHash: 'nope', signature: hmac }, hash)).toBe(
      true,
    );
    expect(verifyFlutterwaveSignature(raw, { verifHash: 'nope', signature: undefined }, hash)).toBe(
      false,
    );
    const other = Buffer.from(JSON.stringify({ ...envelope, x: 1 }));
    expect(verifyFlutterwaveSignature(other, { verifHash: undefined, signature: hmac }, hash)).toBe(
      false,
    );
    expect(
      verifyFlutterwaveSignature(raw, { verifHash: undefined, signature: undefined }, hash),
    ).toBe(false);
  });

  it('reads the envelope and the flat legacy shape, in minor units; failed charges are failures', () => {
    expect(flutterwaveNotice(envelope)).toMatchObject({
      kind: 'succeeded',
      reference: 'pl-abc-1',
      amountMinor: 150050,
      currency: 'NGN',
      providerPaymentId: '7',
    });
    const flat = {
      id: 7,
      txRef: 'pl-abc-1',
      amount: 1500.5,
      status: 'successful',
      currency: 'NGN',
    };
    expect(flutterwaveNotice(flat)).toMatchObject({ kind: 'succeeded', amountMinor: 150050 });
    const failed = { ...envelope, data: { ...envelope.data, status: 'failed' } };
    expect(flutterwaveNotice(failed)).toMatchObject({ kind: 'failed', reference: 'pl-abc-1' });
    const pending = { ...envelope, data: { ...envelope.data, status: 'pending' } };
    expect(flutterwaveNotice(pending).kind).toBe('ignored');
    expect(flutterwaveNotice({ event: 'transfer.completed', data: envelope.data }).kind).toBe(
      'ignored',
    );
    expect(flutterwaveNotice('nonsense').kind).toBe('ignored');
  });
});
