import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { monthOf } from '../../server/ai/model-prices';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import { renderTemplate } from '../../server/runtime/templates';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.fake';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.fake';
import { conversation, eventsOf, jobsOf } from '../helpers/probe';
import {
  aiOutcome,
  customerSays,
  PAID_ORDER,
  recordingSender,
  settingsByBusiness,
  MUGS,
} from '../helpers/ai';
import { given, waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';
import { ingest } from '../helpers/inbox';
import type { InboxInput } from '../../server/runtime/inbox';

const TAG_LIKE = /\[\[|\]\]|\[\s*\/?\s*(?:handoff|checkout|invoice|order[ _-]?status)\b/i;

/**
 * Issue 6, the reply effect: control tags are split from the text and validated before they
 * become actions and never reach the sender; a reply the conversation stopped waiting for is
 * discarded; usage is metered and an exhausted budget falls back to the offline bot.
 */
describeModes('AI reply effect', (cluster) => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let node: RunningNode;
  let db: Database;
  const { sent, sender } = recordingSender();
  const settings = settingsByBusiness(PAID_ORDER);

  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([
      startFakeOpenAI(),
      startFakeAnthropic({ reply: 'Anthropic here.' }),
    ]);
    node = await cluster.start(
      { ...openai.env, ...anthropic.env },
      { aiSettings: settings, outboundSender: sender },
    );
    db = node.app.database;
  });
  afterAll(async () => {
    // Whatever each test scripted, nothing tag-like ever went to the channel.
    for (const m of sent) expect(m.text).not.toMatch(TAG_LIKE);
    await Promise.all([openai?.close(), anthropic?.close()]);
  });
  beforeEach(() => {
    openai.reset();
    anthropic.reset();
  });

  const shop = async () => {
    const businessId = await given(db).business({ name: 'Mug House' });
    await given(db).products(businessId, MUGS);
    return businessId;
  };
  const reply = async (businessId: string, text: string) => {
    const c = await given(db).conversation(businessId);
    await customerSays(node, c, text);
    const outcome = await waitUntil(() => aiOutcome(db, c.conversationId), 'the AI outcome');
    return { c, outcome };
  };
  const metric = async (name: string) =>
    (await node.app.metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const rejectedCount = async (reason: string) =>
    (await metric('parley_ai_rejected_actions_total'))?.values.find(
      (v) => v.labels.reason === reason,
    )?.value ?? 0;

  it('splits text from tags exactly and sends only the text', async () => {
    openai.queueReplies(
      'Sure! [[HANDOFF reason="wants to negotiate a bulk price"]] A colleague will take over.',
    );
    const { c, outcome } = await reply(await shop(), 'Can I get 500 mugs cheaper?');
    expect(outcome.payload).toMatchObject({
      text: 'Sure! A colleague will take over.',
      actions: [{ type: 'handoff', reason: 'wants to negotiate a bulk price' }],
    });
    await waitUntil(
      async () => (await conversation(db, c.conversationId))?.state === 'handoff',
      'the handoff',
    );
    await waitUntil(async () => sent.some((m) => m.conversationId === c.conversationId), 'send');
    expect(sent.filter((m) => m.conversationId === c.conversationId).map((m) => m.text)).toEqual([
      'Sure! A colleague will take over.',
    ]);
  });

  it('refuses a checkout for an unknown SKU, and counts it', async () => {
    const before = await rejectedCount('unknown_sku');
    openai.queueReplies('Added to your basket! [[CHECKOUT sku=GOLD-MUG qty=1]]');
    const { c, outcome } = await reply(await shop(), 'I want the gold mug');
    expect(outcome.payload).toMatchObject({ text: 'Added to your basket!', actions: [] });
    expect(await rejectedCount('unknown_sku')).toBe(before + 1);
    expect(await jobsOf(db, 'checkout', c.conversationId)).toEqual([]);
  });

  it('refuses more than the stock', async () => {
    openai.queueReplies('Here you go. [[CHECKOUT sku=MUG-RED qty=2]]');
    const { outcome } = await reply(await shop(), 'two red mugs');
    expect(outcome.payload).toMatchObject({ text: 'Here you go.', actions: [] });
  });

  it('drops a tag split across lines and a malformed one', async () => {
    openai.queueReplies(
      'Here you go [[CHECKOUT sku=MUG-BLUE\nqty=2]] and [[checkout sku=MUG-BLUE]] [[CHECKOUT sku=MUG-BLUE qty=two]] thanks',
    );
    const { outcome } = await reply(await shop(), 'two blue mugs');
    expect(outcome.payload).toMatchObject({ text: 'Here you go and thanks', actions: [] });
  });

  it('asks the next provider when a reply is nothing but bad tags', async () => {
    openai.queueReplies('[[CHECKOUT sku=NOPE qty=1]] [[WHATEVER]]');
    const { outcome } = await reply(await shop(), 'hello?');
    expect(outcome.payload).toMatchObject({ text: 'Anthropic here.', provider: 'anthropic' });
  });

  it('uses the business model and instructions from its settings', async () => {
    const businessId = await shop();
    settings.set(businessId, {
      models: { openai: 'gpt-4.1-mini' },
      systemPrompt: 'Always answer like a pirate.',
    });
    await reply(businessId, 'ahoy');
    const prompt = openai.prompts.at(-1);
    expect(prompt?.model).toBe('gpt-4.1-mini');
    expect(prompt?.system).toContain('Always answer like a pirate.');
    expect(prompt?.maxTokens).toBe(500);
  });

  it('meters tokens and cost per business, provider, model and month', async () => {
    const businessId = await shop();
    openai.queueReplies({ text: 'Hi!', inputTokens: 1000, outputTokens: 100 });
    openai.queueReplies({ text: 'Hi again!', inputTokens: 2000, outputTokens: 10 });
    await reply(businessId, 'hello');
    await reply(businessId, 'hello again');
    const usage = await db.sql.query(
      `select month, provider, model, calls::int as calls, input_tokens::int as input_tokens,
                output_tokens::int as output_tokens, cost_micros::int as cost_micros
           from ai_usage where business_id = $1`,
      [businessId],
    );
    // 1000 × 0.15 + 100 × 0.6 = 210 µ$, then 2000 × 0.15 + 10 × 0.6 = 306 µ$.
    expect(usage).toEqual([
      {
        month: monthOf(Date.now()),
        provider: 'openai',
        model: 'gpt-4o-mini',
        calls: 2,
        input_tokens: 3000,
        output_tokens: 110,
        cost_micros: 516,
      },
    ]);
  });

  it('falls back to the offline bot once the monthly budget is spent', async () => {
    const businessId = await shop();
    settings.set(businessId, { providerOrder: ['openai', 'anthropic'], monthlyBudgetMinor: 1 });
    await db.sql.query(
      `insert into ai_usage (business_id, month, provider, model, calls, cost_micros)
         values ($1, $2, 'openai', 'gpt-4o-mini', 10, 10000)`,
      [businessId, monthOf(Date.now())],
    );
    const { outcome } = await reply(businessId, 'How much is the blue mug?');
    expect(outcome.payload).toMatchObject({ text: 'Blue mug: 12.00 USD.', provider: 'offline' });
    expect(openai.requests).toHaveLength(0);
    expect(anthropic.requests).toHaveLength(0);
  });

  it('discards a reply that arrives after an agent claimed the conversation', async () => {
    const businessId = await shop();
    openai.delayNext(1500);
    openai.queueReplies('Too late, I hope. [[CHECKOUT sku=MUG-BLUE qty=1]]');
    const c = await given(db).conversation(businessId);
    await customerSays(node, c, 'I want a blue mug');
    await waitUntil(async () => openai.requests.length > 0, 'the AI call to start');

    // The conversation moves on while the model thinks: handed off, then claimed.
    const event = (source: 'system' | 'agent', type: string, payload: object) =>
      ingest(node, [
        {
          businessId,
          conversationId: c.conversationId,
          source,
          sourceEventId: randomUUID(),
          type,
          payload,
        } as InboxInput,
      ]);
    await event('system', 'checkout.failed', { reason: 'test' });
    await waitUntil(
      async () => (await conversation(db, c.conversationId))?.state === 'handoff',
      'the handoff',
    );
    const [claim] = await event('agent', 'agent.claimed', {
      agentId: await given(db).user(businessId),
    });
    expect((await node.app.runtime.waitForOutcome(claim!.inboxId)).accepted).toBe(true);

    const late = await waitUntil(() => aiOutcome(db, c.conversationId), 'the late reply');
    expect(late.payload).toMatchObject({ text: 'Too late, I hope.', accepted: false });
    expect((await conversation(db, c.conversationId))?.path).toEqual({
      handoff: 'assigned',
    });
    const log = await eventsOf(db, c.conversationId);
    expect(log.map((e) => e.type)).toEqual([
      'customer.message',
      'checkout.failed',
      'agent.claimed',
      'ai.replied',
    ]);
    await waitUntil(async () => sent.some((m) => m.conversationId === c.conversationId), 'send');
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.filter((m) => m.conversationId === c.conversationId).map((m) => m.text)).toEqual([
      renderTemplate('checkout_failed'),
    ]);
    expect(await jobsOf(db, 'checkout', c.conversationId)).toEqual([]);
  });

  it('does not call a provider for a request the conversation stopped waiting for', async () => {
    const businessId = await shop();
    const c = await given(db).conversation(businessId);
    const prompts = openai.prompts.length;
    const stale = async () =>
      (await metric('parley_ai_replies_total'))?.values.find((v) => v.labels.outcome === 'stale')
        ?.value ?? 0;
    const staleBefore = await stale();
    // Two messages in one transaction, so one batch: the first request is superseded before
    // its job runs.
    const message = (text: string) => {
      const id = `wamid.${randomUUID()}`;
      return {
        businessId,
        conversationId: c.conversationId,
        source: 'meta' as const,
        sourceEventId: id,
        type: 'customer.message' as const,
        payload: { messageId: id, text, attachments: [], providerMessageId: id },
      };
    };
    await ingest(node, [message('first'), message('second')]);
    await waitUntil(async () => (await stale()) > staleBefore, 'the stale job to be skipped');
    await waitUntil(() => aiOutcome(db, c.conversationId), 'the reply to the second message');
    expect(openai.prompts.length - prompts).toBe(1);
    expect(openai.prompts.at(-1)?.messages.at(-1)?.content).toBe('first\nsecond');
    const replies = (await eventsOf(db, c.conversationId)).filter((e) => e.type === 'ai.replied');
    expect(replies.map((e) => e.payload.accepted)).toEqual([true]);
  });
});
