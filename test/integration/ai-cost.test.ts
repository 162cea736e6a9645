import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { budgetMicros, monthOf } from '../../server/ai/model-prices';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import { errorBodySchema } from '../../shared/errors';
import { aiOfferSchema, aiSettingsSchema } from '../../shared/settings.schema';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.fake';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.fake';
import { aiOutcome, customerSays, recordingSender, MUGS } from '../helpers/ai';
import { registerBusiness, type Signup } from '../helpers/auth';
import { captureLogs } from '../helpers/commerce';
import { request } from '../helpers/http';
import { given, waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

/** Prices unlike the built-in table's, so the metered cost shows which one was used. */
const AI_MODELS = [
  'openai:gpt-4o-mini:200:800',
  'openai:gpt-4.1:3000:9000',
  'anthropic:claude-haiku-4-5:1000:5000',
].join(',');
/** $1 per business and month: 1,000,000 micro-USD. */
const OPERATOR_CENTS = 100;
const NOT_OFFERED = 'This model is not offered on this server.';
const PRICE_QUESTION = 'How much is the blue mug?';
const OFFLINE_PRICE_ANSWER = 'Blue mug: 12.00 USD.';

/**
 * Issue 16, item 13 (security review L9): the operator's keys answer only the models the
 * operator listed, metered at the operator's prices, and no business spends more per month than
 * the operator's budget (a business's own budget can only lower it).
 */
describeModes('AI models and budgets', (cluster) => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let node: RunningNode;
  let db: Database;
  const logs = captureLogs();
  const { sender } = recordingSender();

  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([
      startFakeOpenAI({ reply: 'OpenAI here.' }),
      startFakeAnthropic({ reply: 'Anthropic here.' }),
    ]);
    node = await cluster.start(
      {
        ...openai.env,
        ...anthropic.env,
        AI_MODELS,
        AI_MONTHLY_BUDGET_CENTS: String(OPERATOR_CENTS),
      },
      { log: logs.log, outboundSender: sender },
    );
    db = node.app.database;
  });
  afterAll(async () => {
    await Promise.all([openai?.close(), anthropic?.close()]);
  });
  beforeEach(() => {
    openai.reset();
    anthropic.reset();
  });

  /** A business with an owner and no AI settings of its own: the stored settings are read. */
  const shop = async () => {
    const owner = await registerBusiness(node.url);
    await given(db).products(owner.business.id, MUGS);
    return owner;
  };
  const reply = async (businessId: string, text = 'hello') => {
    const c = await given(db).conversation(businessId);
    await customerSays(node, c, text);
    return waitUntil(() => aiOutcome(db, c.conversationId), 'the AI outcome');
  };
  const put = (owner: Signup, json: unknown) =>
    request(node.url, '/api/ai-settings', { method: 'PUT', token: owner.accessToken, json });
  const get = async (owner: Signup) =>
    aiSettingsSchema.parse(
      (await request(node.url, '/api/ai-settings', { token: owner.accessToken })).body,
    );
  /** Spend already metered this month, as earlier calls would have left it. */
  const spent = (businessId: string, micros: number) =>
    db.sql.query(
      `insert into ai_usage (business_id, month, provider, model, calls, cost_micros)
         values ($1, $2, 'openai', 'gpt-4o-mini', 1, $3)
         on conflict (business_id, month, provider, model) do update
            set cost_micros = ai_usage.cost_micros + excluded.cost_micros`,
      [businessId, monthOf(Date.now()), micros],
    );
  const usage = (businessId: string) =>
    db.sql.query<{ model: string; cost_micros: number }>(
      `select model, cost_micros::int as cost_micros from ai_usage
          where business_id = $1 order by model`,
      [businessId],
    );

  it('offers the operator models with their prices, defaults and monthly limit', async () => {
    const owner = await shop();
    const res = await request(node.url, '/api/ai-settings/offer', { token: owner.accessToken });
    expect(res.status).toBe(200);
    expect(aiOfferSchema.parse(res.body)).toEqual({
      providers: {
        openai: {
          configured: true,
          defaultModel: 'gpt-4o-mini',
          models: [
            { model: 'gpt-4o-mini', inputPerKTokens: 200, outputPerKTokens: 800 },
            { model: 'gpt-4.1', inputPerKTokens: 3000, outputPerKTokens: 9000 },
          ],
        },
        anthropic: {
          configured: true,
          defaultModel: 'claude-haiku-4-5',
          models: [{ model: 'claude-haiku-4-5', inputPerKTokens: 1000, outputPerKTokens: 5000 }],
        },
        groq: { configured: false, defaultModel: null, models: [] },
      },
      monthlyBudgetMinor: OPERATOR_CENTS,
    });
    // Nothing saved: the order the engine asks in, the keyed providers and then the bot.
    expect((await get(owner)).providerOrder).toEqual(['openai', 'anthropic', 'offline']);
  });

  it('refuses a model that is not offered, naming the field, and stores nothing', async () => {
    const owner = await shop();
    const first = { providerOrder: ['openai', 'offline'], models: { openai: 'gpt-4.1' } };
    expect((await put(owner, first)).status).toBe(200);
    const before = await get(owner);

    // Built in, but not on this operator's list; and a provider with nothing on it.
    const refused = await put(owner, {
      providerOrder: ['anthropic', 'groq'],
      models: { openai: 'gpt-4o', anthropic: 'claude-sonnet-4-5', groq: 'llama-3.1-8b-instant' },
      monthlyBudgetMinor: 10,
    });
    expect(refused.status).toBe(400);
    expect(errorBodySchema.parse(refused.body).error).toEqual({
      code: 'bad_request',
      message: NOT_OFFERED,
      issues: [
        { path: 'body.models.openai', message: NOT_OFFERED },
        { path: 'body.models.anthropic', message: NOT_OFFERED },
        { path: 'body.models.groq', message: NOT_OFFERED },
      ],
    });
    expect(await get(owner)).toEqual(before);
  });

  it('asks the chosen model and meters it at the operator price', async () => {
    const owner = await shop();
    const businessId = owner.business.id;
    openai.queueReplies({ text: 'Hi!', inputTokens: 1000, outputTokens: 100 });
    await reply(businessId);
    expect(openai.prompts.at(-1)?.model).toBe('gpt-4o-mini');

    const saved = await put(owner, {
      providerOrder: ['openai', 'offline'],
      models: { openai: 'gpt-4.1' },
    });
    expect(saved.status).toBe(200);
    expect(aiSettingsSchema.parse(saved.body).models).toEqual({ openai: 'gpt-4.1' });
    openai.queueReplies({ text: 'Hello!', inputTokens: 1000, outputTokens: 100 });
    expect((await reply(businessId)).payload).toMatchObject({ provider: 'openai' });
    expect(openai.prompts.at(-1)?.model).toBe('gpt-4.1');
    // 1000 × 200 + 100 × 800 = 280 µ$ (the built-in table says 210); 1000 × 3000 + 100 × 9000.
    expect(await usage(businessId)).toEqual([
      { model: 'gpt-4.1', cost_micros: 3900 },
      { model: 'gpt-4o-mini', cost_micros: 280 },
    ]);
  });

  it('asks the default model instead of a stored one the operator no longer offers', async () => {
    const owner = await shop();
    const businessId = owner.business.id;
    // Saved while the operator still offered it (the list has changed since).
    await db.sql.query(
      `insert into ai_settings (business_id, provider_order, models)
         values ($1, '["openai", "offline"]'::jsonb, '{"openai": "gpt-4o"}'::jsonb)`,
      [businessId],
    );
    expect((await reply(businessId)).payload).toMatchObject({ provider: 'openai' });
    expect(openai.requests).toHaveLength(1);
    expect(openai.prompts.at(-1)?.model).toBe('gpt-4o-mini');
    expect((await usage(businessId)).map((u) => u.model)).toEqual(['gpt-4o-mini']);
    const logged = logs.lines.filter(
      (l) => l.event === 'ai.model_not_offered' && l.businessId === businessId,
    );
    expect(logged).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'gpt-4o',
        replacement: 'gpt-4o-mini',
      }),
    ]);
  });

  it('stops calling paid providers once the month reaches the operator budget', async () => {
    const { business } = await shop();
    await spent(business.id, budgetMicros(OPERATOR_CENTS) - 10_000);
    expect((await reply(business.id)).payload).toMatchObject({ provider: 'openai' });
    expect(openai.requests).toHaveLength(1);

    await spent(business.id, 10_000);
    expect((await reply(business.id, PRICE_QUESTION)).payload).toMatchObject({
      text: OFFLINE_PRICE_ANSWER,
      provider: 'offline',
    });
    expect(openai.requests).toHaveLength(1);
    expect(anthropic.requests).toHaveLength(0);
  });

  it("holds a business to its own lower budget, and to the operator's above it", async () => {
    const frugal = await shop();
    expect((await put(frugal, { providerOrder: ['openai'], monthlyBudgetMinor: 10 })).status).toBe(
      200,
    );
    await spent(frugal.business.id, budgetMicros(10));
    expect((await reply(frugal.business.id, PRICE_QUESTION)).payload).toMatchObject({
      provider: 'offline',
    });

    // Kept as the business's own ceiling, but the operator's smaller one binds.
    const lavish = await shop();
    const saved = await put(lavish, { providerOrder: ['openai'], monthlyBudgetMinor: 500_00 });
    expect(aiSettingsSchema.parse(saved.body).monthlyBudgetMinor).toBe(500_00);
    await spent(lavish.business.id, budgetMicros(OPERATOR_CENTS));
    expect((await reply(lavish.business.id, PRICE_QUESTION)).payload).toMatchObject({
      provider: 'offline',
    });
    expect(openai.requests).toHaveLength(0);
  });
});

describeModes('no paid AI at all', (cluster) => {
  let openai: FakeOpenAI;
  let node: RunningNode;

  beforeAll(async () => {
    openai = await startFakeOpenAI({ reply: 'OpenAI here.' });
    node = await cluster.start({ ...openai.env, AI_MONTHLY_BUDGET_CENTS: '0' });
  });
  afterAll(async () => {
    await openai?.close();
  });

  it('answers with the offline bot only when the operator budget is 0', async () => {
    const owner = await registerBusiness(node.url);
    const db = node.app.database;
    await given(db).products(owner.business.id, MUGS);
    const offer = await request(node.url, '/api/ai-settings/offer', {
      token: owner.accessToken,
    });
    expect(aiOfferSchema.parse(offer.body).monthlyBudgetMinor).toBe(0);
    const c = await given(db).conversation(owner.business.id);
    await customerSays(node, c, PRICE_QUESTION);
    const outcome = await waitUntil(() => aiOutcome(db, c.conversationId), 'the AI outcome');
    expect(outcome.payload).toMatchObject({ text: OFFLINE_PRICE_ANSWER, provider: 'offline' });
    expect(openai.requests).toHaveLength(0);
  });
});
