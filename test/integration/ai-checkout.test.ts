import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.fake';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.fake';
import { registerBusiness } from '../helpers/auth';
import { request } from '../helpers/http';
import {
  aiOutcome,
  customerSays,
  PAID_ORDER,
  recordingSender,
  settingsByBusiness,
  MUGS,
} from '../helpers/ai';
import { conversation, eventsOf } from '../helpers/probe';
import { given, waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

/**
 * Issue 6, end to end: a WhatsApp message "I want 2 blue mugs" → the real OpenAI SDK against the
 * fake → a reply with a checkout tag → `ai.replied` with the validated action → the `checkout`
 * job, which commerce answers with a Stripe Checkout link (fake Stripe) → `checkout`. The
 * customer never sees a tag.
 */
describeModes('AI checkout end to end', (cluster) => {
  let openai: FakeOpenAI;
  let stripe: FakeStripe;
  let node: RunningNode;
  let db: Database;
  const { sent, sender } = recordingSender();
  const settings = settingsByBusiness(PAID_ORDER);

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    stripe = await startFakeStripe();
    node = await cluster.start(
      { ...openai.env, ...stripe.env },
      {
        aiSettings: settings,
        outboundSender: sender,
      },
    );
    db = node.app.database;
  });
  afterAll(async () => {
    await openai?.close();
    await stripe?.close();
  });

  const checkoutJobs = (conversationId: string) =>
    db.sql.query<{ data: { params: { items: unknown } } }>(
      `select data from pgboss.job where name = 'checkout' and data->>'conversationId' = $1`,
      [conversationId],
    );

  it('turns "I want 2 blue mugs" into a checkout, with no tag reaching the customer', async () => {
    const owner = await registerBusiness(node.url, 'Mug House');
    const businessId = owner.business.id;
    const stripeSettings = await request(node.url, '/api/payment-providers/stripe', {
      method: 'PUT',
      token: owner.accessToken,
      json: { secretKey: 'sk_test_mughouse', enabled: true, password: owner.password },
    });
    expect(stripeSettings.status).toBe(200);
    await given(db).products(businessId, MUGS);
    const c = await given(db).conversation(businessId, { channel: 'whatsapp' });
    openai.replyWith((prompt) =>
      prompt.system?.includes('MUG-BLUE | Blue mug | 12.00 USD | 5 in stock') &&
      prompt.messages.at(-1)?.content === 'I want 2 blue mugs'
        ? 'Great choice! Two blue mugs are 24.00 USD. [[CHECKOUT sku=MUG-BLUE qty=2]]'
        : 'I did not get the catalog.',
    );

    await customerSays(node, c, 'I want 2 blue mugs');
    const replied = await waitUntil(() => aiOutcome(db, c.conversationId), 'the AI reply');
    expect(replied.type).toBe('ai.replied');
    expect(replied.payload).toMatchObject({
      text: 'Great choice! Two blue mugs are 24.00 USD.',
      actions: [{ type: 'checkout', items: [{ sku: 'MUG-BLUE', qty: 2 }] }],
      provider: 'openai',
      accepted: true,
    });

    const [job] = await waitUntil(
      async () =>
        (await checkoutJobs(c.conversationId)).length > 0 ? checkoutJobs(c.conversationId) : null,
      'the checkout job',
    );
    expect(job?.data.params.items).toEqual([{ sku: 'MUG-BLUE', qty: 2 }]);

    // Commerce answers with a Stripe Checkout link: the conversation enters checkout.
    await waitUntil(
      async () => (await conversation(db, c.conversationId))?.state === 'checkout',
      'the checkout state',
    );
    const mine = () => sent.filter((m) => m.conversationId === c.conversationId);
    await waitUntil(async () => mine().length === 2, 'the payment link message');
    expect(mine()[0]?.text).toBe('Great choice! Two blue mugs are 24.00 USD.');
    expect(mine()[1]?.text).toMatch(/24\.00 USD: https?:\/\/\S*checkout/);
    for (const m of sent) expect(m.text).not.toMatch(/\[\[|\]\]|CHECKOUT/);
    expect((await eventsOf(db, c.conversationId)).map((e) => e.type)).toEqual([
      'customer.message',
      'ai.replied',
      'checkout.created',
    ]);
  });

  it('does the same with the offline bot, without any network', async () => {
    const businessId = await given(db).business({ name: 'Offline mugs' });
    await given(db).products(businessId, MUGS);
    settings.set(businessId, { providerOrder: ['offline'] });
    const c = await given(db).conversation(businessId, { channel: 'whatsapp' });
    const before = openai.requests.length;

    await customerSays(node, c, 'I want 2 blue mugs');
    const replied = await waitUntil(() => aiOutcome(db, c.conversationId), 'the AI reply');
    expect(replied.payload).toMatchObject({
      text: 'Great choice! 2 × Blue mug comes to 24.00 USD. I am preparing your payment link.',
      actions: [{ type: 'checkout', items: [{ sku: 'MUG-BLUE', qty: 2 }] }],
      provider: 'offline',
    });
    await waitUntil(
      async () => (await checkoutJobs(c.conversationId)).length === 1,
      'the checkout job',
    );
    expect(openai.requests.length).toBe(before);
  });
});
