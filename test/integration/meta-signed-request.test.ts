import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { integrationListResponseSchema } from '../../shared/settings.schema';
import {
  metaDataDeletionResponseSchema,
  metaDeletionStatusSchema,
} from '../../shared/privacy.schema';
import { errorBodySchema } from '../../shared/errors';
import type { RunningNode } from '../../server/main';
import { contacts, messages, metaDeletionRequests } from '../../server/persistence/schema';
import { signSignedRequest } from '../../server/privacy/signed-request';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { registerBusiness } from '../helpers/auth';
import { connectChannel } from '../helpers/channels';
import { request } from '../helpers/http';
import { given, waitUntil } from '../helpers/seed';
import { TEST_SECRETS } from '../helpers/test-node';
import { describeModes } from '../helpers/modes';

const codeOf = (body: unknown) => errorBodySchema.parse(body).error.code;
const now = () => Math.floor(Date.now() / 1000);

function form(signedRequest: string) {
  return {
    body: new URLSearchParams({ signed_request: signedRequest }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

const signed = (payload: Record<string, unknown>, secret: string = TEST_SECRETS.META_APP_SECRET) =>
  signSignedRequest({ algorithm: 'HMAC-SHA256', issued_at: now(), ...payload }, secret);

/** The status page once the queued deletion has settled (the row is polled, not the page). */
async function settledStatus(node: RunningNode, code: string) {
  const db = node.app.database.db;
  await waitUntil(async () => {
    const [row] = await db
      .select({ status: metaDeletionRequests.status })
      .from(metaDeletionRequests)
      .where(eq(metaDeletionRequests.confirmationCode, code));
    return row?.status === 'completed';
  }, 'the data deletion to settle');
  const res = await request(node.url, `/api/meta/data-deletion/${code}`);
  return metaDeletionStatusSchema.parse(res.body);
}

describeModes('Meta callbacks', (cluster) => {
  let node: RunningNode;
  let graph: FakeMetaGraph;

  // No META_APP_ID: Messenger IDs cannot be matched (meta-data-deletion.test.ts has one).
  beforeAll(async () => {
    graph = await startFakeMetaGraph();
    node = await cluster.start({ ...graph.env });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('erases the Meta user’s data in every business and reports a status URL that says what it could not match', async () => {
    const [a, b] = [await registerBusiness(node.url), await registerBusiness(node.url)];
    const db = node.app.database.db;
    const userId = `${Date.now()}`;
    const inA = await given(node.app.database).contact(a.business.id, { externalId: userId });
    const inB = await given(node.app.database).contact(b.business.id, { externalId: userId });
    const someoneElse = await given(node.app.database).contact(a.business.id);

    const res = await request(
      node.url,
      '/api/meta/data-deletion',
      form(signed({ user_id: userId })),
    );
    expect(res.status).toBe(200);
    const { url, confirmation_code } = metaDataDeletionResponseSchema.parse(res.body);
    expect(confirmation_code).toMatch(/^[0-9a-f]{20}$/);
    expect(url).toBe(`${node.url}/api/meta/data-deletion/${confirmation_code}`);

    const status = await settledStatus(node, confirmation_code);
    for (const seeded of [inA, inB]) {
      expect(await db.select().from(contacts).where(eq(contacts.id, seeded.contactId))).toEqual([]);
      const [first] = seeded.messageIds;
      expect(await db.select().from(messages).where(eq(messages.id, first!))).toEqual([]);
    }
    expect(
      await db.select().from(contacts).where(eq(contacts.id, someoneElse.contactId)),
    ).toHaveLength(1);

    expect(status).toMatchObject({
      confirmationCode: confirmation_code,
      status: 'completed',
      deletedConversations: 2,
    });
    expect(status.message).toMatch(/^We deleted 2 conversations linked to your Facebook account/);
    expect(status.unmatched).toEqual([
      {
        channels: ['messenger'],
        reason: 'not_configured',
        message: expect.stringMatching(
          /^We could not match Messenger conversations to your Facebook account: this service is not set up to ask Meta .*contact the business you messaged\.$/,
        ) as unknown,
      },
      {
        channels: ['instagram', 'whatsapp'],
        reason: 'not_linkable',
        message:
          'We could not match Instagram and WhatsApp conversations to your Facebook account: Meta does not let apps link them. To have those deleted, contact the business you messaged.',
      },
    ]);
    expect(graph.requests.filter((r) => r.path.endsWith('/ids_for_pages'))).toEqual([]);
    expect((await request(node.url, '/api/meta/data-deletion/0123456789abcdef0123')).status).toBe(
      404,
    );
    expect((await request(node.url, '/api/meta/data-deletion/<script>')).status).toBe(404);
  });

  it('refuses a tampered request, another secret and another algorithm, erasing nothing', async () => {
    const owner = await registerBusiness(node.url);
    const db = node.app.database.db;
    const userId = `${Date.now()}7`;
    const seeded = await given(node.app.database).contact(owner.business.id, {
      externalId: userId,
    });
    const requestsBefore = await db.$count(metaDeletionRequests);

    const good = signed({ user_id: userId });
    const [sig, payload] = good.split('.') as [string, string];
    const tamperedPayload = Buffer.from(
      JSON.stringify({ algorithm: 'HMAC-SHA256', user_id: `${userId}0` }),
    ).toString('base64url');
    const overJson = createHmac('sha256', TEST_SECRETS.META_APP_SECRET)
      .update(Buffer.from(payload, 'base64url'))
      .digest('base64url');
    const refused = [
      `${sig}.${tamperedPayload}`,
      `${sig.slice(0, -4)}AAAA.${payload}`,
      signed({ user_id: userId }, 'not-the-app-secret'),
      signed({ user_id: userId, algorithm: 'HMAC-SHA1' }),
      signed({ user_id: userId, algorithm: 'none' }),
      `${overJson}.${payload}`,
      'no-dot-at-all',
    ];
    for (const value of refused) {
      for (const path of ['/api/meta/data-deletion', '/api/meta/deauthorize']) {
        const res = await request(node.url, path, form(value));
        expect(res.status, `${path} ${value}`).toBe(401);
        expect(codeOf(res.body)).toBe('unauthorized');
      }
    }
    const missing = await request(node.url, '/api/meta/data-deletion', {
      body: 'something=else',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(missing.status).toBe(400);
    const asJson = await request(node.url, '/api/meta/data-deletion', {
      json: { signed_request: good },
    });
    expect(asJson.status).toBe(415);
    expect(await db.select().from(contacts).where(eq(contacts.id, seeded.contactId))).toHaveLength(
      1,
    );
    expect(await db.$count(metaDeletionRequests)).toBe(requestsBefore);
  });

  it('on deauthorize of a page, drops that page’s integrations', async () => {
    const owner = await registerBusiness(node.url);
    const pageId = `${Date.now()}3`;
    await connectChannel(node.url, graph, owner.accessToken, {
      channel: 'messenger',
      externalId: pageId,
    });
    const res = await request(
      node.url,
      '/api/meta/deauthorize',
      form(signed({ user_id: '0', profile_id: pageId })),
    );
    expect(res.status).toBe(200);
    const list = await request(node.url, '/api/integrations', { token: owner.accessToken });
    expect(integrationListResponseSchema.parse(list.body).items).toEqual([]);
    const audit = await request<{ items: { action: string }[] }>(node.url, '/api/audit-log', {
      token: owner.accessToken,
    });
    expect(audit.body.items.map((i) => i.action)).toContain('meta.deauthorized');
  });
});
