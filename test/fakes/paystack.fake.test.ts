import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { request } from '../helpers/http';
import { paystackError, startFakePaystack } from './paystack.fake';

const KEY = 'sk_test_tenant42';

interface Envelope<T = Record<string, unknown>> {
  status: boolean;
  message: string;
  data: T;
}

describe('fake Paystack', () => {
  it('initializes a transaction in minor units and verifies it once paid', async () => {
    await using paystack = await startFakePaystack({ secretKey: KEY });
    const init = await request<
      Envelope<{ authorization_url: string; access_code: string; reference: string }>
    >(paystack.url, '/transaction/initialize', {
      json: {
        email: 'ada@example.com',
        amount: 2_500_000,
        currency: 'NGN',
        reference: 'order-42.a',
        metadata: { orderId: '42' },
      },
      token: KEY,
    });
    expect(init.status).toBe(200);
    expect(init.body).toMatchObject({ status: true, message: 'Authorization URL created' });
    expect(init.body.data.reference).toBe('order-42.a');
    expect(init.body.data.authorization_url).toBe(
      `https://checkout.paystack.com/${init.body.data.access_code}`,
    );

    const verify = () =>
      request<Envelope>(paystack.url, '/transaction/verify/order-42.a', { token: KEY });
    const before = await verify();
    expect(before.body).toMatchObject({
      status: true,
      data: { status: 'abandoned', amount: 2_500_000 },
    });

    const event = paystack.markPaid('order-42.a');
    expect(event).toMatchObject({
      event: 'charge.success',
      data: { reference: 'order-42.a', amount: 2_500_000, status: 'success' },
    });
    const after = await verify();
    expect(after.body).toMatchObject({
      status: true,
      message: 'Verification successful',
      data: {
        status: 'success',
        reference: 'order-42.a',
        amount: 2_500_000,
        currency: 'NGN',
        metadata: { orderId: '42' },
      },
    });
    expect(after.body.data.id).toBe(event.data.id);
  });

  it('reports a short payment and failures through verify', async () => {
    await using paystack = await startFakePaystack();
    const init = await request<Envelope<{ reference: string }>>(
      paystack.url,
      '/transaction/initialize',
      {
        json: { email: 'a@b.co', amount: '10000' },
        token: 'sk_test_x',
      },
    );
    const { reference } = init.body.data;
    paystack.markPaid(reference, { amount: 5000 });
    const short = await request<Envelope>(paystack.url, `/transaction/verify/${reference}`, {
      token: 'sk_test_x',
    });
    expect(short.body.data).toMatchObject({
      status: 'success',
      amount: 5000,
      requested_amount: 10000,
    });
    paystack.markFailed(reference);
    const failed = await request<Envelope>(paystack.url, `/transaction/verify/${reference}`, {
      token: 'sk_test_x',
    });
    expect(failed.body.data.status).toBe('failed');
  });

  it('answers Paystack error envelopes for bad keys, amounts, duplicates and unknown references', async () => {
    await using paystack = await startFakePaystack({ secretKey: KEY });
    const init = (json: object, token = KEY) =>
      request<Envelope>(paystack.url, '/transaction/initialize', { json, token });
    const badKey = await init({ email: 'a@b.co', amount: 100 }, 'sk_test_other');
    expect([badKey.status, badKey.body]).toEqual([401, { status: false, message: 'Invalid key' }]);
    expect((await init({ email: 'a@b.co', amount: 150.5 })).body.message).toBe(
      'Invalid Amount Sent',
    );
    expect((await init({ email: 'nope', amount: 100 })).body.message).toBe(
      'Invalid Email Address Passed',
    );
    await init({ email: 'a@b.co', amount: 100, reference: 'dup' });
    const dup = await init({ email: 'a@b.co', amount: 100, reference: 'dup' });
    expect([dup.status, dup.body.message]).toEqual([400, 'Duplicate Transaction Reference']);
    const missing = await request<Envelope>(paystack.url, '/transaction/verify/nope', {
      token: KEY,
    });
    expect(missing.body).toEqual({ status: false, message: 'Transaction reference not found' });

    paystack.failNext(1, paystackError(503, 'Service unavailable'));
    expect((await init({ email: 'a@b.co', amount: 100 })).status).toBe(503);
  });

  it('signs charge.success with HMAC-SHA512 of the secret key', async () => {
    await using paystack = await startFakePaystack({ secretKey: KEY });
    await request(paystack.url, '/transaction/initialize', {
      json: { email: 'a@b.co', amount: 100, reference: 'r1' },
      token: KEY,
    });
    const delivery = paystack.signedEvent(paystack.markPaid('r1'));
    expect(delivery.headers['x-paystack-signature']).toBe(
      createHmac('sha512', KEY).update(delivery.body).digest('hex'),
    );
  });
});
