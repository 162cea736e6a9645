import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AnalyticsSummary } from '../../shared/analytics.schema';
import { analyticsSummarySchema } from '../../shared/analytics.schema';
import { FRT_BOUNDS_MS } from '../../server/analytics/histogram';
import type { RunningNode, StartOptions } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { Env } from '../../server/config';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.fake';
import { openAIError, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.fake';
import {
  customerSays as ingestCustomerMessage,
  recordingSender,
  settingsByBusiness,
} from '../helpers/ai';
import { addMember, registerBusiness } from '../helpers/auth';
import { customerSays, openShop, postPaymentWebhook, type Shop } from '../helpers/commerce';
import { checkoutOrder, conversationOf, waitForState } from '../helpers/probe';
import { request } from '../helpers/http';
import { given, waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';
import { postMetaText } from '../helpers/meta';
import { ingest } from '../helpers/inbox';
import type { InboxInput } from '../../server/runtime/inbox';

/** The bucket bound an observation falls in (FRT histogram, inclusive upper bounds). */
const boundOf = (ms: number) => FRT_BOUNDS_MS.find((b) => ms <= b) ?? Infinity;
const zeros = { messenger: 0, instagram: 0, whatsapp: 0 };

/**
 * Analytics end to end: real conversations through signed Meta webhooks, the offline bot, a
 * handoff with an agent's claim and reply, a bot checkout and an agent's order paid through
 * signed Stripe webhooks; then the figures of `GET /api/analytics/summary`, exactly, before and
 * after a restart, and the coalesced pushes.
 */
describeModes('analytics', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let stripe: FakeStripe;
  let shop: Shop;
  let pageId: string;
  let dataDir: string | undefined;
  let env: Env;
  let options: StartOptions;
  const { sender } = recordingSender();
  const webhookSecret = `whsec_${randomBytes(12).toString('hex')}`;
  const whatsappCustomer = `1555${randomBytes(4).readUInt32BE(0)}`;
  const messengerCustomer = `psid-${randomBytes(4).toString('hex')}`;
  /** Milliseconds the test measures from the inbox rows (the projection's clock). */
  const observed = { bot: [] as number[], human: [] as number[] };

  const summaryOf = async (token: string, query = '') => {
    const res = await request<AnalyticsSummary>(node.url, `/api/analytics/summary${query}`, {
      token,
    });
    expect(res.status, res.text).toBe(200);
    return analyticsSummarySchema.parse(res.body);
  };
  /** Figures only: what must not change across a restart. */
  const figures = (s: AnalyticsSummary) => {
    const { generatedAt: _g, aiProviders, ...rest } = s;
    return { ...rest, aiProviders: aiProviders.map(({ breaker: _b, ...p }) => p) };
  };

  const messengerSays = async (text: string) => {
    const res = await postMetaText(node.url, {
      channel: 'messenger',
      pageOrPhoneId: pageId,
      from: messengerCustomer,
      text,
    });
    expect(res.status).toBe(200);
  };
  /** Inbox times (ms) of a conversation's events of `type`, in order. */
  const inboxTimes = async (conversationId: string, type: string) =>
    (
      await db.sql.query<{ at: number }>(
        `select round(extract(epoch from received_at) * 1000)::float8 as at from inbox
            where conversation_id = $1 and type = $2 order by id`,
        [conversationId, type],
      )
    ).map((r) => Number(r.at));
  const pay = async (conversationId: string) => {
    const order = await checkoutOrder(db, conversationId);
    const delivery = stripe.signedEvent(stripe.completeSession(order.providerPaymentId!));
    expect((await postPaymentWebhook(node, 'stripe', shop.businessId, delivery)).status).toBe(200);
  };
  const agentCommand = async (conversationId: string, type: string, payload: object) => {
    const [ref] = await ingest(node, [
      {
        businessId: shop.businessId,
        conversationId,
        source: 'agent',
        sourceEventId: randomUUID(),
        type,
        payload,
      } as InboxInput,
    ]);
    expect((await node.app.runtime.waitForOutcome(ref!.inboxId)).accepted).toBe(true);
  };

  beforeAll(async () => {
    stripe = await startFakeStripe({ webhookSecret });
    // Embedded nodes keep PGlite on disk here, so a restart finds the same data.
    dataDir =
      cluster.mode === 'embedded' ? mkdtempSync(join(tmpdir(), 'parley-analytics-')) : undefined;
    env = { ...stripe.env, ...(dataDir ? { PGLITE_DATA_DIR: dataDir } : {}) };
    options = { outboundSender: sender };
    node = await cluster.start(env, options);
    db = node.app.database;
    const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
    shop = await openShop(node, { provider: 'stripe', secretKey, webhookSecret }, 'USD');
    pageId = `page-${randomBytes(6).toString('hex')}`;
    await given(db).integration(shop.businessId, { channel: 'messenger', externalId: pageId });
  }, 60_000);
  afterAll(async () => {
    await stripe?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts a bot sale on WhatsApp and a handed-off sale on Messenger, exactly', async () => {
    // WhatsApp: a greeting, then a purchase the bot's checkout takes to paid.
    await customerSays(node, shop, whatsappCustomer, 'hello');
    const w = await waitUntil(async () => {
      const c = await conversationOf(db, whatsappCustomer);
      return c && (await inboxTimes(c.id, 'ai.replied')).length === 1 ? c : null;
    }, 'the greeting answered');
    await customerSays(node, shop, whatsappCustomer, 'I want 2 blue mugs');
    await waitForState(db, whatsappCustomer, 'checkout');
    await pay(w.id);
    await waitForState(db, whatsappCustomer, 'paid');

    // Messenger: asks for a human; an agent claims, replies a little later, sells a tote.
    await messengerSays('I want to talk to a human please');
    const m = await waitForState(db, messengerCustomer, 'handoff');
    const agent = await addMember(node.url, shop.token, 'agent');
    await agentCommand(m.id, 'agent.claimed', { agentId: agent.user.id });
    await new Promise((r) => setTimeout(r, 1100));
    await agentCommand(m.id, 'agent.replied', {
      agentId: agent.user.id,
      text: 'Hi, I am Sam. How can I help?',
    });
    // The assignee sells: only they may message a claimed conversation (orders included).
    const order = await request(node.url, '/api/orders', {
      token: agent.accessToken,
      json: { conversationId: m.id, items: [{ sku: 'TOTE', qty: 1 }] },
    });
    expect(order.status, order.text).toBe(201);
    await waitForState(db, messengerCustomer, 'checkout');
    await pay(m.id);
    await waitForState(db, messengerCustomer, 'paid');

    for (const c of [w, m]) {
      const [inbound] = await inboxTimes(c.id, 'customer.message');
      const [reply] = await inboxTimes(c.id, 'ai.replied');
      observed.bot.push(reply! - inbound!);
    }
    const [handoffAt] = await inboxTimes(m.id, 'ai.replied');
    const [agentAt] = await inboxTimes(m.id, 'agent.replied');
    observed.human.push(agentAt! - handoffAt!);
    expect(observed.human[0]).toBeGreaterThanOrEqual(1000);

    const s = await summaryOf(shop.token);
    expect(s.newConversations).toEqual({
      total: 2,
      byChannel: { ...zeros, whatsapp: 1, messenger: 1 },
    });
    expect(s.inboundMessages).toEqual({
      total: 3,
      byChannel: { ...zeros, whatsapp: 2, messenger: 1 },
    });
    expect(s.byState.paid).toEqual({ ...zeros, whatsapp: 1, messenger: 1 });
    for (const state of ['bot', 'handoff', 'checkout', 'closed', 'optedOut'] as const) {
      expect(s.byState[state], state).toEqual(zeros);
    }
    expect(s.handoffRate).toBe(0.5);
    expect(s.funnel).toEqual({ conversations: 2, checkout: 2, paid: 2 });
    expect(s.checkoutConversion).toBe(1);
    expect(s.revenue).toEqual([
      { currency: 'USD', channel: 'messenger', by: 'human', amountMinor: 1200 },
      { currency: 'USD', channel: 'whatsapp', by: 'bot', amountMinor: 5000 },
    ]);
    const [fast, slow] = [...observed.bot].sort((a, b) => a - b);
    expect(s.firstResponse.bot).toEqual({
      count: 2,
      p50Ms: boundOf(fast!),
      p90Ms: boundOf(slow!),
    });
    expect(s.firstResponse.human).toEqual({
      count: 1,
      p50Ms: boundOf(observed.human[0]!),
      p90Ms: boundOf(observed.human[0]!),
    });
    // The offline bot answered both first messages and the purchase.
    expect(s.aiProviders).toEqual([
      { provider: 'offline', calls: 3, failures: 0, breaker: null, lastFailureAt: null },
    ]);
    // Seven days are charted per day: this hour's (or today's) points, per channel.
    expect(s.granularity).toBe('day');
    const total = (key: 'newConversations' | 'inboundMessages') =>
      s.series.reduce((sum, p) => sum + p[key], 0);
    expect([total('newConversations'), total('inboundMessages')]).toEqual([2, 3]);
    expect(s.series.flatMap((p) => p.revenue.map((r) => ({ channel: p.channel, ...r })))).toEqual(
      expect.arrayContaining([
        { channel: 'whatsapp', currency: 'USD', by: 'bot', amountMinor: 5000 },
        { channel: 'messenger', currency: 'USD', by: 'human', amountMinor: 1200 },
      ]),
    );

    // The milestones are kept with the conversation.
    const [facts] = await db.sql.query<{ facts: Record<string, unknown> }>(
      `select facts from conversations where id = $1`,
      [m.id],
    );
    expect(facts?.facts).toMatchObject({
      handoffAt: handoffAt,
      firstAgentReplyAt: agentAt,
      handoffs: 1,
      paidOrders: [expect.any(String)],
    });
  }, 90_000);

  it('filters by period: hourly series for a short range, nothing outside it', async () => {
    const hour = 3_600_000;
    const now = Date.now();
    const recent = await summaryOf(
      shop.token,
      `?from=${new Date(now - 2 * hour).toISOString()}&to=${new Date(now).toISOString()}`,
    );
    expect(recent.granularity).toBe('hour');
    expect(recent.newConversations.total).toBe(2);
    expect(recent.funnel).toEqual({ conversations: 2, checkout: 2, paid: 2 });
    expect(recent.series.every((p) => Date.parse(p.bucket) % hour === 0)).toBe(true);
    expect(Date.parse(recent.from) % hour).toBe(0);

    const earlier = await summaryOf(
      shop.token,
      `?from=${new Date(now - 5 * 24 * hour).toISOString()}&to=${new Date(now - 3 * hour).toISOString()}`,
    );
    expect(earlier.newConversations.total).toBe(0);
    expect(earlier.revenue).toEqual([]);
    expect(earlier.firstResponse.bot).toEqual({ count: 0, p50Ms: null, p90Ms: null });
    expect(earlier.handoffRate).toBeNull();
    expect(earlier.checkoutConversion).toBeNull();
    expect(earlier.series).toEqual([]);
    // Gauges are now, whatever the period.
    expect(earlier.byState.paid).toEqual({ ...zeros, whatsapp: 1, messenger: 1 });
  });

  it('answers 400 for a bad period, 403 to an agent, zeros to another business', async () => {
    for (const query of [
      '?from=yesterday',
      '?to=2026-13-01T00:00:00Z',
      '?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
      '?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    ]) {
      const res = await request(node.url, `/api/analytics/summary${query}`, {
        token: shop.token,
      });
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'bad_request' } });
    }
    const agent = await addMember(node.url, shop.token, 'agent');
    const refused = await request(node.url, '/api/analytics/summary', {
      token: agent.accessToken,
    });
    expect(refused.status).toBe(403);
    const admin = await addMember(node.url, shop.token, 'admin');
    expect((await summaryOf(admin.accessToken)).funnel.paid).toBe(2);

    const other = await registerBusiness(node.url);
    const s = await summaryOf(other.accessToken);
    expect(s.newConversations).toEqual({ total: 0, byChannel: zeros });
    expect(s.inboundMessages.total).toBe(0);
    expect(s.funnel).toEqual({ conversations: 0, checkout: 0, paid: 0 });
    expect(s.revenue).toEqual([]);
    expect(s.aiProviders).toEqual([]);
    expect(Object.values(s.byState).every((c) => Object.values(c).every((n) => n === 0))).toBe(
      true,
    );
  });

  it('keeps every figure across a restart of the node', async () => {
    const before = await summaryOf(shop.token);
    await node.shutdown();
    node = await cluster.start(env, options);
    db = node.app.database;
    const after = await summaryOf(shop.token);
    expect(figures({ ...after, to: before.to, from: before.from })).toEqual(figures({ ...before }));
    expect(after.funnel).toEqual({ conversations: 2, checkout: 2, paid: 2 });

    // And the projection carries on from the stored facts: no second first response.
    await customerSays(node, shop, whatsappCustomer, 'hello again');
    await waitUntil(async () => {
      const c = await conversationOf(db, whatsappCustomer);
      return c && (await inboxTimes(c.id, 'ai.replied')).length === 3;
    }, 'the second greeting answered');
    const later = await summaryOf(shop.token);
    expect(later.inboundMessages.byChannel.whatsapp).toBe(3);
    expect(later.newConversations.total).toBe(2);
    expect(later.firstResponse.bot.count).toBe(2);
    expect(later.byState.bot).toEqual({ ...zeros, whatsapp: 1 });
    expect(later.byState.paid).toEqual({ ...zeros, messenger: 1 });
  }, 60_000);

  it('coalesces a burst of 50 commits: at most one push a second, the last one final', async () => {
    const businessId = await given(db).business({ name: 'Burst shop' });
    const conversations = await Promise.all(
      Array.from({ length: 50 }, () =>
        given(db).conversation(businessId, { channel: 'instagram' }),
      ),
    );
    const pushes: AnalyticsSummary[] = [];
    const pushedAt: number[] = [];
    let committed = 0;
    const onCommit = (c: { businessId: string }) => {
      if (c.businessId === businessId) committed++;
    };
    node.app.runtime.events.on('committed', onCommit);
    const onPush = (id: string, summary: AnalyticsSummary) => {
      if (id !== businessId) return;
      pushes.push(summary);
      pushedAt.push(Date.now());
    };
    node.app.analytics.events.on('summary', onPush);
    try {
      // One event each: 50 conversations, 50 commits (the machine ignores the event).
      await ingest(
        node,
        conversations.map((c) => ({
          businessId,
          conversationId: c.conversationId,
          source: 'system' as const,
          sourceEventId: randomUUID(),
          type: 'consent.granted',
          payload: {},
        })),
      );
      await waitUntil(async () => committed >= 50, 'the 50 commits');
      await waitUntil(
        () => Promise.resolve(pushes.at(-1)?.newConversations.total === 50),
        'a push of the final figures',
      );
      // Nothing more comes: the last change was pushed, and only once.
      await new Promise((r) => setTimeout(r, 1200));
      expect(committed).toBe(50);
      expect(pushes.length).toBeGreaterThanOrEqual(1);
      // However long the burst takes on a loaded machine, pushes stay a window apart (a little
      // slack for timer jitter), so 50 commits are a handful of pushes, not 50.
      expect(pushes.length).toBeLessThan(10);
      // One push per window: over the span of the pushes, no more than one a second (plus the
      // first). Counted, not timed gap by gap: a slow summary read delays one push and brings
      // it closer to the next, which is not a second push in the window.
      const spanSeconds = (pushedAt.at(-1)! - pushedAt[0]!) / 1000;
      expect(pushes.length).toBeLessThanOrEqual(Math.floor(spanSeconds) + 2);
      const last = pushes.at(-1)!;
      expect(last.newConversations.byChannel.instagram).toBe(50);
      expect(last.byState.bot.instagram).toBe(50);
    } finally {
      node.app.runtime.events.off('committed', onCommit);
      node.app.analytics.events.off('summary', onPush);
    }
  }, 60_000);
});

describeModes('analytics: AI provider health', (cluster) => {
  let openai: FakeOpenAI;
  let node: RunningNode;
  const { sender } = recordingSender();

  beforeAll(async () => {
    openai = await startFakeOpenAI({ reply: 'Hello from OpenAI.' });
    node = await cluster.start(
      { ...openai.env, AI_BREAKER_FAILURES: '2', AI_BREAKER_COOLDOWN_MS: '600000' },
      {
        aiSettings: settingsByBusiness({
          providerOrder: ['openai', 'offline'],
          models: {},
          systemPrompt: null,
          monthlyBudgetMinor: null,
        }),
        outboundSender: sender,
      },
    );
  }, 60_000);
  afterAll(async () => {
    await openai?.close();
  });

  it('counts calls and failures per provider and shows this node’s open breaker', async () => {
    const owner = await registerBusiness(node.url);
    const businessId = owner.business.id;
    const db = node.app.database;
    openai.failNext(1000, openAIError(500));
    const startedAt = Date.now();
    // Three customers: OpenAI fails twice (its breaker opens), then is skipped; offline answers.
    for (let i = 0; i < 3; i++) {
      const c = await given(db).conversation(businessId, { channel: 'messenger' });
      await ingestCustomerMessage(node, c, 'hello');
      await waitUntil(async () => {
        const rows = await db.sql.query(
          `select 1 from inbox where conversation_id = $1 and type = 'ai.replied' and processed_at is not null`,
          [c.conversationId],
        );
        return rows.length > 0;
      }, 'the offline answer');
    }
    expect(openai.requests).toHaveLength(2);
    const res = await request<AnalyticsSummary>(node.url, '/api/analytics/summary', {
      token: owner.accessToken,
    });
    expect(res.status).toBe(200);
    const [offline, failing] = analyticsSummarySchema.parse(res.body).aiProviders;
    expect(offline).toEqual({
      provider: 'offline',
      calls: 3,
      failures: 0,
      breaker: null,
      lastFailureAt: null,
    });
    expect(failing).toMatchObject({
      provider: 'openai',
      calls: 2,
      failures: 2,
      breaker: 'open',
    });
    const lastFailure = Date.parse(failing!.lastFailureAt!);
    expect(lastFailure).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(lastFailure).toBeLessThanOrEqual(Date.now());
  }, 60_000);
});
