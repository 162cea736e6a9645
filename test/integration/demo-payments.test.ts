import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, OrderListResponse } from '../../shared/commerce.schema';
import { createPasswords } from '../../server/auth/passwords';
import {
  createPaystackClient,
  paystackTransactionSchema,
} from '../../server/commerce/providers/paystack';
import { createSecretBox } from '../../server/crypto/secret-box';
import type { DemoDelivery } from '../../server/demo/demo-outbox';
import { DEMO_ACCOUNTS, seedDemo } from '../../server/demo/demo-seed';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import { loadPaymentProviderSecrets } from '../../server/settings/settings-secrets.pg';
import { login } from '../helpers/auth';
import { conversationOf, waitForState } from '../helpers/probe';
import { request } from '../helpers/http';
import { postMetaText } from '../helpers/meta';
import { waitUntil } from '../helpers/seed';
import { createCluster, type Cluster } from '../helpers/test-node';

const PAY_LINK = /https?:\/\/\S+\/demo\/pay\/[A-Za-z0-9.=%-]+/;

describe('the demo pays through its own Paystack stand-in', () => {
  let cluster: Cluster;
  let node: RunningNode;
  let db: Database;
  let ownerToken: string;
  let secretKey: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-demo-pay-'));
  const deliveries: DemoDelivery[] = [];
  let counter = 0;

  beforeAll(async () => {
    cluster = await createCluster('embedded');
    node = await cluster.start({
      DEMO: '1',
      DEMO_RATE: '0',
      DATA_DIR: dataDir,
      // No built web app: a path no route claims is a 404, not the SPA's index.html.
      CLIENT_DIST_DIR: join(dataDir, 'no-client'),
    });
    db = node.app.database;
    node.demoOutbox?.listen((d) => deliveries.push(d));
    const demo = node.demo!;
    const session = await login(node.url, demo.email, demo.password);
    expect(session.status).toBe(200);
    ownerToken = session.body.accessToken;
    const box = createSecretBox(node.config.secrets.encryptionKeys);
    const secrets = await loadPaymentProviderSecrets(db.db, box, demo.businessId, 'paystack');
    secretKey = secrets!.secretKey;
  });
  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const paystack = (path: string, init: { key?: string; json?: unknown } = {}) =>
    request(node.url, `/demo/paystack${path}`, {
      ...(init.json === undefined ? {} : { json: init.json }),
      headers: init.key === undefined ? {} : { authorization: `Bearer ${init.key}` },
    });
  const newCustomer = () => `1555099${String(++counter).padStart(4, '0')}${Date.now() % 1000}`;
  const customerSays = async (from: string, text: string) => {
    const res = await postMetaText(node.url, {
      channel: 'whatsapp',
      pageOrPhoneId: DEMO_ACCOUNTS.whatsapp,
      from,
      text,
      profileName: 'Grace Hopper',
    });
    expect(res.status).toBe(200);
  };
  const sentTo = (to: string, match: RegExp) =>
    waitUntil(
      () => Promise.resolve(deliveries.find((d) => d.recipient === to && match.test(d.text))),
      `a message to ${to} matching ${match}`,
    );
  const ordersOf = async (conversationId: string) => {
    const res = await request<OrderListResponse>(
      node.url,
      `/api/orders?conversationId=${conversationId}`,
      { token: ownerToken },
    );
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const postForm = (url: string, form: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      redirect: 'manual',
    });
  /** A customer orders on WhatsApp; resolves with the link the stand-in got for them. */
  async function checkout(text: string) {
    const from = newCustomer();
    await customerSays(from, text);
    const link = await sentTo(from, PAY_LINK);
    const url = PAY_LINK.exec(link.text)![0];
    const c = await waitForState(db, from, 'checkout');
    return { from, url, conversationId: c.id, reference: url.split('/').pop()! };
  }

  it('seeds the demo shop with Paystack, switched on and sealed like the settings page does', async () => {
    const res = await request<{ configured: boolean; enabled: boolean; secretKey: string }>(
      node.url,
      '/api/payment-providers/paystack',
      { token: ownerToken },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ configured: true, enabled: true });
    // Masked as any tenant's key is: `sk_t…` and the last four.
    expect(res.body.secretKey).toBe(`${secretKey.slice(0, 4)}…${secretKey.slice(-4)}`);
    const [row] = await db.sql.query<{ secret_key_enc: string }>(
      `select secret_key_enc from payment_provider_settings where business_id = $1`,
      [node.demo!.businessId],
    );
    expect(row?.secret_key_enc).not.toContain(secretKey);
  });

  it('gives a data folder seeded before payments Paystack at the next start, and keeps a key it has', async () => {
    const { businessId } = node.demo!;
    const box = createSecretBox(node.config.secrets.encryptionKeys);
    const seed = () =>
      seedDemo({ database: db, box, passwords: createPasswords(4), dataDir: node.config.dataDir });
    await db.sql.query(`delete from payment_provider_settings where business_id = $1`, [
      businessId,
    ]);
    expect(await loadPaymentProviderSecrets(db.db, box, businessId, 'paystack')).toBeNull();
    expect(await seed()).toEqual(node.demo);
    const fresh = await loadPaymentProviderSecrets(db.db, box, businessId, 'paystack');
    expect(fresh).toMatchObject({ enabled: true, secretKey: expect.stringMatching(/^sk_test_/) });
    await seed();
    expect(await loadPaymentProviderSecrets(db.db, box, businessId, 'paystack')).toEqual(fresh);
    secretKey = fresh!.secretKey;
  });

  it("speaks Paystack's initialize and verify, and refuses a wrong key and a repeated reference", async () => {
    const reference = `demo-wire-${Date.now()}`;
    const body = {
      email: 'grace@example.com',
      amount: 1500,
      currency: 'USD',
      reference,
      metadata: { orderId: 'o-1', description: 'Order TEST1234' },
    };
    for (const key of [undefined, 'sk_test_wrong', `${secretKey}x`]) {
      const refused = await paystack('/transaction/initialize', { key, json: body });
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ status: false, message: 'Invalid key' });
    }

    const init = await paystack('/transaction/initialize', { key: secretKey, json: body });
    expect(init.status).toBe(200);
    expect(init.body).toEqual({
      status: true,
      message: 'Authorization URL created',
      data: {
        authorization_url: `${node.url}/demo/pay/${reference}`,
        access_code: expect.any(String),
        reference,
      },
    });
    const again = await paystack('/transaction/initialize', { key: secretKey, json: body });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      status: false,
      message: expect.stringMatching(/duplicate/i),
    });
    const badAmount = await paystack('/transaction/initialize', {
      key: secretKey,
      json: { ...body, reference: `${reference}-2`, amount: 12.5 },
    });
    expect(badAmount.status).toBe(400);
    expect(badAmount.body).toEqual({ status: false, message: 'Invalid Amount Sent' });

    const verify = await paystack(`/transaction/verify/${reference}`, { key: secretKey });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ status: true, message: 'Verification successful' });
    const data = paystackTransactionSchema.parse((verify.body as { data: unknown }).data);
    expect(data).toMatchObject({ status: 'abandoned', reference, amount: 1500, currency: 'USD' });
    expect(data.id).toBeGreaterThan(0);
    expect(data.gateway_response).toEqual(expect.any(String));
    expect((await paystack(`/transaction/verify/${reference}`, { key: 'sk_test_x' })).status).toBe(
      401,
    );
    const unknown = await paystack('/transaction/verify/nobody-paid-this', { key: secretKey });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ status: false, message: 'Transaction reference not found' });

    // Parley's own Paystack client against the stand-in: a link, then "not paid yet".
    const client = createPaystackClient(
      { secretKey },
      {
        paystackApiUrl: `${node.url}/demo/paystack`,
        stripeApiUrl: undefined,
        flutterwaveApiUrl: 'http://127.0.0.1:9',
      },
    );
    const clientRef = `demo-client-${Date.now()}`;
    const link = await client.createLink(linkRequest(clientRef));
    expect(link.url).toBe(`${node.url}/demo/pay/${clientRef}`);
    expect(await client.verify({ reference: clientRef, providerPaymentId: null })).toEqual({
      status: 'pending',
    });
    await expect(client.createLink(linkRequest(clientRef))).rejects.toMatchObject({
      code: 'duplicate_reference',
    });
  });

  it('serves a pay page with the shop, the amount and Pay/Decline, under a policy without scripts', async () => {
    const { url } = await checkout('I want 1 red mug');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    const html = await page.text();
    expect(html).toContain('Parley Demo Shop');
    expect(html).toContain('12.00 USD');
    expect(html).toContain('<form method="post"');
    expect(html).toMatch(/<button[^>]*name="outcome" value="pay"[^>]*>Pay 12.00 USD<\/button>/);
    expect(html).toMatch(/<button[^>]*name="outcome" value="decline"[^>]*>Decline<\/button>/);
    expect(html).not.toMatch(/<script|\sstyle=|<style/);
    const css = await fetch(`${node.url}/demo/pay.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);

    expect((await fetch(`${node.url}/demo/pay/no-such-reference`)).status).toBe(404);
    expect((await postForm(`${node.url}/demo/pay/no-such-reference`, 'outcome=pay')).status).toBe(
      404,
    );
    expect((await postForm(url, 'outcome=maybe')).status).toBe(400);
  });

  it('takes a demo checkout to paid: Pay posts the signed webhook to the real route, the order is paid', async () => {
    const { from, url, conversationId, reference } = await checkout('I want 2 blue mugs');
    const [pending] = await ordersOf(conversationId);
    expect(pending).toMatchObject({ status: 'pending', totalMinor: 2400, currency: 'USD' });
    expect(pending?.payments[0]).toMatchObject({ provider: 'paystack', reference });

    const paid = await postForm(url, 'outcome=pay');
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`/demo/pay/${reference}`);
    const result = await (await fetch(url)).text();
    expect(result).toContain('Payment successful');
    expect(result).toContain('24.00 USD paid to Parley Demo Shop');

    const order = await waitUntil(async () => {
      const [o] = await ordersOf(conversationId);
      return o?.status === 'paid' ? o : null;
    }, 'the order to be paid');
    expect(order.payments).toEqual([
      expect.objectContaining({
        provider: 'paystack',
        reference,
        status: 'succeeded',
        verifiedAt: expect.any(String),
        providerPaymentId: expect.stringMatching(/^\d+$/),
      }),
    ]);
    const listed = await request<OrderListResponse>(node.url, '/api/orders?status=paid', {
      token: ownerToken,
    });
    expect(listed.body.items.map((o: Order) => o.id)).toContain(order.id);
    await waitForState(db, from, 'paid');
    await sentTo(from, /Payment received/);
    const verified = await paystack(`/transaction/verify/${reference}`, { key: secretKey });
    expect(verified.body).toMatchObject({ data: { status: 'success', amount: 2400 } });

    // A second press of Pay (another tab) settles nothing more.
    expect((await postForm(url, 'outcome=decline')).status).toBe(303);
    await new Promise((r) => setTimeout(r, 300));
    const [after] = await ordersOf(conversationId);
    expect(after?.payments).toHaveLength(1);
    expect(after?.status).toBe('paid');
  });

  it('Decline sends a failed charge: the payment fails and the bot says so', async () => {
    const { from, url, conversationId, reference } = await checkout('I want 1 tote bag');
    expect((await postForm(url, 'outcome=decline')).status).toBe(303);
    expect(await (await fetch(url)).text()).toContain('Payment declined');
    await sentTo(from, /payment didn't go through/i);
    await waitForState(db, from, 'bot');
    const [order] = await ordersOf(conversationId);
    expect(order?.payments[0]).toMatchObject({
      reference,
      status: 'failed',
      failureReason: 'Declined',
    });
    expect(order?.status).not.toBe('paid');
    expect((await conversationOf(db, from))?.state).toBe('bot');
  });

  it('serves none of it when the demo is off', async () => {
    const off = await cluster.start({
      DEMO: '0',
      CLIENT_DIST_DIR: join(dataDir, 'no-client'),
    });
    const paths: [string, string][] = [
      ['POST', '/demo/paystack/transaction/initialize'],
      ['GET', '/demo/paystack/transaction/verify/abc'],
      ['GET', '/demo/pay/abc'],
      ['POST', '/demo/pay/abc'],
      ['GET', '/demo/pay.css'],
      ['POST', '/demo/graph/v23.0/me/messages'],
    ];
    for (const [method, path] of paths) {
      const res = await fetch(`${off.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${secretKey}`,
          'content-type': method === 'POST' ? 'application/json' : 'text/plain',
        },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      await res.arrayBuffer();
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    await off.shutdown();
  });
});

function linkRequest(reference: string) {
  return {
    reference,
    amountMinor: 2400,
    currency: 'USD',
    items: [],
    customerEmail: 'ada@example.com',
    customerName: 'Ada Lovelace',
    description: 'Order CLIENT01',
    returnUrl: 'http://127.0.0.1/checkout/complete',
    expiresAt: new Date(Date.now() + 60_000),
    idempotencyKey: `parley-link-${reference}`,
    metadata: { orderId: 'o-2', businessId: '00000000-0000-4000-8000-000000000000' },
  };
}

describe('simulated customers of `npm start` use the payment links they are sent', () => {
  let cluster: Cluster;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-demo-sim-'));

  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('pays links through the pay page, with human names on every channel', async () => {
    cluster = await createCluster('embedded');
    const node = await cluster.start({
      DEMO: '1',
      DEMO_RATE: '5',
      DATA_DIR: dataDir,
      CLIENT_DIST_DIR: join(dataDir, 'no-client'),
    });
    const demo = node.demo!;
    const token = (await login(node.url, demo.email, demo.password)).body.accessToken;
    // The first link of each channel is paid, a few seconds after it arrives.
    // Polled in the database: polling the API this often would trip the per-IP limit.
    await waitUntil(
      async () =>
        (await node.app.database.sql.query(`select 1 from orders where status = 'paid'`)).length >
        0,
      'a simulated customer to pay',
      25_000,
    );
    const paid = (await request<OrderListResponse>(node.url, '/api/orders?status=paid', { token }))
      .body.items;
    expect(paid[0]?.payments[0]).toMatchObject({ provider: 'paystack', status: 'succeeded' });
    // WhatsApp carries the name; Messenger and Instagram ones come from the profile lookup,
    // which the Graph stand-in answers for simulated customers.
    const names = await waitUntil(async () => {
      const rows = await node.app.database.sql.query<{ channel: string; name: string | null }>(
        `select channel, name from contacts`,
      );
      const channels = new Set(rows.filter((r) => r.name).map((r) => r.channel));
      return channels.size === 3 ? rows : null;
    }, 'named customers on all three channels');
    for (const { name } of names.filter((r) => r.name)) expect(name).toMatch(/^\p{L}+ \p{L}+$/u);
  }, 40_000);
});
