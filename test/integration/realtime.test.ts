import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAccessTokens } from '../../server/auth/access-tokens';
import type { RunningNode } from '../../server/main';
import { appendFeed, pruneFeed } from '../../server/realtime/feed.pg';
import type {
  CommerceNoticeEvent,
  FeedEntry,
  PresenceUpdated,
  TypingEvent,
} from '../../shared/realtime.events';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { conversation } from '../helpers/probe';
import { addMember, login, registerBusiness, type Signup } from '../helpers/auth';
import { request } from '../helpers/http';
import { connectFeed, connectSocket, sleep, type DashboardSocket } from '../helpers/realtime';
import { given, waitUntil } from '../helpers/seed';
import { TEST_SECRETS } from '../helpers/test-node';
import { describeModes } from '../helpers/modes';
import { postMetaText } from '../helpers/meta';

/**
 * Dashboards over socket.io on the node's uWS app (docs/api.md, "Socket.io"): the handshake, the
 * feed, tenant isolation, watch/typing/presence and access changes. One node per file: socket.io
 * patches the adapter for uWS process-wide (server/realtime/realtime.ts).
 */

const FEED_EVENT_NAMES = new Set([
  'conversation:created',
  'conversation:updated',
  'message:created',
  'message:status',
]);

describeModes('realtime', (cluster) => {
  let graph: FakeMetaGraph;
  let node: RunningNode;
  let shopA: Signup;
  let shopB: Signup;
  const pageA = `page-${randomUUID()}`;
  const pageB = `page-${randomUUID()}`;
  const sockets: DashboardSocket[] = [];

  const connect = async (token: string) => {
    const c = await connectSocket(node.url, token);
    sockets.push(c.socket);
    return c;
  };
  const postText = async (page: string, from: string, text: string) => {
    const res = await postMetaText(node.url, {
      channel: 'messenger',
      pageOrPhoneId: page,
      from,
      text,
    });
    expect(res.status).toBe(200);
  };
  const dbVersion = async (conversationId: string) =>
    Number((await conversation(node.app.database, conversationId))?.version);

  beforeAll(async () => {
    graph = await startFakeMetaGraph();
    node = await cluster.start({ ...graph.env, FEED_RESYNC_LIMIT: '50' });
    shopA = await registerBusiness(node.url, 'Shop A');
    shopB = await registerBusiness(node.url, 'Shop B');
    await given(node.app.database).integration(shopA.business.id, {
      channel: 'messenger',
      externalId: pageA,
    });
    await given(node.app.database).integration(shopB.business.id, {
      channel: 'messenger',
      externalId: pageB,
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await graph?.[Symbol.asyncDispose]();
  });

  it('refuses a missing, malformed or expired token with unauthorized', async () => {
    const claims = decodeJwt(shopA.accessToken);
    const shortLived = await createAccessTokens({
      current: TEST_SECRETS.JWT_SECRET,
      ttlSeconds: 1,
    }).sign({
      userId: claims.sub as string,
      businessId: claims.bid as string,
      role: 'owner',
      sessionId: claims.sid as string,
    });
    await sleep(2100);
    for (const token of ['', 'not-a-jwt', shortLived, `${shopA.accessToken}x`]) {
      const err = await connect(token).then(
        () => null,
        (e: Error & { data?: { code?: string } }) => e,
      );
      expect(err?.message).toBe('unauthorized');
      expect(err?.data?.code).toBe('unauthorized');
    }
  });

  it('says hello with the feed position after joining, and closes the socket when the token expires', async () => {
    const { hello } = await connect(shopA.accessToken);
    expect(hello).toMatchObject({
      userId: shopA.user.id,
      businessId: shopA.business.id,
      role: 'owner',
      nodeId: node.config.nodeId,
    });
    expect(hello.seq).toBeGreaterThanOrEqual(0);

    const claims = decodeJwt(shopA.accessToken);
    const token = await createAccessTokens({
      current: TEST_SECRETS.JWT_SECRET,
      ttlSeconds: 2,
    }).sign({
      userId: claims.sub as string,
      businessId: claims.bid as string,
      role: 'owner',
      sessionId: claims.sid as string,
    });
    const { socket } = await connect(token);
    const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
  });

  it('streams a webhook to the business as created/updated entries with consecutive seqs, converging on the DB', async () => {
    const feed = await connectFeed(node.url, () => shopA.accessToken);
    const raw = await connect(shopA.accessToken);
    const rawEntries: FeedEntry[] = [];
    for (const event of FEED_EVENT_NAMES) {
      raw.socket.on(event as 'message:status', (data) =>
        rawEntries.push({ event, data } as FeedEntry),
      );
    }
    const customer = `psid-${randomUUID()}`;
    await postText(pageA, customer, 'hello there');
    const created = await waitUntil(
      async () => rawEntries.find((e) => e.event === 'conversation:created'),
      'conversation:created',
    );
    const conversationId = (created.data as { id: string }).id;
    await waitUntil(
      async () => rawEntries.find((e) => e.event === 'message:created'),
      'message:created',
    );
    await postText(pageA, customer, 'second');
    await waitUntil(
      async () =>
        feed.conversations.get(conversationId)?.version === (await dbVersion(conversationId)) &&
        rawEntries.some((e) => e.event === 'conversation:updated'),
      'the feed client at the DB version',
    );
    const seqs = rawEntries.map((e) => e.data.seq);
    expect(seqs[0]).toBe(raw.hello.seq + 1);
    seqs.forEach((s, i) => expect(s).toBe(seqs[0]! + i));
    const message = rawEntries.find((e) => e.event === 'message:created');
    expect(message?.data).toMatchObject({
      conversationId,
      message: { text: 'hello there', direction: 'in', author: 'customer' },
    });
    feed.close();
  });

  it('never shows one business anything of another; watch and typing are tenant-checked', async () => {
    const a = await connect(shopA.accessToken);
    const b = await connect(shopB.accessToken);
    const seenByB: string[] = [];
    b.socket.onAny((event: string, data: unknown) =>
      seenByB.push(`${event} ${JSON.stringify(data)}`),
    );
    const customer = `psid-${randomUUID()}`;
    const created = new Promise<{ id: string }>((resolve) =>
      a.socket.on('conversation:created', resolve),
    );
    await postText(pageA, customer, 'for A only');
    const { id } = await created;

    expect(await b.socket.emitWithAck('conversation:watch', { id })).toEqual({
      ok: false,
      error: { code: 'not_found', message: expect.any(String) },
    });
    expect(await b.socket.emitWithAck('conversation:watch', { id: 'not-a-uuid' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(
      await b.socket.emitWithAck('typing', { conversationId: id, typing: true }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await a.socket.emitWithAck('conversation:watch', { id })).toEqual({
      ok: true,
      data: { id },
    });
    // B's own resync never returns A's entries.
    const resync = await b.socket.emitWithAck('resync', { sinceSeq: 0 });
    expect(JSON.stringify(resync)).not.toContain(shopA.business.id);
    expect(JSON.stringify(resync)).not.toContain(id);
    await sleep(300);
    expect(seenByB.join('\n')).not.toContain(shopA.business.id);
    expect(seenByB.join('\n')).not.toContain(id);
    expect(seenByB.filter((e) => FEED_EVENT_NAMES.has(e.split(' ')[0]!))).toEqual([]);
  });

  it('relays typing and presence to the business room', async () => {
    const owner = await connect(shopA.accessToken);
    const presence: PresenceUpdated[] = [];
    owner.socket.on('presence:updated', (p) => presence.push(p));
    const agent = await addMember(node.url, shopA.accessToken, 'agent');
    const agentSocket = await connect(agent.accessToken);
    await waitUntil(
      async () => presence.some((p) => p.agents.some((x) => x.userId === agent.user.id)),
      'the agent online',
    );
    const typing = new Promise<TypingEvent>((resolve) => owner.socket.on('typing', resolve));
    const created = new Promise<{ id: string }>((resolve) =>
      owner.socket.on('conversation:created', resolve),
    );
    await postText(pageA, `psid-${randomUUID()}`, 'typing test');
    const { id } = await created;
    expect(
      await agentSocket.socket.emitWithAck('typing', { conversationId: id, typing: true }),
    ).toEqual({ ok: true, data: null });
    expect(await typing).toMatchObject({
      conversationId: id,
      userId: agent.user.id,
      name: 'A agent',
      typing: true,
    });
    agentSocket.socket.close();
    await waitUntil(
      async () => presence.at(-1)?.agents.every((x) => x.userId !== agent.user.id),
      'the agent offline',
    );
  });

  it('sends commerce notices to owners and admins only', async () => {
    const owner = await connect(shopA.accessToken);
    const agent = await connect(
      (await addMember(node.url, shopA.accessToken, 'agent')).accessToken,
    );
    const other = await connect(shopB.accessToken);
    const seen: string[] = [];
    agent.socket.on('commerce:notice', () => seen.push('agent'));
    other.socket.on('commerce:notice', () => seen.push('other business'));
    const received = new Promise<CommerceNoticeEvent>((resolve) =>
      owner.socket.on('commerce:notice', resolve),
    );
    const notice = {
      kind: 'order_paid' as const,
      businessId: shopA.business.id,
      orderId: randomUUID(),
      conversationId: null,
      provider: 'stripe' as const,
      reference: 'pi_test',
      amountMinor: 1500,
      currency: 'USD',
    };
    await node.app.commerce.notifications.notify(notice);
    expect((await received).notice).toEqual(notice);
    await sleep(200);
    expect(seen).toEqual([]);
  });

  it('disconnects a member whose role changed or who was removed', async () => {
    const agent = await addMember(node.url, shopA.accessToken, 'agent');
    const first = await connect(agent.accessToken);
    const changed = new Promise<string>((resolve) => first.socket.once('disconnect', resolve));
    const patch = await request(node.url, `/api/team/${agent.user.id}`, {
      method: 'PATCH',
      token: shopA.accessToken,
      json: { role: 'admin' },
    });
    expect(patch.status).toBe(200);
    expect(await changed).toBe('io server disconnect');
    const again = await connect(agent.accessToken);
    expect(again.hello.role).toBe('admin');

    const removed = new Promise<string>((resolve) => again.socket.once('disconnect', resolve));
    const del = await request(node.url, `/api/team/${agent.user.id}`, {
      method: 'DELETE',
      token: shopA.accessToken,
    });
    expect(del.status).toBe(204);
    expect(await removed).toBe('io server disconnect');
    await expect(connect(agent.accessToken)).rejects.toThrow('unauthorized');
  });

  // Security review M1: a socket opened with a stolen access token outlived the session.
  it('closes the sockets of a session that logs out, and only those', async () => {
    const stolen = await login(node.url, shopA.email);
    expect(stolen.status).toBe(200);
    const thief = await connect(stolen.body.accessToken);
    const owner = await connect(shopA.accessToken);
    const received: string[] = [];
    thief.socket.on('message:created', (m) => received.push(m.message.text ?? ''));
    const closed = new Promise<string>((resolve) => thief.socket.once('disconnect', resolve));

    const logout = await request(node.url, '/api/auth/logout', {
      json: { refreshToken: stolen.body.refreshToken },
    });
    expect(logout.status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    await postText(pageA, `psid-${randomUUID()}`, 'private message after logout');
    await sleep(300);
    expect(received).toEqual([]);
    expect(owner.socket.connected).toBe(true);
    await expect(connect(stolen.body.accessToken)).rejects.toThrow('unauthorized');
  });

  it('closes the sockets of a family revoked for refresh-token reuse', async () => {
    const session = await login(node.url, shopA.email);
    const socket = await connect(session.body.accessToken);
    const closed = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    const refresh = () =>
      request(node.url, '/api/auth/refresh', {
        json: { refreshToken: session.body.refreshToken },
      });
    expect((await refresh()).status).toBe(200);
    // The same token again: reuse, the whole family (and the socket opened with it) ends.
    expect((await refresh()).status).toBe(401);
    expect(await closed).toBe('io server disconnect');
  });

  it('checks the session again on resync and watch, even if a disconnect was lost', async () => {
    const session = await login(node.url, shopA.email);
    const { socket } = await connect(session.body.accessToken);
    const [conversation] = (
      await request<{ items: { id: string }[] }>(node.url, '/api/conversations', {
        token: shopA.accessToken,
      })
    ).body.items;
    expect(await socket.emitWithAck('resync', { sinceSeq: 0 })).toMatchObject({ ok: true });
    // As if the adapter lost the disconnect: the login ends in the database only.
    await node.app.database.sql.query(
      `update refresh_tokens set revoked_at = now() where family_id = (
           select family_id from refresh_tokens where user_id = $1 order by created_at desc limit 1)`,
      [shopA.user.id],
    );
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const resync = socket.emitWithAck('resync', { sinceSeq: 0 }).catch((err: Error) => err.message);
    expect(await closed).toBe('io server disconnect');
    // Refused, or cut off by the disconnect: never the feed.
    expect(await resync).not.toMatchObject({ ok: true });
    const other = await connect((await login(node.url, shopA.email)).body.accessToken);
    await node.app.database.sql.query(
      `update refresh_tokens set revoked_at = now() where family_id = (
           select family_id from refresh_tokens where user_id = $1 order by created_at desc limit 1)`,
      [shopA.user.id],
    );
    const watch = await other.socket
      .emitWithAck('conversation:watch', { id: conversation!.id })
      .catch((err: Error) => err.message);
    expect(watch).not.toMatchObject({ ok: true });
  });

  it("closes every member's dashboards when the business deletes its account", async () => {
    const shop = await registerBusiness(node.url, 'Shop leaving');
    const agent = await addMember(node.url, shop.accessToken, 'agent');
    const owner = await connect(shop.accessToken);
    const member = await connect(agent.accessToken);
    const closed = [owner, member].map(
      (c) => new Promise<string>((resolve) => c.socket.once('disconnect', resolve)),
    );
    const del = await request(node.url, '/api/account', {
      method: 'DELETE',
      token: shop.accessToken,
      json: { password: shop.password },
    });
    expect(del.status).toBe(202);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    await expect(connect(agent.accessToken)).rejects.toThrow('unauthorized');
  });

  it('resync returns the missed entries in order, or reset when too far behind', async () => {
    const shop = await registerBusiness(node.url, 'Shop C');
    const { socket, hello } = await connect(shop.accessToken);
    const { conversationId } = await given(node.app.database).conversation(shop.business.id);
    const status = (i: number) => ({
      event: 'message:status' as const,
      data: {
        conversationId,
        messageId: `m${i}`,
        status: 'sent' as const,
        errorCode: null,
      },
    });
    await appendFeed(
      node.app.database.sql,
      shop.business.id,
      Array.from({ length: 10 }, (_, i) => status(i)),
    );
    const near = await socket.emitWithAck('resync', { sinceSeq: hello.seq + 3 });
    expect(near.ok && !near.data.reset && near.data.entries.map((e) => e.data.seq)).toEqual(
      Array.from({ length: 7 }, (_, i) => hello.seq + 4 + i),
    );
    await appendFeed(
      node.app.database.sql,
      shop.business.id,
      Array.from({ length: 60 }, (_, i) => status(i)),
    );
    expect(await socket.emitWithAck('resync', { sinceSeq: hello.seq })).toEqual({
      ok: true,
      data: { reset: true, seq: hello.seq + 70 },
    });
    // Pruned: entries past the retention go, the last `keepMin` stay; older positions reset.
    const removed = await pruneFeed(node.app.database.sql, 0, 5);
    expect(removed).toBeGreaterThanOrEqual(65);
    expect(await socket.emitWithAck('resync', { sinceSeq: hello.seq + 60 })).toEqual({
      ok: true,
      data: { reset: true, seq: hello.seq + 70 },
    });
    const kept = await socket.emitWithAck('resync', { sinceSeq: hello.seq + 65 });
    expect(kept.ok && !kept.data.reset && kept.data.entries.length).toBe(5);
    expect(await socket.emitWithAck('resync', { sinceSeq: -1 } as never)).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });
});
