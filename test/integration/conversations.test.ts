import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  conversationDetailSchema,
  conversationItemSchema,
  messageListResponseSchema,
  type ConversationItem,
  type MessageListResponse,
} from '../../shared/conversations.schema';
import type { ErrorBody } from '../../shared/errors';
import type { RunningNode } from '../../server/main';
import { orders } from '../../server/persistence/schema';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { inboxCount } from '../helpers/probe';
import { connectChannel } from '../helpers/channels';
import { addMember, registerBusiness, type Signup } from '../helpers/auth';
import { echoBot, inboxDriver, newPsid, newWhatsAppId } from '../helpers/inbox';
import { waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

const TOKENS = { wa: 'EAAG-conv-wa-token', page: 'EAAG-conv-page-token' };

describeModes('conversations API', (cluster) => {
  let graph: FakeMetaGraph;
  let node: RunningNode;
  let owner: Signup;
  let agent1: Signup;
  let agent2: Signup;
  let other: Signup;
  const ids = { phone: `phone-${randomUUID()}`, page: `page-${randomUUID()}` };

  beforeAll(async () => {
    graph = await startFakeMetaGraph({
      tokens: { [TOKENS.wa]: ids.phone, [TOKENS.page]: ids.page },
    });
    node = await cluster.start(
      // The test polls the API; the per-IP limit has its own test.
      { ...graph.env, LOGIN_ATTEMPTS_PER_IP: '1000', RATE_LIMIT_PER_MINUTE: '100000' },
      { configureRuntime: (runtime) => echoBot(runtime, () => node.app.database) },
    );
    owner = await registerBusiness(node.url);
    agent1 = await addMember(node.url, owner.accessToken, 'agent');
    agent2 = await addMember(node.url, owner.accessToken, 'agent');
    other = await registerBusiness(node.url);
    for (const [channel, externalId, accessToken] of [
      ['whatsapp', ids.phone, TOKENS.wa],
      ['messenger', ids.page, TOKENS.page],
    ] as const) {
      await connectChannel(node.url, graph, owner.accessToken, {
        channel,
        externalId,
        accessToken,
      });
    }
  });
  afterAll(async () => {
    await graph?.close();
  });

  const { db, api, post, customerWrites, rowOf, waitForPath, settled, handoff, listAll } =
    inboxDriver({
      node: () => node,
      owner: () => owner,
      accounts: { whatsapp: ids.phone, messenger: ids.page },
    });

  it('lists with filters and pages with the cursor, each conversation once', async () => {
    const bots = [newWhatsAppId(), newWhatsAppId(), newPsid()];
    for (const [i, from] of bots.entries())
      await customerWrites(i < 2 ? 'whatsapp' : 'messenger', from, `hello ${i}`);
    const handed = [await handoff('messenger'), await handoff('whatsapp')];
    for (const from of bots) await waitForPath(from, 'bot.idle');
    await settled();

    const all = await listAll(owner, '');
    const [count] = await db().sql.query<{ n: number }>(
      `select count(*)::int as n from conversations where business_id = $1`,
      [owner.business.id],
    );
    expect(all).toHaveLength(count!.n);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    // Most recent activity first.
    const times = all.map((c) => c.updatedAt);
    expect([...times].sort().reverse()).toEqual(times);
    for (const item of all) conversationItemSchema.parse(item);

    const handoffs = await listAll(owner, '&state=handoff', 1);
    expect(handoffs.map((c) => c.id).sort()).toEqual(handed.map((h) => h.id).sort());
    expect(handoffs.every((c) => c.state === 'handoff' && c.path === 'handoff.queued')).toBe(true);
    const messenger = await listAll(owner, '&channel=messenger', 50);
    expect(messenger.every((c) => c.channel === 'messenger')).toBe(true);
    expect(messenger.map((c) => c.id)).toContain(handed[0]!.id);
    expect(messenger.map((c) => c.id)).not.toContain(handed[1]!.id);
    const botWa = await listAll(owner, '&state=bot&channel=whatsapp', 50);
    expect(botWa).toHaveLength(2);
    const item = botWa[0]!;
    expect(item.lastMessage).toMatchObject({
      author: 'bot',
      text: expect.stringMatching(/^echo: hello/),
    });
    expect(item.contact.externalId).toMatch(/^1777/);
    expect((await listAll(owner, '&assignee=none', 50)).length).toBe(count!.n);
    expect(await listAll(agent1, '&assignee=me', 50)).toEqual([]);

    // Another business sees none of it.
    expect((await listAll(other, '', 50)).length).toBe(0);

    for (const bad of ['state=sleeping', 'limit=0', 'limit=201', 'assignee=bob', 'cursor=zz'])
      expect((await api(owner, `/api/conversations?${bad}`)).status, bad).toBe(400);
  });

  it('shows one conversation with its messages, orders and timeline', async () => {
    const from = newWhatsAppId();
    await customerWrites('whatsapp', from, 'first');
    await waitForPath(from, 'bot.idle');
    await customerWrites('whatsapp', from, 'second');
    await waitUntil(async () => graph.sentTo(from).length === 2, 'two bot replies');
    await settled();
    const { id } = await rowOf(from);
    const [conversation] = await db().sql.query<{ contact_id: string }>(
      `select contact_id from conversations where id = $1`,
      [id],
    );
    await db()
      .db.insert(orders)
      .values({
        businessId: owner.business.id,
        contactId: conversation!.contact_id,
        conversationId: id,
        items: [],
        totalMinor: 1250,
        currency: 'USD',
        idempotencyKey: `test-${randomUUID()}`,
      });

    const res = await api(agent2, `/api/conversations/${id}`);
    expect(res.status).toBe(200);
    const detail = conversationDetailSchema.parse(res.body);
    expect(detail).toMatchObject({ id, channel: 'whatsapp', state: 'bot', path: 'bot.idle' });
    expect(detail.messages.map((m) => [m.direction, m.author, m.text])).toEqual([
      ['in', 'customer', 'first'],
      ['out', 'bot', 'echo: first'],
      ['in', 'customer', 'second'],
      ['out', 'bot', 'echo: second'],
    ]);
    const seqs = detail.messages.map((m) => m.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(detail.orders).toEqual([
      expect.objectContaining({ conversationId: id, totalMinor: 1250, currency: 'USD' }),
    ]);
    expect(detail.timeline.map((t) => [t.type, t.from, t.to])).toEqual([
      ['customer.message', 'bot.idle', 'bot.thinking'],
      ['ai.replied', 'bot.thinking', 'bot.idle'],
      ['customer.message', 'bot.idle', 'bot.thinking'],
      ['ai.replied', 'bot.thinking', 'bot.idle'],
    ]);
    const versions = detail.timeline.map((t) => t.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(detail.version).toBeGreaterThanOrEqual(versions.at(-1)!);

    // Paging the messages by seq.
    const page = async (query: string) => {
      const r = await api<MessageListResponse>(agent1, `/api/conversations/${id}/messages${query}`);
      expect(r.status).toBe(200);
      return messageListResponseSchema.parse(r.body).items;
    };
    expect((await page('')).map((m) => m.seq)).toEqual(seqs);
    expect((await page(`?after=${seqs[1]}`)).map((m) => m.text)).toEqual([
      'second',
      'echo: second',
    ]);
    expect((await page(`?after=${seqs[0]}&limit=1`)).map((m) => m.text)).toEqual(['echo: first']);
    expect(await page(`?after=${seqs.at(-1)}`)).toEqual([]);
    for (const bad of ['?after=-1', '?after=x', '?limit=0', '?limit=501'])
      expect((await api(agent1, `/api/conversations/${id}/messages${bad}`)).status, bad).toBe(400);
  });

  it('claims into handoff.assigned; a second claim is a 409; a retried claim is applied once', async () => {
    const { id, item: before } = await handoff();
    const key = randomUUID();
    const claim = await post<ConversationItem>(agent1, `/api/conversations/${id}/claim`, {
      headers: { 'idempotency-key': key },
    });
    expect(claim.status).toBe(200);
    expect(conversationItemSchema.parse(claim.body)).toMatchObject({
      id,
      state: 'handoff',
      path: 'handoff.assigned',
      assigneeId: agent1.user.id,
    });
    expect(claim.body.version).toBeGreaterThan(before.version);

    // The same request again: the same answer, nothing applied twice.
    const retry = await post<ConversationItem>(agent1, `/api/conversations/${id}/claim`, {
      headers: { 'idempotency-key': key },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(claim.body.version);
    expect(await inboxCount(db(), { conversationId: id, type: 'agent.claimed' })).toBe(1);

    const again = await post<ErrorBody>(agent1, `/api/conversations/${id}/claim`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('You have already claimed this conversation.');
    const taken = await post<ErrorBody>(agent2, `/api/conversations/${id}/claim`);
    expect(taken.status).toBe(409);
    expect(taken.body.error).toEqual({
      code: 'conflict',
      message: 'Another agent already claimed this conversation.',
    });

    const mine = await listAll(agent1, '&assignee=me', 50);
    expect(mine.map((c) => c.id)).toEqual([id]);
    const byId = await listAll(owner, `&assignee=${agent1.user.id}`, 50);
    expect(byId.map((c) => c.id)).toEqual([id]);

    // A conversation the bot is handling cannot be claimed.
    const from = newPsid();
    await customerWrites('messenger', from, 'just browsing');
    const bot = await waitForPath(from, 'bot.idle');
    const refused = await post<ErrorBody>(agent1, `/api/conversations/${bot.id}/claim`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/waiting for a human/);
  });

  it('lets exactly one of two agents claiming at once win', async () => {
    const { id } = await handoff();
    const [a, b] = await Promise.all([
      post<ConversationItem | ErrorBody>(agent1, `/api/conversations/${id}/claim`),
      post<ConversationItem | ErrorBody>(agent2, `/api/conversations/${id}/claim`),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? agent1 : agent2;
    const loser = a.status === 200 ? b : a;
    expect((loser.body as ErrorBody).error.message).toBe(
      'Another agent already claimed this conversation.',
    );
    const item = await api<ConversationItem>(owner, `/api/conversations/${id}`);
    expect(item.body.assigneeId).toBe(winner.user.id);
  });

  it('sends the assigned agent’s reply to the channel; others are refused', async () => {
    const from = newWhatsAppId();
    await customerWrites('whatsapp', from, 'human');
    const { id } = await waitForPath(from, 'handoff.queued');

    const early = await post<ErrorBody>(agent1, `/api/conversations/${id}/messages`, {
      json: { text: 'before claiming' },
    });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe('Claim this conversation before replying.');
    expect((await post(agent1, `/api/conversations/${id}/claim`)).status).toBe(200);

    const key = randomUUID();
    const reply = await post(agent1, `/api/conversations/${id}/messages`, {
      json: { text: '  Hi, Ada from the shop here  ' },
      headers: { 'idempotency-key': key },
    });
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ accepted: true, conversationId: id });
    await waitUntil(
      async () => graph.sentTo(from).some((s) => s.text === 'Hi, Ada from the shop here'),
      'the agent reply at the Graph API',
    );
    expect(graph.sentTo(from).at(-1)).toMatchObject({
      api: 'whatsapp',
      from: ids.phone,
      accessToken: TOKENS.wa,
    });
    // Retried with its key: accepted again, sent once.
    const retried = await post(agent1, `/api/conversations/${id}/messages`, {
      json: { text: 'Hi, Ada from the shop here' },
      headers: { 'idempotency-key': key },
    });
    expect(retried.status).toBe(202);

    const refused = await post<ErrorBody>(agent2, `/api/conversations/${id}/messages`, {
      json: { text: 'me too' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('This conversation is assigned to another agent.');

    await settled();
    expect(graph.sentTo(from).map((s) => s.text)).toEqual(['Hi, Ada from the shop here']);
    const messages = await api<MessageListResponse>(agent2, `/api/conversations/${id}/messages`);
    expect(messages.body.items.at(-1)).toMatchObject({
      direction: 'out',
      author: 'agent',
      authorUserId: agent1.user.id,
      text: 'Hi, Ada from the shop here',
      status: 'sent',
    });
  });

  it('releases to the bot and closes, as the machine allows', async () => {
    const { id } = await handoff();
    expect((await post(agent1, `/api/conversations/${id}/claim`)).status).toBe(200);

    // Not the assignee: refused whatever the role (the machine's guards decide).
    for (const who of [agent2, owner]) {
      for (const action of ['release', 'close']) {
        const res = await post<ErrorBody>(who, `/api/conversations/${id}/${action}`);
        expect(res.status, `${action}`).toBe(409);
        expect(res.body.error.message).toBe('This conversation is assigned to another agent.');
      }
    }

    const released = await post<ConversationItem>(agent1, `/api/conversations/${id}/release`);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ state: 'bot', path: 'bot.idle', assigneeId: null });
    const twice = await post<ErrorBody>(agent1, `/api/conversations/${id}/release`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe('This conversation is not assigned to you.');

    // Unassigned: any member may close it.
    const closed = await post<ConversationItem>(agent2, `/api/conversations/${id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', assigneeId: null });
    expect(closed.body.version).toBeGreaterThan(released.body.version);
    const reclosed = await post<ErrorBody>(agent1, `/api/conversations/${id}/close`);
    expect(reclosed.status).toBe(409);
    expect(reclosed.body.error.message).toBe('This conversation is already closed.');
    const detail = conversationDetailSchema.parse(
      (await api(owner, `/api/conversations/${id}`)).body,
    );
    expect(detail.timeline.slice(-3).map((t) => [t.type, t.to])).toEqual([
      ['agent.claimed', 'handoff.assigned'],
      ['agent.released', 'bot.idle'],
      ['agent.closed', 'closed'],
    ]);

    // The assignee closes their own conversation too.
    const next = await handoff();
    expect((await post(agent2, `/api/conversations/${next.id}/claim`)).status).toBe(200);
    const own = await post<ConversationItem>(agent2, `/api/conversations/${next.id}/close`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ state: 'closed', assigneeId: null });
  });

  it('marks a conversation read', async () => {
    const { from, id } = await handoff();
    await customerWrites('messenger', from, 'anyone there?');
    const unread = await waitUntil(async () => {
      const r = await api<ConversationItem>(agent1, `/api/conversations/${id}`);
      return r.body.unread >= 2 ? r.body : null;
    }, 'unread messages');
    const read = await post(agent1, `/api/conversations/${id}/read`);
    expect(read.status).toBe(204);
    expect(read.text).toBe('');
    const after = await api<ConversationItem>(agent1, `/api/conversations/${id}`);
    expect(after.body).toMatchObject({ unread: 0, version: unread.version });
    expect(after.body.updatedAt).toBe(unread.updatedAt);
  });

  it('refuses malformed, empty and oversized input', async () => {
    const { id } = await handoff();
    expect((await post(agent1, `/api/conversations/${id}/claim`)).status).toBe(200);
    const reply = (body: string | Buffer, who: Signup | null = agent1) =>
      post<ErrorBody>(who, `/api/conversations/${id}/messages`, {
        body,
        headers: { 'content-type': 'application/json' },
      });

    const malformed = await reply('{"text": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('bad_request');
    for (const body of ['{"text": ""}', '{"text": "   "}', '{}', `{"text": "${'x'.repeat(4097)}"}`])
      expect((await reply(body)).status, body.slice(0, 20)).toBe(400);
    const huge = await reply(Buffer.alloc(2 * 1024 * 1024 + 10, 'a'));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const badKey = await post(agent1, `/api/conversations/${id}/claim`, {
      headers: { 'idempotency-key': 'k'.repeat(201) },
    });
    expect(badKey.status).toBe(400);
    // Security review L4: cursors that Date.parse takes and PostgreSQL refuses were a 500.
    const uuid = '00000000-0000-4000-8000-000000000000';
    for (const raw of [
      `1|${uuid}`,
      `0|${uuid}`,
      `+275760-09-13T00:00:00.000Z|${uuid}`,
      `2026-02-30 10:00:00+00|${uuid}`,
      `2026-01-01 10:00:00+00|${uuid}|extra`,
      `2026-01-01 10:00:00+00|not-a-uuid`,
    ]) {
      const cursor = Buffer.from(raw).toString('base64url');
      const res = await api(agent1, `/api/conversations?cursor=${cursor}`);
      expect(res.status, raw).toBe(400);
    }
    expect((await api(agent1, `/api/conversations/${id}/messages?after=1e20`)).status).toBe(400);
    await settled();
    const messages = await api<MessageListResponse>(agent1, `/api/conversations/${id}/messages`);
    expect(messages.body.items.map((m) => m.text)).toEqual(['human']);
  });

  it('answers unknown ids, other businesses’ ids and anonymous callers, changing nothing', async () => {
    const { id } = await handoff();
    expect((await post(agent1, `/api/conversations/${id}/claim`)).status).toBe(200);
    const routes = (target: string) => [
      { method: 'GET', path: `/api/conversations/${target}` },
      { method: 'GET', path: `/api/conversations/${target}/messages` },
      { method: 'POST', path: `/api/conversations/${target}/claim` },
      { method: 'POST', path: `/api/conversations/${target}/release` },
      { method: 'POST', path: `/api/conversations/${target}/close` },
      { method: 'POST', path: `/api/conversations/${target}/read` },
      { method: 'POST', path: `/api/conversations/${target}/messages`, json: { text: 'hi' } },
    ];
    const before = await api<ConversationItem>(agent1, `/api/conversations/${id}`);
    const inboxBefore = await inboxCount(db(), { conversationId: id });
    for (const target of [randomUUID(), 'not-a-uuid', id]) {
      for (const r of routes(target)) {
        // Another business's id answers exactly like a missing one.
        const who = target === id ? other : agent1;
        const res = await api<ErrorBody>(who, r.path, { method: r.method, json: r.json });
        expect(res.status, `${r.method} ${r.path}`).toBe(404);
        expect(res.body).toEqual({ error: { code: 'not_found', message: 'Not found.' } });
      }
    }
    for (const r of routes(id)) {
      const res = await api(null, r.path, { method: r.method, json: r.json });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
    expect((await api(null, '/api/conversations')).status).toBe(401);

    // Nothing of the conversation changed.
    await settled();
    const after = await api<ConversationItem>(agent1, `/api/conversations/${id}`);
    expect(after.body).toEqual(before.body);
    expect(await inboxCount(db(), { conversationId: id })).toBe(inboxBefore);
  });
});
