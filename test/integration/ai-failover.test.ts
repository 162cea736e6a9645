import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import { renderTemplate } from '../../server/runtime/templates';
import { anthropicError, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.fake';
import { groqError, startFakeGroq, type FakeGroq } from '../fakes/groq.fake';
import { openAIError, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.fake';
import {
  aiOutcome,
  customerSays,
  PAID_ORDER,
  recordingSender,
  settingsByBusiness,
  MUGS,
} from '../helpers/ai';
import { conversation } from '../helpers/probe';
import { given, waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

const TIMEOUT_MS = 800;
const COOLDOWN_MS = 2500;

/**
 * Issue 6, provider chain: the real `openai`, `@anthropic-ai/sdk` and `groq-sdk` clients against
 * the fakes, through a running node: failover on errors and hangs, the fallback when every
 * provider is down, and the breaker that skips a dead provider until its cool-down.
 */
describeModes('AI provider failover', (cluster) => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let groq: FakeGroq;
  let node: RunningNode;
  let db: Database;
  const { sent, sender } = recordingSender();

  beforeAll(async () => {
    [openai, anthropic, groq] = await Promise.all([
      startFakeOpenAI({ reply: 'Hello from OpenAI.' }),
      startFakeAnthropic({ reply: 'Hello from Anthropic.' }),
      startFakeGroq({ reply: 'Hello from Groq.' }),
    ]);
    node = await cluster.start(
      {
        ...openai.env,
        ...anthropic.env,
        ...groq.env,
        AI_TIMEOUT_MS: String(TIMEOUT_MS),
        AI_BREAKER_FAILURES: '2',
        AI_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
      },
      {
        aiSettings: settingsByBusiness(PAID_ORDER),
        outboundSender: sender,
      },
    );
    db = node.app.database;
  });
  afterAll(async () => {
    await Promise.all([openai?.close(), anthropic?.close(), groq?.close()]);
  });
  beforeEach(() => {
    for (const fake of [openai, anthropic, groq]) fake.reset();
  });

  /** A new business per test: breakers are per provider and business. */
  const newShop = async () => {
    const businessId = await given(db).business();
    await given(db).products(businessId, MUGS);
    return businessId;
  };
  const ask = async (businessId: string, text = 'Do you have mugs?') => {
    const c = await given(db).conversation(businessId);
    await customerSays(node, c, text);
    const outcome = await waitUntil(() => aiOutcome(db, c.conversationId), 'the AI outcome');
    return { c, outcome };
  };
  const textsTo = (conversationId: string) =>
    sent.filter((m) => m.conversationId === conversationId).map((m) => m.text);

  it('fails over from an OpenAI 500 to Anthropic, with no SDK retry', async () => {
    openai.failNext(1, openAIError(500));
    const { c, outcome } = await ask(await newShop());
    expect(outcome.payload).toMatchObject({
      text: 'Hello from Anthropic.',
      provider: 'anthropic',
    });
    expect(openai.requests).toHaveLength(1);
    expect(anthropic.requests).toHaveLength(1);
    expect(groq.requests).toHaveLength(0);
    // The real SDK sent the prompt: system instructions plus the customer's turn.
    expect(anthropic.prompts.at(-1)?.system).toContain('[[CHECKOUT sku=');
    expect(anthropic.prompts.at(-1)?.messages).toEqual([
      { role: 'user', content: 'Do you have mugs?' },
    ]);
    await waitUntil(async () => textsTo(c.conversationId).length > 0, 'the reply to be sent');
    expect(textsTo(c.conversationId)).toEqual(['Hello from Anthropic.']);
  });

  it('moves on from a hanging OpenAI once the configured timeout passes', async () => {
    openai.hang(1);
    const { outcome } = await ask(await newShop());
    expect(outcome.payload).toMatchObject({ provider: 'anthropic' });
    const waited = anthropic.requests[0]!.receivedAt - openai.requests[0]!.receivedAt;
    expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(waited).toBeLessThan(TIMEOUT_MS + 1000);
  });

  it('reaches Groq when OpenAI and Anthropic both fail', async () => {
    openai.failNext(1, openAIError(429));
    anthropic.failNext(1, anthropicError(500));
    const { outcome } = await ask(await newShop());
    expect(outcome.payload).toMatchObject({ text: 'Hello from Groq.', provider: 'groq' });
    expect(groq.requests.map((r) => r.path)).toEqual(['/openai/v1/chat/completions']);
    expect(groq.prompts.at(-1)?.model).toBe('llama-3.1-8b-instant');
  });

  it('sends the fallback text and hands off when every provider is down', async () => {
    openai.failNext(1, openAIError(503));
    anthropic.failNext(1, anthropicError(529));
    groq.failNext(1, groqError(429));
    const { c, outcome } = await ask(await newShop());
    expect(outcome).toMatchObject({
      type: 'ai.failed',
      payload: {
        reason: 'openai:server_error, anthropic:server_error, groq:rate_limited',
        accepted: true,
      },
    });
    await waitUntil(
      async () => (await conversation(db, c.conversationId))?.state === 'handoff',
      'the handoff',
    );
    await waitUntil(async () => textsTo(c.conversationId).length > 0, 'the fallback text');
    expect(textsTo(c.conversationId)).toEqual([renderTemplate('ai_fallback')]);
  });

  it('skips a dead provider once its breaker opens, and probes it after the cool-down', async () => {
    const businessId = await newShop();
    openai.failNext(1000, openAIError(500));
    for (let i = 0; i < 2; i++) {
      expect((await ask(businessId)).outcome.payload).toMatchObject({ provider: 'anthropic' });
    }
    expect(openai.requests).toHaveLength(2);

    // Open: OpenAI costs nothing, not even a request.
    const openedAt = Date.now();
    expect((await ask(businessId)).outcome.payload).toMatchObject({ provider: 'anthropic' });
    expect(openai.requests).toHaveLength(2);
    // Another business has its own breaker.
    openai.reset();
    expect((await ask(await newShop())).outcome.payload).toMatchObject({ provider: 'openai' });

    await new Promise((r) => setTimeout(r, Math.max(0, COOLDOWN_MS - (Date.now() - openedAt))));
    expect((await ask(businessId)).outcome.payload).toMatchObject({
      text: 'Hello from OpenAI.',
      provider: 'openai',
    });
    const metrics = await node.app.metrics.registry.getSingleMetricAsString(
      'parley_ai_breaker_transitions_total',
    );
    for (const state of ['open', 'half_open', 'closed']) {
      expect(metrics).toMatch(new RegExp(`provider="openai",state="${state}"[^\\n]* 1`));
    }
  });
});
