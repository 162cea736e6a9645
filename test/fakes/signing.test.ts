import { createHmac, timingSafeEqual } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { metaAttachment, metaTextMessage } from './meta-payloads';
import {
  flutterwaveChargeCompleted,
  paystackChargeSuccess,
  stripeCheckoutCompleted,
} from './payment-payloads';
import {
  metaSignedRequest,
  signFlutterwaveDelivery,
  signMetaDelivery,
  signPaystackDelivery,
  signStripeDelivery,
} from './signing';

const hmacHex = (algorithm: string, key: string, body: string) =>
  createHmac(algorithm, key).update(body).digest('hex');

/** What a receiver does: constant-time compare of the header with its own HMAC of the raw bytes. */
const verifyMeta = (body: string, header: string, secret: string) => {
  const expected = Buffer.from(`sha256=${hmacHex('sha256', secret, body)}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
};

describe('Meta signing', () => {
  it('signs Meta-style escaped JSON so raw-byte verification passes and re-serialising does not', () => {
    const payload = metaAttachment({
      channel: 'instagram',
      pageId: '17841400000000001',
      from: '9876543210987654',
      type: 'image',
      url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1',
      text: 'Ist das grün? 😀',
    });
    const { body, headers } = signMetaDelivery(payload, 'app-secret');
    expect(body).toContain('gr\\u00fcn? \\ud83d\\ude00');
    expect(body).toContain('https:\\/\\/lookaside');
    expect(JSON.parse(body)).toEqual(payload);
    const header = headers['x-hub-signature-256'] ?? '';
    expect(verifyMeta(body, header, 'app-secret')).toBe(true);
    expect(headers['x-hub-signature']).toBe(`sha1=${hmacHex('sha1', 'app-secret', body)}`);
    // The classic bug: hashing JSON.stringify(parsed) instead of the bytes received.
    expect(verifyMeta(JSON.stringify(JSON.parse(body)), header, 'app-secret')).toBe(false);
    expect(verifyMeta(body.replace('Ist das', 'Ist der'), header, 'app-secret')).toBe(false);
    expect(verifyMeta(body, header, 'other-secret')).toBe(false);
  });

  it('makes signed_request values that Meta’s documented parser accepts', () => {
    const signed = metaSignedRequest({ user_id: '218471', issued_at: 1291836800 }, 'app-secret');
    // Meta's PHP sample: HMAC of the *encoded* payload, base64url both parts.
    const [sig = '', encoded = ''] = signed.split('.', 2);
    const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({ algorithm: 'HMAC-SHA256', user_id: '218471' });
    const expected = createHmac('sha256', 'app-secret').update(encoded).digest();
    expect(timingSafeEqual(Buffer.from(sig, 'base64url'), expected)).toBe(true);
    expect(signed).not.toMatch(/[+/=]/);
  });
});

describe('Stripe signing', () => {
  const stripe = new Stripe('sk_test_fake');
  const event = stripeCheckoutCompleted({ clientReferenceId: 'order-9', amountTotal: 5000 });

  it('produces a Stripe-Signature that constructEvent accepts', () => {
    const { body, headers } = signStripeDelivery(event, 'whsec_test');
    const parsed = stripe.webhooks.constructEvent(
      body,
      headers['stripe-signature'] ?? '',
      'whsec_test',
    );
    expect(parsed).toMatchObject({ id: event.id, type: 'checkout.session.completed' });
    expect(headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}/);
  });

  it('fails verification for a tampered body, another secret or a stale timestamp', () => {
    const { body, headers } = signStripeDelivery(event, 'whsec_test');
    const header = headers['stripe-signature'] ?? '';
    const construct = (b: string, h: string, s: string) => () =>
      stripe.webhooks.constructEvent(b, h, s);
    expect(construct(body.replace('5000', '1'), header, 'whsec_test')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(construct(body, header, 'whsec_other')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    const stale = signStripeDelivery(event, 'whsec_test', Math.floor(Date.now() / 1000) - 600);
    expect(construct(stale.body, stale.headers['stripe-signature'] ?? '', 'whsec_test')).toThrow(
      /tolerance zone/i,
    );
  });
});

describe('Paystack and Flutterwave signing', () => {
  it('signs Paystack bodies with hex HMAC-SHA512 of the raw bytes', () => {
    const event = paystackChargeSuccess({ reference: 'ref-1', amount: 2_500_000 });
    const { body, headers } = signPaystackDelivery(event, 'sk_test_tenant');
    expect(headers['x-paystack-signature']).toBe(hmacHex('sha512', 'sk_test_tenant', body));
    expect(headers['x-paystack-signature']).toHaveLength(128);
  });

  it('sends the Flutterwave secret hash verbatim plus the base64 HMAC header', () => {
    const event = flutterwaveChargeCompleted({ txRef: 'tx-1', amount: 15_000 });
    const { body, headers } = signFlutterwaveDelivery(event, 'my-secret-hash');
    expect(headers['verif-hash']).toBe('my-secret-hash');
    expect(headers['flutterwave-signature']).toBe(
      createHmac('sha256', 'my-secret-hash').update(body).digest('base64'),
    );
  });
});

describe('builders feed signing', () => {
  it('keeps WhatsApp payloads byte-stable through signing', () => {
    const payload = metaTextMessage({
      channel: 'whatsapp',
      pageOrPhoneId: '106540352242922',
      from: '16505551234',
      text: 'Nataka vikombe viwili ☕',
    });
    const { body, headers } = signMetaDelivery(payload, 's');
    expect(verifyMeta(body, headers['x-hub-signature-256'] ?? '', 's')).toBe(true);
  });
});
