import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CommerceNotice, Invoice, Order, Product } from '../../shared/commerce.schema';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import { orders } from '../../server/persistence/schema';
import type { OutboundMessage } from '../../server/runtime/effects';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.fake';
import { addMember, type Signup } from '../helpers/auth';
import {
  customerSays,
  openShop,
  pdfText,
  postPaymentWebhook,
  shopRuntime,
  waitForMessage,
  type Shop,
} from '../helpers/commerce';
import {
  checkoutOrder,
  conversationOf,
  ordersOf,
  waitForOrderStatus,
  waitForState,
} from '../helpers/probe';
import { startHoldingProxy, type HoldingProxy } from '../helpers/holding-proxy';
import { request } from '../helpers/http';
import { waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

describeModes('catalog, orders and invoices', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let stripe: FakeStripe;
  let proxy: HoldingProxy;
  let shop: Shop;
  let other: Shop;
  let agent: Signup;
  const webhookSecret = `whsec_${randomBytes(10).toString('hex')}`;
  const sent: OutboundMessage[] = [];

  beforeAll(async () => {
    stripe = await startFakeStripe({ webhookSecret });
    proxy = await startHoldingProxy(stripe.url);
    node = await cluster.start({ STRIPE_API_URL: proxy.url }, { ...shopRuntime(() => db, sent) });
    db = node.app.database;
    const setup = { provider: 'stripe' as const, secretKey: 'sk_test_orders', webhookSecret };
    shop = await openShop(node, setup, 'USD');
    other = await openShop(node, { ...setup, secretKey: 'sk_test_other' }, 'USD');
    agent = await addMember(node.url, shop.token, 'agent');
  });
  afterAll(async () => {
    await proxy?.[Symbol.asyncDispose]();
    await stripe?.close();
  });

  const newCustomer = () => `1666${randomBytes(4).readUInt32BE(0)}`;
  const api = <T>(path: string, options: Parameters<typeof request>[2] = {}) =>
    request<T>(node.url, path, { token: shop.token, ...options });
  const paidOrderFor = async (from: string) => {
    await customerSays(node, shop, from, 'buy MUG x1');
    const c = await waitForState(db, from, 'checkout');
    const order = await checkoutOrder(db, c.id);
    const delivery = stripe.signedEvent(stripe.completeSession(order.providerPaymentId!));
    expect((await postPaymentWebhook(node, 'stripe', shop.businessId, delivery)).status).toBe(200);
    await waitForState(db, from, 'paid');
    await waitForOrderStatus(db, c.id, 'paid');
    return { c, order };
  };

  it('keeps a catalog: create, list, change, delete; SKUs unique; agents read only', async () => {
    const created = await api<Product>('/api/products', {
      json: { sku: 'CAP', name: 'Cap', priceMinor: 1500, currency: 'usd', stock: 3 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ sku: 'CAP', currency: 'USD', stock: 3, active: true });
    expect((await api('/api/products', { json: { ...created.body, id: undefined } })).status).toBe(
      409,
    );
    expect(
      (
        await api('/api/products', {
          json: { sku: 'X', name: 'X', priceMinor: 1.5, currency: 'USD' },
        })
      ).status,
    ).toBe(400);
    const list = await request<{ items: Product[] }>(node.url, '/api/products', {
      token: agent.accessToken,
    });
    expect(list.body.items.map((p) => p.sku)).toEqual(['CAP', 'MUG', 'TOTE']);
    expect(
      (
        await request(node.url, '/api/products', {
          token: agent.accessToken,
          json: { sku: 'NO', name: 'No', priceMinor: 1, currency: 'USD' },
        })
      ).status,
    ).toBe(403);
    const patched = await api<Product>(`/api/products/${created.body.id}`, {
      method: 'PATCH',
      json: { priceMinor: 1800, stock: null },
    });
    expect(patched.body).toMatchObject({ priceMinor: 1800, stock: null });
    expect((await api(`/api/products/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(
      (await api(`/api/products/${created.body.id}`, { method: 'PATCH', json: { stock: 1 } }))
        .status,
    ).toBe(404);
  });

  it('reuses the pending order and its link when the customer asks for the same items again', async () => {
    const from = newCustomer();
    const held = proxy.holdNext('POST', '/v1/checkout/sessions');
    await customerSays(node, shop, from, 'buy TOTE x1');
    const first = await held;
    const c = await waitUntil(() => conversationOf(db, from), 'the conversation');
    await customerSays(node, shop, from, 'buy TOTE x1');
    await waitUntil(
      async () =>
        (
          await db.sql.query(
            `select 1 from inbox where conversation_id = $1 and type = 'ai.replied' and processed_at is not null`,
            [c.id],
          )
        ).length === 2,
      'both checkout requests',
    );
    first.release();
    const created = await waitUntil(async () => {
      const rows = await db.sql.query<{ payload: { orderId: string; reference: string } }>(
        `select payload from inbox where conversation_id = $1 and type = 'checkout.created'`,
        [c.id],
      );
      return rows.length === 2 ? rows.map((r) => r.payload) : null;
    }, 'two checkout answers');
    expect(created[1]).toMatchObject({
      orderId: created[0]?.orderId,
      reference: created[0]?.reference,
    });
    expect(await ordersOf(db, c.id)).toHaveLength(1);
    const sessions = stripe.requests.filter(
      (r) =>
        r.path === '/v1/checkout/sessions' &&
        (r.body as { client_reference_id?: string }).client_reference_id === created[0]?.reference,
    );
    expect(sessions).toHaveLength(1);
    await waitForState(db, from, 'checkout');
    await waitForMessage(sent, () => c.id, /checkout\.stripe\.com/, 'the link');
    await new Promise((r) => setTimeout(r, 500));
    expect(sent.filter((m) => m.conversationId === c.id && /stripe/.test(m.text))).toHaveLength(1);
  });

  it('hands off to a human when the items cannot be sold', async () => {
    const unknown = newCustomer();
    await customerSays(node, shop, unknown, 'buy NOPE x1');
    const c = await waitForState(db, unknown, 'handoff');
    await waitForMessage(sent, () => c.id, /couldn't create a payment link/, 'note');
    const tooMany = newCustomer();
    await customerSays(node, shop, tooMany, 'buy TOTE x99');
    await waitForState(db, tooMany, 'handoff');
    expect(await ordersOf(db, c.id)).toEqual([]);
  });

  it('lets an agent create an order: priced from the catalog, the link sent by the conversation', async () => {
    const from = newCustomer();
    await customerSays(node, shop, from, 'hello');
    const c = await waitUntil(() => conversationOf(db, from), 'the conversation');
    const body = {
      conversationId: c.id,
      items: [{ sku: 'MUG', qty: 1 }],
      idempotencyKey: `agent-${randomBytes(6).toString('hex')}`,
    };
    const res = await request<Order>(node.url, '/api/orders', {
      token: agent.accessToken,
      json: body,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'pending',
      totalMinor: 2500,
      currency: 'USD',
      attributedTo: 'agent',
      payments: [expect.objectContaining({ provider: 'stripe', status: 'pending' })],
    });
    await waitForState(db, from, 'checkout');
    await waitForMessage(sent, () => c.id, /checkout\.stripe\.com/, 'the link');
    const again = await request<Order>(node.url, '/api/orders', {
      token: agent.accessToken,
      json: body,
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(res.body.id);
    const second = await request(node.url, '/api/orders', {
      token: agent.accessToken,
      json: { ...body, idempotencyKey: undefined },
    });
    expect(second.status).toBe(409);
    const foreign = await request(node.url, '/api/orders', { token: other.token, json: body });
    expect(foreign.status).toBe(404);

    const listed = await api<{ items: Order[] }>(`/api/orders?conversationId=${c.id}`);
    expect(listed.body.items.map((o) => o.id)).toEqual([res.body.id]);
    expect((await api<Order>(`/api/orders/${res.body.id}`)).body.payments[0]?.reference).toBe(
      res.body.payments[0]?.reference,
    );
    expect(
      (await request(node.url, `/api/orders/${res.body.id}`, { token: other.token })).status,
    ).toBe(404);

    // Newest first, paged by cursor, every order exactly once.
    const all = (await api<{ items: Order[] }>('/api/orders?limit=200')).body.items;
    const paged: string[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page: { items: Order[]; nextCursor: string | null } = (
        await api<{ items: Order[]; nextCursor: string | null }>(
          `/api/orders?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        )
      ).body;
      paged.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(all.map((o) => o.id));
    expect((await api('/api/orders?cursor=1.not-a-uuid')).status).toBe(400);
    // Security review L4: a cursor past year 9999 was sent as `+275760-…` and gave 500.
    const uuid = '00000000-0000-4000-8000-000000000000';
    for (const cursor of [`8640000000000000.${uuid}`, `-1.${uuid}`, `1e3.${uuid}`, `1.${uuid}.x`])
      expect((await api(`/api/orders?cursor=${encodeURIComponent(cursor)}`)).status, cursor).toBe(
        400,
      );
  });

  // Security review L5: orders and invoices are messages to the customer too.
  it('lets only the assignee of a claimed conversation send it an order or an invoice', async () => {
    const from = newCustomer();
    await customerSays(node, shop, from, 'buy NOPE x1');
    const c = await waitForState(db, from, 'handoff');
    const claim = await api(`/api/conversations/${c.id}/claim`, { method: 'POST' });
    expect(claim.status).toBe(200);
    const body = { conversationId: c.id, items: [{ sku: 'MUG', qty: 1 }] };
    const refused = await request(node.url, '/api/orders', {
      token: agent.accessToken,
      json: body,
    });
    expect(refused.status).toBe(409);
    expect((refused.body as { error: { message: string } }).error.message).toBe(
      'This conversation is assigned to another agent.',
    );
    expect(await ordersOf(db, c.id)).toEqual([]);

    const mine = await api<Order>('/api/orders', { json: body });
    expect(mine.status).toBe(201);
    const invoice = await request(node.url, `/api/orders/${mine.body.id}/invoice`, {
      method: 'POST',
      token: agent.accessToken,
    });
    expect(invoice.status).toBe(409);
    const [issued] = await db.sql.query<{ n: number }>(
      `select count(*)::int as n from invoices where order_id = $1`,
      [mine.body.id],
    );
    expect(issued?.n).toBe(0);
    expect((await api(`/api/orders/${mine.body.id}/invoice`, { method: 'POST' })).status).toBe(201);
  });

  // Security review M2: two overlapping orders both got 201 and a live link; one was lost.
  it('serialises overlapping orders in a conversation: one link, the other refused', async () => {
    const from = newCustomer();
    await customerSays(node, shop, from, 'hello');
    const c = await waitUntil(() => conversationOf(db, from), 'the conversation');
    const order = (sku: string, who: Signup | Shop) =>
      request<Order>(node.url, '/api/orders', {
        token: 'token' in who ? who.token : who.accessToken,
        json: { conversationId: c.id, items: [{ sku, qty: 1 }] },
      });
    // The first agent's link is still being made at Stripe when the second one asks.
    const held = proxy.holdNext('POST', '/v1/checkout/sessions');
    const first = order('MUG', agent);
    const exchange = await held;
    const second = await order('TOTE', shop);
    expect(second.status).toBe(409);
    exchange.release();
    expect((await first).status).toBe(201);
    await waitForState(db, from, 'checkout');
    const rows = await ordersOf(db, c.id);
    expect(rows.map((r) => r.status)).toEqual(['pending']);
    await waitForMessage(sent, () => c.id, /checkout\.stripe\.com/, 'the link');
  });

  it('cancels a checkout the conversation drops and voids its link; its payment is unmatched', async () => {
    const from = newCustomer();
    await customerSays(node, shop, from, 'hello');
    const c = await waitUntil(() => conversationOf(db, from), 'the conversation');
    const notices: CommerceNotice[] = [];
    const stop = node.app.commerce.notifications.subscribe((n) => notices.push(n));
    try {
      // The contact opts out while the agent's link is being made: the link is never sent.
      const held = proxy.holdNext('POST', '/v1/checkout/sessions');
      const created = request<Order>(node.url, '/api/orders', {
        token: agent.accessToken,
        json: { conversationId: c.id, items: [{ sku: 'MUG', qty: 1 }] },
      });
      const exchange = await held;
      const [contact] = await db.sql.query<{ id: string }>(
        `select contact_id as id from conversations where id = $1`,
        [c.id],
      );
      const consent = await api(`/api/contacts/${contact!.id}/consent`, {
        json: { granted: false },
      });
      expect(consent.status).toBe(200);
      await waitForState(db, from, 'optedOut');
      exchange.release();
      const res = await created;
      expect(res.status).toBe(201);
      await waitForOrderStatus(db, c.id, 'cancelled');
      const session = res.body.payments[0]?.providerPaymentId as string;
      await waitUntil(
        () => Promise.resolve(stripe.session(session)?.status === 'expired'),
        'its Stripe session to be expired',
      );
      expect(sent.filter((m) => m.conversationId === c.id && /stripe/.test(m.text))).toEqual([]);

      // The agent had pasted the link elsewhere and it was paid before it was voided.
      const delivery = stripe.signedEvent(stripe.completeSession(session));
      expect((await postPaymentWebhook(node, 'stripe', shop.businessId, delivery)).status).toBe(
        200,
      );
      const notice = await waitUntil(
        () => Promise.resolve(notices.find((n) => n.orderId === res.body.id)),
        'the owner’s notice',
      );
      expect(notice).toMatchObject({
        kind: 'payment_unmatched',
        reason: expect.stringMatching(/cancelled/) as unknown,
      });
      const [row] = await ordersOf(db, c.id);
      expect(row).toMatchObject({ status: 'cancelled', paymentStatus: 'succeeded' });
    } finally {
      stop();
    }
  });

  it('issues an invoice on request, numbered, as a PDF the customer can open; tells the order status', async () => {
    const from = newCustomer();
    const { c } = await paidOrderFor(from);
    await customerSays(node, shop, from, 'invoice');
    const message = await waitForMessage(sent, () => c.id, /invoice INV-\d{6}/, 'the invoice link');
    const url = /(http\S+)/.exec(message.text)?.[1] as string;
    expect(url).toMatch(/\/api\/invoice-links\/[0-9a-f-]{36}\.[A-Za-z0-9_-]+$/);
    const pdf = await fetch(url);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const number = /INV-\d{6}/.exec(message.text)?.[0] as string;
    const text = pdfText(bytes);
    expect(text).toContain(`Invoice ${number}`);
    expect(text).toContain('Status: PAID');
    expect(text).toContain('Total due: 25.00 USD');
    expect((await fetch(url.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAA'))).status).toBe(404);

    await customerSays(node, shop, from, 'invoice');
    await waitUntil(
      () =>
        Promise.resolve(
          sent.filter((m) => m.conversationId === c.id && m.text.includes(number)).length === 2,
        ),
      'the same invoice again',
    );
    await customerSays(node, shop, from, 'status');
    await waitForMessage(sent, () => c.id, /is paid\. Thank you/, 'the status');

    const invoiceId = /invoice-links\/([0-9a-f-]{36})/.exec(url)?.[1] as string;
    const json = await api<Invoice>(`/api/invoices/${invoiceId}`);
    expect(json.body).toMatchObject({ number, orderStatus: 'paid', totalMinor: 2500 });
    const memberPdf = await fetch(`${node.url}/api/invoices/${invoiceId}.pdf`, {
      headers: { authorization: `Bearer ${agent.accessToken}` },
    });
    expect(memberPdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdfText(Buffer.from(await memberPdf.arrayBuffer()))).toContain(number);
    expect(
      (await request(node.url, `/api/invoices/${invoiceId}`, { token: other.token })).status,
    ).toBe(404);
  });

  it('numbers invoices per business without gaps, even when issued at once', async () => {
    const rows = await db.db
      .insert(orders)
      .values(
        Array.from({ length: 6 }, (_, i) => ({
          businessId: shop.businessId,
          items: [],
          totalMinor: 100 * (i + 1),
          currency: 'USD',
          idempotencyKey: `seed-${randomBytes(6).toString('hex')}`,
        })),
      )
      .returning({ id: orders.id });
    const foreign = await db.db
      .insert(orders)
      .values({
        businessId: other.businessId,
        items: [],
        totalMinor: 1,
        currency: 'USD',
        idempotencyKey: `seed-${randomBytes(6).toString('hex')}`,
      })
      .returning({ id: orders.id });
    const results = await Promise.all([
      ...rows.map((r) => api<Invoice>(`/api/orders/${r.id}/invoice`, { method: 'POST' })),
      api(`/api/orders/${foreign[0]!.id}/invoice`, { method: 'POST' }),
      api<Invoice>(`/api/orders/${rows[0]!.id}/invoice`, { method: 'POST' }),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses[6]).toBe(404);
    // Two requests for one order: one issues it (201), the other gets the same invoice (200).
    expect(statuses.filter((s) => s === 201)).toHaveLength(6);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect((results[7]?.body as Invoice).number).toBe((results[0]?.body as Invoice).number);
    const numbers = await db.sql.query<{ number: number }>(
      `select number from invoices where business_id = $1 order by number`,
      [shop.businessId],
    );
    expect(numbers.map((n) => n.number)).toEqual(numbers.map((_, i) => i + 1));
    expect(
      await db.sql.query(`select 1 from invoices where business_id = $1`, [other.businessId]),
    ).toEqual([]);
  });
});
