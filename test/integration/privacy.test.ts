import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditLogResponseSchema } from '../../shared/audit.schema';
import { twoFactorSetupResponseSchema } from '../../shared/auth.schema';
import { errorBodySchema } from '../../shared/errors';
import { accountExportSchema, consentResponseSchema } from '../../shared/privacy.schema';
import type { RunningNode } from '../../server/main';
import {
  auditLog,
  contacts,
  conversations,
  inbox,
  messages,
  orders,
  users,
} from '../../server/persistence/schema';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { addMember, login, registerBusiness, totpCode } from '../helpers/auth';
import { connectChannel } from '../helpers/channels';
import { request } from '../helpers/http';
import { given } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

const codeOf = (body: unknown) => errorBodySchema.parse(body).error.code;
const rowsOf = (result: unknown): Record<string, unknown>[] =>
  Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows;

describeModes('privacy rights', (cluster) => {
  let node: RunningNode;
  let graph: FakeMetaGraph;

  beforeAll(async () => {
    graph = await startFakeMetaGraph();
    node = await cluster.start({ ...graph.env });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('exports everything the business holds, secrets masked, for the owner only', async () => {
    const owner = await registerBusiness(node.url);
    const seeded = await given(node.app.database).contact(owner.business.id);
    await connectChannel(node.url, graph, owner.accessToken, {
      channel: 'messenger',
      externalId: '4242',
      accessToken: 'EAAGexportsecret00001234',
    });
    const res = await request(node.url, '/api/account/export', { token: owner.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-export-/);
    const bundle = accountExportSchema.parse(res.body);
    expect(bundle.business).toMatchObject({ id: owner.business.id });
    expect(bundle.members).toEqual([
      expect.objectContaining({ userId: owner.user.id, role: 'owner' }),
    ]);
    expect(bundle.contacts.map((c) => c.id)).toEqual([seeded.contactId]);
    expect(bundle.messages.map((m) => m.id).sort()).toEqual([...seeded.messageIds].sort());
    expect(bundle.integrations[0]).toMatchObject({ accessTokenHint: 'EAAG…1234' });
    expect(res.text).not.toContain('EAAGexportsecret');
    expect(res.text).not.toMatch(/passwordHash|password_hash|accessTokenEnc|tokenHash/);

    const admin = await addMember(node.url, owner.accessToken, 'admin');
    expect(
      (await request(node.url, '/api/account/export', { token: admin.accessToken })).status,
    ).toBe(403);
    const audit = await request(node.url, '/api/audit-log', { token: owner.accessToken });
    expect(auditLogResponseSchema.parse(audit.body).items.map((i) => i.action)).toContain(
      'account.exported',
    );
  });

  it('withdrawing consent queues consent.withdrawn for the conversation of the contact, atomically', async () => {
    const owner = await registerBusiness(node.url);
    const agent = await addMember(node.url, owner.accessToken, 'agent');
    const db = node.app.database.db;
    const seeded = await given(node.app.database).contact(owner.business.id, {
      state: 'bot',
    });
    const consent = (json: unknown, token = agent.accessToken) =>
      request(node.url, `/api/contacts/${seeded.contactId}/consent`, { token, json });

    expect((await consent({ granted: 'no' })).status).toBe(400);
    expect((await consent({})).status).toBe(400);
    const [unchanged] = await db.select().from(contacts).where(eq(contacts.id, seeded.contactId));
    expect(unchanged?.consentGranted).toBe(true);

    const res = await consent({ granted: false });
    expect(res.status).toBe(200);
    const body = consentResponseSchema.parse(res.body);
    expect(body).toMatchObject({ id: seeded.contactId, consentGranted: false });
    expect(body.optedOutAt).not.toBeNull();

    const events = await db
      .select()
      .from(inbox)
      .where(inArray(inbox.conversationId, seeded.conversationIds));
    const [open1] = seeded.conversationIds;
    expect(events.map((e) => e.conversationId)).toEqual([open1]);
    const [conversation] = await db
      .select()
      .from(conversations)
      .where(eq(conversations.id, open1!));
    for (const e of events) {
      expect(e).toMatchObject({
        businessId: owner.business.id,
        source: 'system',
        type: 'consent.withdrawn',
        payload: {},
      });
      expect(e.sourceEventId).toMatch(
        new RegExp(`^consent:${seeded.contactId}:${e.conversationId}:consent\\.withdrawn:\\d+$`),
      );
    }
    expect(events.find((e) => e.conversationId === open1)?.shard).toBe(conversation?.shard);

    const granted = await consent({ granted: true });
    expect(consentResponseSchema.parse(granted.body)).toMatchObject({
      consentGranted: true,
      optedOutAt: null,
    });
    const after = await db
      .select()
      .from(inbox)
      .where(inArray(inbox.conversationId, seeded.conversationIds));
    // Re-granting queues consent.granted, which takes the conversation out of optedOut.
    expect(after.map((e) => e.type).sort()).toEqual(['consent.granted', 'consent.withdrawn']);

    const unknown = await request(
      node.url,
      '/api/contacts/00000000-0000-4000-8000-000000000000/consent',
      {
        token: agent.accessToken,
        json: { granted: false },
      },
    );
    expect(unknown.status).toBe(404);
  });

  it('erases a contact with its messages and conversations; orders stay, unlinked', async () => {
    const owner = await registerBusiness(node.url);
    const db = node.app.database.db;
    const gone = await given(node.app.database).contact(owner.business.id, { state: 'bot' });
    const kept = await given(node.app.database).contact(owner.business.id);
    const agent = await addMember(node.url, owner.accessToken, 'agent');
    const erase = (token: string) =>
      request(node.url, `/api/contacts/${gone.contactId}`, { method: 'DELETE', token });

    expect((await erase(agent.accessToken)).status).toBe(403);
    expect((await erase(owner.accessToken)).status).toBe(204);
    expect((await erase(owner.accessToken)).status).toBe(404);

    expect(await db.select().from(contacts).where(eq(contacts.id, gone.contactId))).toEqual([]);
    expect(await db.select().from(messages).where(inArray(messages.id, gone.messageIds))).toEqual(
      [],
    );
    expect(
      await db.select().from(conversations).where(inArray(conversations.id, gone.conversationIds)),
    ).toEqual([]);
    const [order] = await db.select().from(orders).where(eq(orders.id, gone.orderId));
    expect(order).toMatchObject({ contactId: null, conversationId: null, totalMinor: 1250 });
    expect(
      await db.select().from(messages).where(inArray(messages.id, kept.messageIds)),
    ).toHaveLength(kept.messageIds.length);
    const entries = await db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.businessId, owner.business.id), eq(auditLog.action, 'contact.erased')),
      );
    expect(entries).toEqual([
      expect.objectContaining({
        targetId: gone.contactId,
        meta: { messages: gone.messageIds.length },
      }),
    ]);
  });

  it('deletes the account only with the password and 2FA code, erasing every row', async () => {
    const owner = await registerBusiness(node.url);
    const agent = await addMember(node.url, owner.accessToken, 'agent');
    const bystander = await registerBusiness(node.url);
    const db = node.app.database.db;
    await given(node.app.database).contact(owner.business.id);
    const otherContact = await given(node.app.database).contact(bystander.business.id);
    const setup = await request(node.url, '/api/auth/2fa/setup', {
      token: owner.accessToken,
      json: { password: owner.password },
    });
    const { secret } = twoFactorSetupResponseSchema.parse(setup.body);
    await request(node.url, '/api/auth/2fa/enable', {
      token: owner.accessToken,
      json: { code: await totpCode(secret, -1) },
    });
    const del = (json: unknown, token = owner.accessToken) =>
      request(node.url, '/api/account', { method: 'DELETE', token, json });

    expect((await del({ password: owner.password }, agent.accessToken)).status).toBe(403);
    const wrongPassword = await del({ password: 'not the password!' });
    expect(wrongPassword.status).toBe(403);
    expect(codeOf((await del({ password: owner.password })).body)).toBe('totp_required');
    expect(codeOf((await del({ password: owner.password, totp: '000000' })).body)).toBe(
      'totp_required',
    );
    expect((await request(node.url, '/api/me', { token: owner.accessToken })).status).toBe(200);

    const done = await del({ password: owner.password, totp: await totpCode(secret) });
    expect(done.status).toBe(202);

    const tables = rowsOf(
      await db.execute(sql`
          select table_name as name from information_schema.columns
          where table_schema = 'public' and column_name = 'business_id'`),
    ).map((r) => String(r.name));
    for (const table of [...tables, 'businesses']) {
      const column = table === 'businesses' ? 'id' : 'business_id';
      const [row] = rowsOf(
        await db.execute(
          sql.raw(
            `select count(*)::int as n from "${table}" where ${column} = '${owner.business.id}'`,
          ),
        ),
      );
      expect(Number(row?.n), table).toBe(0);
    }
    expect(
      await db
        .select()
        .from(users)
        .where(inArray(users.id, [owner.user.id, agent.user.id])),
    ).toEqual([]);
    expect((await request(node.url, '/api/me', { token: owner.accessToken })).status).toBe(401);
    expect((await request(node.url, '/api/me', { token: agent.accessToken })).status).toBe(401);
    expect((await login(node.url, owner.email)).status).toBe(401);

    // Another business is untouched, and a tombstone records the deletion.
    expect(
      await db.select().from(contacts).where(eq(contacts.id, otherContact.contactId)),
    ).toHaveLength(1);
    const [tombstone] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'account.deleted'), eq(auditLog.targetId, owner.business.id)));
    expect(tombstone).toMatchObject({ businessId: null, meta: { members: 2 } });
  });
});
