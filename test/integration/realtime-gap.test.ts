import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import { appendFeed } from '../../server/realtime/feed.pg';
import { userRoom } from '../../server/realtime/rooms';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { registerBusiness, type Signup } from '../helpers/auth';
import { connectFeed, sleep } from '../helpers/realtime';
import { given, waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';
import { postMetaText } from '../helpers/meta';

/**
 * Guarantee 8 (docs/architecture.md, "Guarantees"): "a dropped broadcast is detected and healed".
 * During a burst the dashboard loses entries three ways: frames uWS drops past a tiny
 * `maxBackpressure`, entries stored but never broadcast (a node dying between its feed insert and
 * its emit), and its connection cut mid-burst. The feed client must still end with every
 * conversation at its latest version and its seq at the business's counter.
 */

const CONVERSATIONS = 15;
const MESSAGES_EACH = 4;

describeModes('realtime gap healing', (cluster) => {
  let graph: FakeMetaGraph;
  let node: RunningNode;
  let shop: Signup;
  const page = `page-${randomUUID()}`;

  beforeAll(async () => {
    graph = await startFakeMetaGraph();
    node = await cluster.start({ ...graph.env, SOCKET_MAX_BACKPRESSURE: '512' });
    shop = await registerBusiness(node.url, 'Gap shop');
    await given(node.app.database).integration(shop.business.id, {
      channel: 'messenger',
      externalId: page,
    });
  });
  afterAll(async () => {
    await graph?.[Symbol.asyncDispose]();
  });

  it('ends with every conversation at its latest version after losses mid-burst', async () => {
    const feed = await connectFeed(node.url, () => shop.accessToken, { gapGraceMs: 100 });
    let statuses = 0;
    feed.client.on('message:status', () => statuses++);
    const sql = node.app.database.sql;
    const customers = Array.from({ length: CONVERSATIONS }, () => `psid-${randomUUID()}`);
    const post = async (from: string, text: string) => {
      const res = await postMetaText(node.url, {
        channel: 'messenger',
        pageOrPhoneId: page,
        from,
        text,
      });
      expect(res.status).toBe(200);
    };

    const hidden: number[] = [];
    for (let round = 0; round < MESSAGES_EACH; round++) {
      await Promise.all(customers.map((from) => post(from, `message ${round} ${'x'.repeat(300)}`)));
      if (round === 1) {
        // Stored, never broadcast: only `resync` can bring these.
        const [anyConversation] = await sql.query<{ id: string }>(
          `select id from conversations where business_id = $1 limit 1`,
          [shop.business.id],
        );
        const stored = await appendFeed(sql, shop.business.id, [
          {
            event: 'message:status',
            data: {
              conversationId: anyConversation!.id,
              messageId: randomUUID(),
              status: 'sent',
              errorCode: null,
            },
          },
        ]);
        hidden.push(...stored.map((e) => e.data.seq));
      }
      if (round === 2) {
        // The connection is cut; the client reconnects with its token and back-fills.
        node.app.realtime.io.in(userRoom(shop.user.id)).disconnectSockets(true);
      }
      await sleep(20);
    }

    await waitUntil(
      async () => {
        const rows = await sql.query<{ id: string; version: number }>(
          `select id, version::int as version from conversations where business_id = $1`,
          [shop.business.id],
        );
        const [inbound] = await sql.query<{ n: number }>(
          `select count(*)::int as n from messages where business_id = $1 and direction = 'in'`,
          [shop.business.id],
        );
        if ((inbound?.n ?? 0) < CONVERSATIONS * MESSAGES_EACH) return false;
        const [counter] = await sql.query<{ seq: number }>(
          `select seq::int as seq from feed_counters where business_id = $1`,
          [shop.business.id],
        );
        return (
          rows.length === CONVERSATIONS &&
          rows.every((r) => feed.conversations.get(r.id)?.version === r.version) &&
          feed.client.seq === counter?.seq
        );
      },
      'the feed client at the latest versions',
      30_000,
    );
    expect(feed.client.status).toBe('online');
    expect(feed.seqs).toEqual(expect.arrayContaining(hidden));
    // Delivered in strictly increasing seq order, each at most once.
    feed.seqs.forEach((s, i) => i > 0 && expect(s).toBeGreaterThan(feed.seqs[i - 1]!));
    expect(statuses).toBeGreaterThanOrEqual(hidden.length);
    expect(feed.resets).toBe(1); // the first connect only: every loss was healed from the feed
    feed.close();
  });
});
