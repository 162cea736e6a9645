import { describe, expect, it } from 'vitest';
import { decodeForm } from './form-encoding';
import { startHttpFake, type HttpFake } from './http-fake';

const start = (): Promise<HttpFake> =>
  startHttpFake({
    routes: [
      {
        method: 'POST',
        path: '/things/:id',
        handle: (request, params) => ({ status: 200, body: { id: params.id, got: request.body } }),
      },
    ],
    defaultFailure: { status: 500, body: { error: 'boom' } },
    notFound: (r) => ({ status: 404, body: { error: `no ${r.path}` } }),
    headers: () => ({ 'x-fake': 'yes' }),
  });

const post = (url: string, body: string, type = 'application/json') =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': type } });

describe('startHttpFake', () => {
  it('routes, parses and records every request with its raw bytes', async () => {
    await using fake = await start();
    const res = await post(`${fake.url}/things/42?x=1`, '{"a":"ä"}');
    expect(res.headers.get('x-fake')).toBe('yes');
    expect(await res.json()).toEqual({ id: '42', got: { a: 'ä' } });
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/things/42',
      query: { x: '1' },
      body: { a: 'ä' },
    });
    expect(fake.requests[0]?.rawBody.toString()).toBe('{"a":"ä"}');
    expect((await post(`${fake.url}/nope`, '{}')).status).toBe(404);
  });

  it('fails, delays and overrides only the requests a script matches', async () => {
    await using fake = await start();
    fake.failNext(2, undefined, { path: '/things/:id' });
    fake.setResponse({ method: 'POST', path: /\/things\/7$/ }, { status: 202, body: { ok: 7 } });
    expect((await post(`${fake.url}/nope`, '{}')).status).toBe(404);
    expect((await post(`${fake.url}/things/1`, '{}')).status).toBe(500);
    expect((await post(`${fake.url}/things/1`, '{}')).status).toBe(500);
    expect((await post(`${fake.url}/things/1`, '{}')).status).toBe(200);
    expect((await post(`${fake.url}/things/7`, '{}')).status).toBe(202);

    fake.delayNext(80);
    const started = Date.now();
    await post(`${fake.url}/things/1`, '{}');
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);

    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect((await post(`${fake.url}/things/7`, '{}')).status).toBe(200);
  });

  it('hangs a request until the client gives up, and close() frees it', async () => {
    const fake = await start();
    fake.hang();
    const aborted = await fetch(`${fake.url}/things/1`, {
      method: 'POST',
      signal: AbortSignal.timeout(100),
    }).catch((e: unknown) => e);
    expect((aborted as Error).name).toBe('TimeoutError');
    fake.hang();
    const pending = fetch(`${fake.url}/things/2`, { method: 'POST' }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await fake.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('decodeForm', () => {
  it('nests bracket keys and turns 0..n-1 keys into arrays, as Stripe reads them', () => {
    const body = new URLSearchParams({
      mode: 'payment',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '2500',
      'line_items[0][quantity]': '2',
      'line_items[1][price]': 'price_1',
      'metadata[orderId]': 'o1',
      'expand[]': 'line_items',
    }).toString();
    expect(decodeForm(body)).toEqual({
      mode: 'payment',
      line_items: [
        { price_data: { currency: 'usd', unit_amount: '2500' }, quantity: '2' },
        { price: 'price_1' },
      ],
      metadata: { orderId: 'o1' },
      expand: ['line_items'],
    });
  });
});
