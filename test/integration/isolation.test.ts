import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accountExportSchema, type AccountExport } from '../../shared/privacy.schema';
import { twoFactorSetupResponseSchema } from '../../shared/auth.schema';
import type { Route } from '../../server/http/route';
import type { RunningNode } from '../../server/main';
import type { Db } from '../../server/persistence/db';
import {
  aiUsage,
  analyticsBuckets,
  analyticsGauges,
  feedCounters,
  feedEvents,
  contacts,
  conversations,
  eventLog,
  inbox,
  invoiceCounters,
  invoices,
  payments,
  products,
  timers,
} from '../../server/persistence/schema';
import { TENANT_ROLE } from '../../server/persistence/tenant';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { connectChannel } from '../helpers/channels';
import {
  addMember,
  login,
  registerBusiness,
  totpCode,
  uniqueEmail,
  type Signup,
} from '../helpers/auth';
import { request } from '../helpers/http';
import { type SeededContact, given } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

interface Tenant {
  owner: Signup;
  admin: Signup;
  integrationId: string;
  externalId: string;
  invitationId: string;
  seeded: SeededContact;
  productId: string;
  invoiceId: string;
  marker: string;
}

/**
 * Which row of business A each path param names, per route. A new business-scoped route with
 * a param fails the test until it is listed here, so isolation coverage cannot fall behind.
 */
const ROW_PARAMS: Record<string, (a: Tenant) => Record<string, string>> = {
  '/api/team/:userId': (a) => ({ userId: a.admin.user.id }),
  '/api/team/invitations/:id': (a) => ({ id: a.invitationId }),
  '/api/integrations/:id': (a) => ({ id: a.integrationId }),
  '/api/contacts/:id/consent': (a) => ({ id: a.seeded.contactId }),
  '/api/contacts/:id': (a) => ({ id: a.seeded.contactId }),
  '/api/products/:id': (a) => ({ id: a.productId }),
  '/api/orders/:id': (a) => ({ id: a.seeded.orderId }),
  '/api/orders/:id/invoice': (a) => ({ id: a.seeded.orderId }),
  '/api/invoices/:id': (a) => ({ id: a.invoiceId }),
  '/api/conversations/:id': (a) => ({ id: a.seeded.conversationIds[0] as string }),
  '/api/conversations/:id/messages': (a) => ({ id: a.seeded.conversationIds[0] as string }),
  '/api/conversations/:id/claim': (a) => ({ id: a.seeded.conversationIds[0] as string }),
  '/api/conversations/:id/release': (a) => ({ id: a.seeded.conversationIds[0] as string }),
  '/api/conversations/:id/close': (a) => ({ id: a.seeded.conversationIds[0] as string }),
  '/api/conversations/:id/read': (a) => ({ id: a.seeded.conversationIds[0] as string }),
};
/** Params that pick from a fixed vocabulary, not a row: the caller acts on its own settings. */
const VOCABULARY_PARAMS: Record<string, Record<string, string>> = {
  '/api/payment-providers/:provider': { provider: 'stripe' },
};
/** Routes that end every session of their caller: called as B's admin, not B's owner. */
const ENDS_SESSIONS = new Set(['POST /api/auth/logout-all']);

/** A valid body for every route that takes one, so the route gets past validation. */
const BODIES: Record<string, (a: Tenant) => unknown> = {
  'POST /api/auth/2fa/setup': () => ({ password: 'not the password' }),
  'POST /api/auth/2fa/enable': () => ({ code: '123456' }),
  'POST /api/auth/2fa/disable': () => ({ code: '123456', password: 'not the password' }),
  'POST /api/auth/password': () => ({
    currentPassword: 'not the password',
    newPassword: 'a brand new passphrase 77',
  }),
  'POST /api/team/invitations': () => ({ email: uniqueEmail('b-invite'), role: 'agent' }),
  'PATCH /api/team/:userId': () => ({ role: 'agent' }),
  // A's channel account: B must neither see nor take it over.
  'POST /api/integrations': (a) => ({
    channel: 'messenger',
    externalId: a.externalId,
    accessToken: `EAAGb-${randomBytes(12).toString('hex')}`,
  }),
  'PATCH /api/integrations/:id': () => ({
    accessToken: `EAAGb-${randomBytes(12).toString('hex')}`,
  }),
  'PUT /api/payment-providers/:provider': () => ({
    secretKey: 'sk_test_b_0123456789abcdef',
    enabled: true,
    password: 'not the password',
  }),
  'PUT /api/ai-settings': () => ({ providerOrder: ['offline'] }),
  'POST /api/contacts/:id/consent': () => ({ granted: false }),
  'POST /api/products': () => ({ sku: 'B-SKU', name: 'B', priceMinor: 100, currency: 'USD' }),
  'PATCH /api/products/:id': () => ({ priceMinor: 1 }),
  // An order for A's conversation, from B: refused, nothing created.
  'POST /api/orders': (a) => ({
    conversationId: a.seeded.conversationIds[0],
    items: [{ sku: 'SKU-1', qty: 1 }],
  }),
  'DELETE /api/account': () => ({ password: 'not the owner password' }),
  // A reply into A's conversation, from B: 404, nothing queued or sent.
  'POST /api/conversations/:id/messages': () => ({ text: 'hello from B' }),
};

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${path}`);
    return encodeURIComponent(value);
  });
}

const rowsOf = (result: unknown): Record<string, unknown>[] =>
  Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows;

/** Every table row the tenant holds through the API's own export, minus its volatile parts. */
async function exportOf(url: string, token: string) {
  const res = await request<AccountExport>(url, '/api/account/export', { token });
  expect(res.status).toBe(200);
  const bundle = accountExportSchema.parse(res.body);
  return {
    ...bundle,
    exportedAt: undefined,
    auditLog: bundle.auditLog.filter((e) => e.action !== 'account.exported'),
  };
}

async function seedTenant(node: RunningNode, graph: FakeMetaGraph, label: string): Promise<Tenant> {
  const marker = `${label}-${randomBytes(4).toString('hex')}`;
  const owner = await registerBusiness(node.url, `Business ${marker}`);
  const admin = await addMember(node.url, owner.accessToken, 'admin');
  const externalId = String(1e14 + Math.floor(Math.random() * 1e13));
  const integration = await connectChannel(node.url, graph, owner.accessToken, {
    channel: 'messenger',
    externalId,
    accessToken: `EAAG${marker}0123456789`,
    name: `Page ${marker}`,
  });
  const invited = await request<{ invitation: { id: string } }>(node.url, '/api/team/invitations', {
    token: owner.accessToken,
    json: { email: uniqueEmail(marker), role: 'agent' },
  });
  await request(node.url, '/api/payment-providers/paystack', {
    method: 'PUT',
    token: owner.accessToken,
    json: {
      secretKey: `sk_live_${marker}_0123456789`,
      webhookSecret: `whsec_${marker}_0123456789`,
      enabled: true,
      password: owner.password,
    },
  });
  await request(node.url, '/api/ai-settings', {
    method: 'PUT',
    token: owner.accessToken,
    json: { providerOrder: ['anthropic', 'offline'], systemPrompt: `Sell for ${marker}` },
  });
  // Recovery codes and a used TOTP step for the admin.
  const setup = await request(node.url, '/api/auth/2fa/setup', {
    token: admin.accessToken,
    json: { password: admin.password },
  });
  const { secret } = twoFactorSetupResponseSchema.parse(setup.body);
  await request(node.url, '/api/auth/2fa/enable', {
    token: admin.accessToken,
    json: { code: await totpCode(secret) },
  });

  const db = node.app.database.db;
  const businessId = owner.business.id;
  const seeded = await given(node.app.database).contact(businessId, {
    externalId: `psid-${marker}`,
    state: 'bot',
  });
  const { productId, invoiceId } = await seedRuntimeRows(db, businessId, seeded);
  return {
    owner,
    admin,
    integrationId: integration.id,
    externalId,
    invitationId: invited.body.invitation.id,
    seeded,
    productId,
    invoiceId,
    marker,
  };
}

/** Rows written by webhooks and the runtime: products, payments, invoices, event log, inbox. */
async function seedRuntimeRows(db: Db, businessId: string, seeded: SeededContact) {
  const conversationId = seeded.conversationIds[0] as string;
  const [product] = await db
    .insert(products)
    .values({ businessId, sku: 'SKU-1', name: 'Shoe', priceMinor: 1250, currency: 'USD' })
    .returning({ id: products.id });
  await db.insert(invoiceCounters).values({ businessId, lastNumber: 1 });
  const [invoice] = await db
    .insert(invoices)
    .values({
      businessId,
      orderId: seeded.orderId,
      number: 1,
      numberText: 'INV-000001',
      items: [],
      totalMinor: 1250,
      currency: 'USD',
    })
    .returning({ id: invoices.id });
  await db.insert(payments).values({
    businessId,
    orderId: seeded.orderId,
    provider: 'paystack',
    reference: `ref-${randomBytes(4).toString('hex')}`,
    amountMinor: 1250,
    currency: 'USD',
  });
  await db
    .insert(eventLog)
    .values({ businessId, conversationId, version: 1, type: 'customer.message', payload: {} });
  // Already applied (it is version 1 in the event log), so the live runtime leaves it alone.
  await db.insert(inbox).values({
    businessId,
    conversationId,
    shard: 7,
    source: 'meta',
    sourceEventId: `mid-${randomBytes(4).toString('hex')}`,
    type: 'customer.message',
    payload: {},
    processedAt: new Date(),
  });
  await db.update(conversations).set({ version: 1 }).where(eq(conversations.id, conversationId));
  await db
    .insert(aiUsage)
    .values({ businessId, month: '2026-11', provider: 'openai', model: 'gpt-4o-mini', calls: 1 });
  await db.insert(timers).values({
    conversationId,
    timerId: 'xstate.after.handoffWait.conversation.handoff.queued',
    businessId,
    shard: 7,
    fireAt: new Date(Date.now() + 24 * 3600 * 1000),
    event: { type: 'xstate.after.handoffWait.conversation.handoff.queued' },
    armedVersion: 1,
  });
  await db.insert(feedCounters).values({ businessId, seq: 1 });
  await db.insert(feedEvents).values({
    businessId,
    seq: 1,
    event: 'conversation:updated',
    conversationId,
    payload: { id: conversationId },
  });
  await db.insert(analyticsBuckets).values({
    businessId,
    bucket: new Date('2026-11-01T10:00:00Z'),
    channel: 'whatsapp',
    metric: 'conversations.new',
    slot: 0,
    value: 1,
  });
  await db
    .insert(analyticsGauges)
    .values({ businessId, channel: 'whatsapp', state: 'bot', slot: 0, count: 1 });
  return { productId: product!.id, invoiceId: invoice!.id };
}

/** Strings that identify A's data; none may appear in an answer to B. */
function markersOf(a: Tenant): string[] {
  return [
    a.marker,
    a.owner.business.id,
    a.owner.user.id,
    a.owner.email,
    a.admin.user.id,
    a.admin.email,
    a.integrationId,
    a.invitationId,
    a.productId,
    a.invoiceId,
    a.seeded.orderId,
    a.seeded.contactId,
    a.seeded.externalId,
    ...a.seeded.conversationIds,
    ...a.seeded.messageIds,
  ];
}

describeModes('tenant isolation', (cluster) => {
  let graph: FakeMetaGraph;
  let node: RunningNode;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    graph = await startFakeMetaGraph();
    node = await cluster.start({ LOGIN_ATTEMPTS_PER_IP: '1000', ...graph.env });
    a = await seedTenant(node, graph, 'alpha');
    b = await seedTenant(node, graph, 'bravo');
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('answers every business-scoped route called on A’s ids with B’s token with 404/403, never data', async () => {
    const scoped = node.app.routes.filter((r: Route) => r.access !== 'public');
    expect(scoped.length).toBeGreaterThanOrEqual(20);
    const before = await exportOf(node.url, a.owner.accessToken);
    const markers = markersOf(a);

    for (const route of scoped) {
      const label = `${route.method} ${route.path}`;
      const hasParams = route.path.includes(':');
      const rowParams = ROW_PARAMS[route.path];
      const vocabulary = VOCABULARY_PARAMS[route.path];
      if (hasParams && !rowParams && !vocabulary) {
        throw new Error(`${label}: add its params to ROW_PARAMS or VOCABULARY_PARAMS`);
      }
      const makeBody = BODIES[label];
      if (route.body && !makeBody) throw new Error(`${label}: add a valid body to BODIES`);

      const path = hasParams ? fill(route.path, { ...rowParams?.(a), ...vocabulary }) : route.path;
      // A route that ends every session of its caller is called as B's admin, so B's owner
      // stays signed in for the rest of the loop.
      const token = ENDS_SESSIONS.has(label)
        ? (await login(node.url, b.admin.email)).body.accessToken
        : b.owner.accessToken;
      const res = await request(node.url, path, {
        method: route.method,
        token,
        ...(makeBody ? { json: makeBody(a) } : {}),
      });
      if (rowParams) expect([403, 404], label).toContain(res.status);
      expect(res.status, label).toBeLessThan(500);
      for (const marker of markers)
        expect(res.text, `${label} leaked ${marker}`).not.toContain(marker);
    }

    // Nothing of A changed either.
    expect(await exportOf(node.url, a.owner.accessToken)).toEqual(before);
  });

  it('with the business filter forgotten, RLS still returns nothing of the other business', async () => {
    const db = node.app.database.db;
    const tenantTables = rowsOf(
      await db.execute(sql`
          select table_name as name from information_schema.columns
          where table_schema = 'public' and column_name = 'business_id' order by 1`),
    ).map((r) => String(r.name));
    expect(tenantTables.length).toBeGreaterThanOrEqual(15);

    for (const table of tenantTables) {
      const all = rowsOf(
        await db.execute(sql.raw(`select business_id::text as b from "${table}"`)),
      );
      const seenByB = await node.app.database.transaction(
        { tenant: b.owner.business.id },
        async ({ db: tx }) =>
          rowsOf(await tx.execute(sql.raw(`select business_id::text as b from "${table}"`))),
      );
      // The owning role (system code) sees A's rows: the query itself would return them.
      expect(
        all.some((r) => r.b === a.owner.business.id),
        `${table} has rows of A`,
      ).toBe(true);
      expect(seenByB.length, table).toBeGreaterThan(0);
      expect(
        seenByB.every((r) => r.b === b.owner.business.id),
        table,
      ).toBe(true);
    }

    await node.app.database.transaction({ tenant: b.owner.business.id }, async ({ db: tx }) => {
      const businesses = rowsOf(await tx.execute(sql`select id::text as id from businesses`));
      expect(businesses.map((r) => r.id)).toEqual([b.owner.business.id]);
      const users = rowsOf(await tx.execute(sql`select id::text as id from users`));
      expect(users.map((r) => r.id).sort()).toEqual([b.owner.user.id, b.admin.user.id].sort());
      const codes = rowsOf(await tx.execute(sql`select user_id::text as u from recovery_codes`));
      expect(codes.length).toBe(10);
      expect(codes.every((r) => r.u === b.admin.user.id)).toBe(true);
      // Through drizzle too: a select without a where clause.
      const rows = await tx.select().from(contacts);
      expect(rows.map((r) => r.id)).toEqual([b.seeded.contactId]);
      // Writes without a filter touch only B's rows.
      await tx.update(contacts).set({ name: 'renamed by B' });
    });
    const [aContact] = rowsOf(
      await db.execute(sql`select name from contacts where id = ${a.seeded.contactId}`),
    );
    expect(aContact?.name).not.toBe('renamed by B');

    // Writing a row for another business is refused outright.
    await expect(
      node.app.database.transaction({ tenant: b.owner.business.id }, ({ db: tx }) =>
        tx
          .insert(contacts)
          .values({ businessId: a.owner.business.id, channel: 'messenger', externalId: 'x' }),
      ),
    ).rejects.toThrow();
    // No business set: the tenant role sees nothing at all.
    const none = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', ${TENANT_ROLE}, true)`);
      return rowsOf(await tx.execute(sql`select id from contacts`));
    });
    expect(none).toEqual([]);
  });

  it('leaves no table both reachable by the tenant role and outside RLS', async () => {
    const rows = rowsOf(
      await node.app.database.db.execute(sql`
          select c.relname as name, c.relrowsecurity as rls,
                 has_table_privilege(${TENANT_ROLE}, c.oid, 'SELECT') as readable
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = 'r'`),
    );
    const exposed = rows.filter((r) => r.readable && !r.rls).map((r) => r.name);
    expect(exposed).toEqual([]);
    expect(rows.find((r) => r.name === 'meta_deletion_requests')?.readable).toBe(false);
  });
});
