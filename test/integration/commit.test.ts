import { beforeAll, expect, it } from 'vitest';
import PgBoss from 'pg-boss';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import { commit, FencedError, VersionConflictError } from '../../server/runtime/commit';
import { loadConversation } from '../../server/runtime/conversation-store.pg';
import type { InboxRow } from '../../server/runtime/conversation.types';
import { plan } from '../../server/runtime/plan';
import { jobsOf } from '../helpers/probe';
import { type SeededConversation, given } from '../helpers/seed';
import { describeModes } from '../helpers/modes';
import { aiHealthProjector } from '../../server/analytics/ai-health.projection';
import { analyticsProjector } from '../../server/analytics/analytics.projection';
import { timelineProjector } from '../../server/conversations/timeline.projection';

/** The node's own read models, as main.ts registers them. */
const PROJECTORS = [timelineProjector, analyticsProjector, aiHealthProjector];

/**
 * The transition commit on its own: every statement of a batch goes out as one pipeline, so
 * these pin down what the pipeline must still guarantee: all or nothing, a lost lease and a
 * stale version reported as such, and a failing statement rolling back the ones before it.
 * The rows are handed to `commit` directly (never inserted into the inbox), so the node's own
 * runtime leaves these conversations alone.
 */
describeModes('transition commit', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let boss: PgBoss;
  let businessId: string;
  let nextId = 9_000_000;

  beforeAll(async () => {
    node = await cluster.start();
    db = node.app.database;
    // A client of the node's queues: `send(…, { db })` runs in the commit's transaction.
    boss = new PgBoss({ db: db.boss, schedule: false, supervise: false });
    businessId = await given(db).business();
  });

  const defaults = { checkoutTtlMs: 60_000, handoffWaitMs: 60_000 };
  const message = (text: string): InboxRow => {
    const id = nextId++;
    return {
      id,
      source: 'meta',
      sourceEventId: `wamid.commit.${id}`,
      type: 'customer.message',
      payload: { messageId: `wamid.commit.${id}`, text, providerMessageId: `wamid.commit.${id}` },
      receivedAt: Date.now(),
    };
  };
  const epochOf = async (shard: number) =>
    (
      await db.sql.query<{ epoch: number }>(
        `select epoch::int as epoch from shard_leases where shard = $1`,
        [shard],
      )
    )[0]!.epoch;
  const stored = async (c: SeededConversation) => {
    const [conversation] = await db.sql.query<{
      version: number;
      unread: number;
      last_message_preview: string | null;
      last_message_author: string | null;
      last_inbound_at: Date | null;
      facts: Record<string, unknown>;
    }>(
      `select version::int as version, unread, last_message_preview, last_message_author, last_inbound_at, facts
           from conversations where id = $1`,
      [c.conversationId],
    );
    const count = async (table: string) =>
      (
        await db.sql.query<{ n: number }>(
          `select count(*)::int as n from ${table} where conversation_id = $1`,
          [c.conversationId],
        )
      )[0]!.n;
    return {
      conversation: conversation!,
      events: await count('event_log'),
      messages: await count('messages'),
    };
  };
  const aiJobs = async (c: SeededConversation) =>
    (await jobsOf(db, 'ai-reply', c.conversationId)).length;

  it('writes a whole batch: event log, messages, list fields, facts, effect jobs', async () => {
    const seeded = await given(db).conversation(businessId);
    const before = (await loadConversation(db, seeded.conversationId, defaults))!;
    const rows = [message('hello'), message('do you have mugs?')];
    const { planned, next } = plan(before, rows);
    const { committed, conversation } = await commit(
      { database: db, boss, nodeId: 'test', projectors: PROJECTORS },
      before,
      next,
      planned,
      await epochOf(seeded.shard),
    );

    expect(committed.version).toBe(2);
    expect(committed.messages.map((m) => m.text)).toEqual(['hello', 'do you have mugs?']);
    const after = await stored(seeded);
    expect(after.conversation).toMatchObject({
      version: 2,
      unread: 2,
      last_message_preview: 'do you have mugs?',
      last_message_author: 'customer',
    });
    expect(after.conversation.last_inbound_at).not.toBeNull();
    expect(after.events).toBe(2);
    expect(after.messages).toBe(2);
    expect(after.conversation.facts).toMatchObject({ firstInboundAt: rows[0]!.receivedAt });
    expect(conversation.facts).toEqual(after.conversation.facts);
    expect(await aiJobs(seeded)).toBeGreaterThan(0);
  });

  it('refuses with FencedError when the lease epoch moved on, and writes nothing', async () => {
    const seeded = await given(db).conversation(businessId);
    const before = (await loadConversation(db, seeded.conversationId, defaults))!;
    const { planned, next } = plan(before, [message('hi')]);
    const stale = (await epochOf(seeded.shard)) - 1;
    await expect(
      commit(
        { database: db, boss, nodeId: 'test', projectors: PROJECTORS },
        before,
        next,
        planned,
        stale,
      ),
    ).rejects.toBeInstanceOf(FencedError);
    const after = await stored(seeded);
    expect(after).toMatchObject({
      events: 0,
      messages: 0,
      conversation: { version: 0, unread: 0 },
    });
    expect(await aiJobs(seeded)).toBe(0);
  });

  it('refuses with VersionConflictError when the conversation changed underneath', async () => {
    const seeded = await given(db).conversation(businessId);
    const before = (await loadConversation(db, seeded.conversationId, defaults))!;
    const epoch = await epochOf(seeded.shard);
    const first = plan(before, [message('one')]);
    await commit(
      { database: db, boss, nodeId: 'test', projectors: PROJECTORS },
      before,
      first.next,
      first.planned,
      epoch,
    );
    // The same starting point again: another writer got there first.
    const second = plan(before, [message('two')]);
    await expect(
      commit(
        { database: db, boss, nodeId: 'test', projectors: PROJECTORS },
        before,
        second.next,
        second.planned,
        epoch,
      ),
    ).rejects.toBeInstanceOf(VersionConflictError);
    const after = await stored(seeded);
    expect(after).toMatchObject({
      events: 1,
      messages: 1,
      conversation: { version: 1, last_message_preview: 'one', unread: 1 },
    });
  });

  it('rolls the whole pipeline back when one statement fails, and says which', async () => {
    const seeded = await given(db).conversation(businessId);
    const before = (await loadConversation(db, seeded.conversationId, defaults))!;
    // A row the batch will collide with (version 1 already logged), though the snapshot is at 0.
    await db.sql.query(
      `insert into event_log (business_id, conversation_id, version, type, payload)
         values ($1, $2, 1, 'planted', '{}'::jsonb)`,
      [businessId, seeded.conversationId],
    );
    const { planned, next } = plan(before, [message('collides')]);
    const failure = await commit(
      { database: db, boss, nodeId: 'test', projectors: PROJECTORS },
      before,
      next,
      planned,
      await epochOf(seeded.shard),
    ).catch((err: unknown) => err);
    expect(failure).not.toBeInstanceOf(VersionConflictError);
    expect(failure).not.toBeInstanceOf(FencedError);
    expect(String((failure as Error).message)).toMatch(/duplicate key|unique/i);
    const after = await stored(seeded);
    expect(after).toMatchObject({
      events: 1,
      messages: 0,
      conversation: { version: 0, unread: 0 },
    });
    expect(await aiJobs(seeded)).toBe(0);
  });

  it("makes a conversation's inbox rows visible in id order: a slow writer holds the next back", async () => {
    const seeded = await given(db).conversation(businessId);
    const input = (key: string) => ({
      businessId,
      conversationId: seeded.conversationId,
      source: 'meta' as const,
      sourceEventId: `order-test:${seeded.conversationId}:${key}`,
      type: 'message.status' as const,
      payload: { status: 'delivered' as const, providerMessageIds: [] },
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
    // The first writer draws its id, then waits before it commits (a slow or frozen node).
    const first = db.transaction(async (tx) => {
      const refs = await node.app.runtime.inbox.append(tx, [input('a')]);
      firstInserted();
      await held;
      return refs;
    });
    await inserted;
    const second = db.transaction((tx) => node.app.runtime.inbox.append(tx, [input('b')]));
    const early = await Promise.race([
      second.then(() => 'committed'),
      new Promise((r) => setTimeout(() => r('waiting'), 300)),
    ]);
    release();
    const [a] = await first;
    const [b] = await second;
    expect(early).toBe('waiting');
    expect(b!.inboxId).toBeGreaterThan(a!.inboxId);
  });
});
