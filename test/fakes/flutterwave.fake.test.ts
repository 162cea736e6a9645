import { describe, expect, it } from 'vitest';
import { request } from '../helpers/http';
import { flutterwaveError, startFakeFlutterwave } from './flutterwave.fake';

const KEY = 'FLWSECK_TEST-abc123-X';

interface Envelope<T = Record<string, unknown>> {
  status: 'success' | 'error';
  message: string;
  data: T;
}

const payment = (txRef: string, amount: number | string = 15000.5) => ({
  tx_ref: txRef,
  amount,
  currency: 'NGN',
  redirect_url: 'https://parley.test/flw/return',
  customer: { email: 'chidi@example.com', name: 'Chidi Okafor' },
  customizations: { title: 'Order 42' },
  meta: { orderId: '42' },
});

describe('fake Flutterwave', () => {
  it('creates a hosted link in major units and verifies by reference and by id once paid', async () => {
    await using flw = await startFakeFlutterwave({ secretKey: KEY });
    const created = await request<Envelope<{ link: string }>>(flw.url, '/v3/payments', {
      json: payment('order-42'),
      token: KEY,
    });
    expect(created.body).toMatchObject({ status: 'success', message: 'Hosted Link' });
    expect(created.body.data.link).toMatch(
      /^https:\/\/checkout\.flutterwave\.com\/v3\/hosted\/pay\//,
    );
    expect(flw.payment('order-42')?.amount).toBe(15000.5);

    const byRef = () =>
      request<Envelope>(flw.url, '/v3/transactions/verify_by_reference?tx_ref=order-42', {
        token: KEY,
      });
    const pending = await byRef();
    expect(pending.body).toEqual({
      status: 'error',
      message: 'No transaction was found for this id',
      data: null,
    });

    const event = flw.markPaid('order-42');
    expect(event).toMatchObject({
      event: 'charge.completed',
      data: { tx_ref: 'order-42', amount: 15000.5, currency: 'NGN', status: 'successful' },
    });
    const paid = await byRef();
    expect(paid.body).toMatchObject({
      status: 'success',
      data: {
        tx_ref: 'order-42',
        status: 'successful',
        amount: 15000.5,
        currency: 'NGN',
        meta: { orderId: '42' },
      },
    });
    const byId = await request<Envelope>(flw.url, `/v3/transactions/${event.data.id}/verify`, {
      token: KEY,
    });
    expect(byId.body.data).toMatchObject({ id: event.data.id, status: 'successful' });
    const unknownId = await request<Envelope>(flw.url, '/v3/transactions/1/verify', { token: KEY });
    expect(unknownId.body.status).toBe('error');
  });

  it('reports failed charges and underpayments through verify', async () => {
    await using flw = await startFakeFlutterwave();
    await request(flw.url, '/v3/payments', {
      json: payment('t-fail', '5000'),
      token: 'FLWSECK-live',
    });
    expect(flw.markFailed('t-fail').data.status).toBe('failed');
    const failed = await request<Envelope>(
      flw.url,
      '/v3/transactions/verify_by_reference?tx_ref=t-fail',
      {
        token: 'FLWSECK-live',
      },
    );
    expect(failed.body.data).toMatchObject({ status: 'failed', amount: 5000 });
    flw.markPaid('t-fail', { amount: 4000 });
    const short = await request<Envelope>(
      flw.url,
      '/v3/transactions/verify_by_reference?tx_ref=t-fail',
      {
        token: 'FLWSECK-live',
      },
    );
    expect(short.body.data).toMatchObject({ status: 'successful', amount: 4000 });
  });

  it('answers Flutterwave error envelopes for bad keys and bad payloads', async () => {
    await using flw = await startFakeFlutterwave({ secretKey: KEY });
    const badKey = await request<Envelope>(flw.url, '/v3/payments', {
      json: payment('x'),
      token: 'FLWSECK-other',
    });
    expect([badKey.status, badKey.body]).toEqual([
      401,
      { status: 'error', message: 'Invalid authorization key', data: null },
    ]);
    const noRef = await request<Envelope>(flw.url, '/v3/payments', {
      json: { ...payment('x'), tx_ref: undefined },
      token: KEY,
    });
    expect([noRef.status, noRef.body.status]).toEqual([400, 'error']);
    flw.failNext(1, flutterwaveError(502, 'Bad gateway'));
    expect(
      (await request(flw.url, '/v3/payments', { json: payment('y'), token: KEY })).status,
    ).toBe(502);
  });

  it('signs events with verif-hash and the base64 HMAC header', async () => {
    await using flw = await startFakeFlutterwave({ secretHash: 'dashboard-hash' });
    await request(flw.url, '/v3/payments', { json: payment('s1'), token: KEY });
    const delivery = flw.signedEvent(flw.markPaid('s1'));
    expect(delivery.headers['verif-hash']).toBe('dashboard-hash');
    expect(JSON.parse(delivery.body)).toMatchObject({
      event: 'charge.completed',
      data: { tx_ref: 's1' },
    });
  });
});
