import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  metaDataDeletionResponseSchema,
  metaDeletionStatusSchema,
  type MetaDeletionStatus,
} from '../../shared/privacy.schema';
import type { RunningNode } from '../../server/main';
import type { Database, Db } from '../../server/persistence/db';
import {
  contacts,
  conversations,
  messages,
  metaDeletionRequests,
} from '../../server/persistence/schema';
import { META_DELETION_POLICY } from '../../server/privacy/meta-deletion-jobs';
import { signSignedRequest } from '../../server/privacy/signed-request';
import { randomNumericId } from '../fakes/ids';
import { graphError } from '../fakes/meta-graph-errors';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { registerBusiness } from '../helpers/auth';
import { connectChannel } from '../helpers/channels';
import { request } from '../helpers/http';
import { given, waitUntil } from '../helpers/seed';
import { TEST_SECRETS } from '../helpers/test-node';
import { describeModes } from '../helpers/modes';

// Issue 16, item 15: the app-scoped user ID of Meta's data-deletion callback never equals a
// page-scoped contact ID, so deletion matched nothing; Messenger PSIDs now come from Graph.

const APP_ID = '4815162342108';
const APP_TOKEN = `${APP_ID}|${TEST_SECRETS.META_APP_SECRET}`;
const IDS_FOR_PAGES = /\/ids_for_pages$/;
const NOT_LINKABLE: MetaDeletionStatus['unmatched'][number] = {
  channels: ['instagram', 'whatsapp'],
  reason: 'not_linkable',
  message:
    'We could not match Instagram and WhatsApp conversations to your Facebook account: Meta does not let apps link them. To have those deleted, contact the business you messaged.',
};

const numericId = () => String(randomNumericId(15));
const form = (payload: Record<string, unknown>) => ({
  body: new URLSearchParams({
    signed_request: signSignedRequest(
      { algorithm: 'HMAC-SHA256', issued_at: Math.floor(Date.now() / 1000), ...payload },
      TEST_SECRETS.META_APP_SECRET,
    ),
  }).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

/** A Messenger customer of the business, talking to it on the Page of `integrationId`. */
async function messengerContact(
  database: Database,
  businessId: string,
  psid: string,
  integrationId: string,
) {
  const seeded = await given(database).contact(businessId, { externalId: psid });
  await database.db
    .update(conversations)
    .set({ integrationId })
    .where(eq(conversations.id, seeded.conversationIds[0]!));
  return seeded;
}

describeModes('Meta data deletion', (cluster) => {
  let node: RunningNode;
  let graph: FakeMetaGraph;
  let db: Db;

  beforeAll(async () => {
    graph = await startFakeMetaGraph({
      app: { id: APP_ID, secret: TEST_SECRETS.META_APP_SECRET },
      idsForPagesPageSize: 1,
    });
    node = await cluster.start({ ...graph.env, META_APP_ID: APP_ID });
    db = node.app.database.db;
  });
  afterEach(() => graph.reset());
  afterAll(async () => {
    await graph?.close();
  });

  const exists = async (contactId: string) =>
    (await db.select().from(contacts).where(eq(contacts.id, contactId))).length === 1;

  /** Meta's callback: the answer it requires, and the status path it links to. */
  async function askToDelete(userId: string) {
    const res = await request(node.url, '/api/meta/data-deletion', form({ user_id: userId }));
    expect(res.status).toBe(200);
    const answer = metaDataDeletionResponseSchema.parse(res.body);
    expect(Object.keys(res.body as object).sort()).toEqual(['confirmation_code', 'url']);
    expect(answer.url).toBe(`${node.url}/api/meta/data-deletion/${answer.confirmation_code}`);
    return { code: answer.confirmation_code, path: new URL(answer.url).pathname };
  }
  const statusOf = async (path: string) =>
    metaDeletionStatusSchema.parse((await request(node.url, path)).body);
  /** Waits on the row, not the page: polling the page would meet the per-IP rate limit. */
  const requestRow = async (code: string) => {
    const [row] = await db
      .select()
      .from(metaDeletionRequests)
      .where(eq(metaDeletionRequests.confirmationCode, code));
    return row;
  };
  const settled = async (code: string, path: string) => {
    await waitUntil(
      async () => (await requestRow(code))?.status === 'completed',
      'the data deletion to settle',
    );
    return statusOf(path);
  };
  const idsCalls = (userId: string) =>
    graph.requests.filter((r) => r.path.endsWith(`/${userId}/ids_for_pages`));

  it('erases the contact whose PSID Meta names for a Page, on that Page only', async () => {
    const [a, b] = [await registerBusiness(node.url), await registerBusiness(node.url)];
    const [pageA, pageB, pageOfNobody] = [numericId(), numericId(), numericId()];
    const onA = await connectChannel(node.url, graph, a.accessToken, {
      channel: 'messenger',
      externalId: pageA,
    });
    const onB = await connectChannel(node.url, graph, b.accessToken, {
      channel: 'messenger',
      externalId: pageB,
    });
    const userId = numericId();
    const [psid, psidElsewhere] = [numericId(), numericId()];
    graph.setPageScopedIds(userId, [
      { psid, pageId: pageA },
      { psid: psidElsewhere, pageId: pageOfNobody },
    ]);
    const matched = await messengerContact(node.app.database, a.business.id, psid, onA.id);
    // The same digits on another Page of another business are another person.
    const sameDigitsOnB = await messengerContact(node.app.database, b.business.id, psid, onB.id);
    // And the PSID Meta names for a Page nobody connected means nothing on Page A.
    const otherPsidOnA = await messengerContact(
      node.app.database,
      a.business.id,
      psidElsewhere,
      onA.id,
    );

    const { code, path } = await askToDelete(userId);
    const status = await settled(code, path);

    expect(await exists(matched.contactId)).toBe(false);
    const conversationId = matched.conversationIds[0]!;
    expect(
      await db.select().from(conversations).where(eq(conversations.id, conversationId)),
    ).toEqual([]);
    expect(
      await db.select().from(messages).where(eq(messages.conversationId, conversationId)),
    ).toEqual([]);
    expect(await exists(sameDigitsOnB.contactId)).toBe(true);
    expect(await exists(otherPsidOnA.contactId)).toBe(true);
    const bMessages = await db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, sameDigitsOnB.conversationIds[0]!));
    expect(bMessages).toHaveLength(2);

    expect(status).toMatchObject<Partial<MetaDeletionStatus>>({
      confirmationCode: code,
      status: 'completed',
      deletedConversations: 1,
      unmatched: [NOT_LINKABLE],
    });
    expect(status.message).toBe(
      `We deleted 1 conversation linked to your Facebook account, with all their messages. ${NOT_LINKABLE.message}`,
    );

    // Asked as Meta requires: the app token (in a header, not the URL), its proof, cursors.
    const calls = idsCalls(userId);
    expect(calls).toHaveLength(2);
    const proof = createHmac('sha256', TEST_SECRETS.META_APP_SECRET)
      .update(APP_TOKEN)
      .digest('hex');
    for (const call of calls) {
      expect(call.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);
      expect(call.query.appsecret_proof).toBe(proof);
      expect(call.query.access_token).toBeUndefined();
    }
    expect(calls[0]?.query.after).toBeUndefined();
    expect(calls[1]?.query.after).toEqual(expect.any(String));

    const audit = await request<{ items: { action: string }[] }>(node.url, '/api/audit-log', {
      token: a.accessToken,
    });
    expect(audit.body.items.map((i) => i.action)).toContain('meta.data_deletion');
  });

  it('when Meta refuses to match, erases what it can and says Messenger could not be matched', async () => {
    const owner = await registerBusiness(node.url);
    const userId = numericId();
    const exact = await given(node.app.database).contact(owner.business.id, { externalId: userId });
    graph.failNext(
      1,
      graphError(190, { status: 400, message: 'Invalid OAuth access token signature.' }),
      { path: IDS_FOR_PAGES },
    );

    const { code, path } = await askToDelete(userId);
    const status = await settled(code, path);

    expect(await exists(exact.contactId)).toBe(false);
    expect(status.deletedConversations).toBe(1);
    expect(status.unmatched).toEqual([
      {
        channels: ['messenger'],
        reason: 'refused',
        message:
          'We could not match Messenger conversations to your Facebook account: Meta refused to tell us which of those conversations are yours. To have those deleted, contact the business you messaged.',
      },
      NOT_LINKABLE,
    ]);
    expect(status.message).toContain('Meta refused');
    // A refusal is an answer: it is not asked again.
    expect(idsCalls(userId)).toHaveLength(1);
  });

  it('when Meta cannot be reached, stays pending, says so, and matches on the retry', async () => {
    const owner = await registerBusiness(node.url);
    const page = numericId();
    const onPage = await connectChannel(node.url, graph, owner.accessToken, {
      channel: 'messenger',
      externalId: page,
    });
    const [userId, psid] = [numericId(), numericId()];
    graph.setPageScopedIds(userId, [{ psid, pageId: page }]);
    const customer = await messengerContact(node.app.database, owner.business.id, psid, onPage.id);
    graph.failNext(1, graphError(2), { path: IDS_FOR_PAGES });

    const { code, path } = await askToDelete(userId);
    await waitUntil(
      async () => (await requestRow(code))?.outcome,
      'the first attempt to record that Meta could not be reached',
    );
    const retrying = await statusOf(path);
    expect(retrying).toMatchObject({ status: 'pending', completedAt: null, unmatched: [] });
    expect(retrying.message).toMatch(
      /could not reach Meta yet to find your Messenger conversations; we will try again/,
    );
    expect(await exists(customer.contactId)).toBe(true);

    const status = await settled(code, path);
    expect(status).toMatchObject({ deletedConversations: 1, unmatched: [NOT_LINKABLE] });
    expect(await exists(customer.contactId)).toBe(false);
    expect(idsCalls(userId)).toHaveLength(2);
  });

  it('after the last retry, settles without Messenger and says Meta could not be reached', async () => {
    const owner = await registerBusiness(node.url);
    const userId = numericId();
    const exact = await given(node.app.database).contact(owner.business.id, { externalId: userId });
    graph.setResponse({ path: IDS_FOR_PAGES }, graphError(2));

    const { code, path } = await askToDelete(userId);
    // Hours of backoff, skipped: whichever attempt comes next is the last the policy allows.
    await db
      .update(metaDeletionRequests)
      .set({ attempts: META_DELETION_POLICY.retryLimit })
      .where(eq(metaDeletionRequests.confirmationCode, code));
    const status = await settled(code, path);

    expect(await exists(exact.contactId)).toBe(false);
    expect(status.deletedConversations).toBe(1);
    expect(status.unmatched).toEqual([
      {
        channels: ['messenger'],
        reason: 'unreachable',
        message:
          'We could not match Messenger conversations to your Facebook account: we could not reach Meta to ask which of those conversations are yours. To have those deleted, contact the business you messaged.',
      },
      NOT_LINKABLE,
    ]);
  });
});
