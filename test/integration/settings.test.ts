import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/errors';
import { BUILT_IN_MODELS } from '../../server/ai/model-prices';
import {
  aiOfferSchema,
  aiSettingsSchema,
  defaultAiSettings,
  integrationListResponseSchema,
  integrationSchema,
  paymentProviderSettingsSchema,
} from '../../shared/settings.schema';
import type { RunningNode } from '../../server/main';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { addMember, registerBusiness, type Signup } from '../helpers/auth';
import { request } from '../helpers/http';
import { describeModes } from '../helpers/modes';

const codeOf = (body: unknown) => errorBodySchema.parse(body).error.code;

describeModes('integrations and settings', (cluster) => {
  let node: RunningNode;
  let owner: Signup;
  let graph: FakeMetaGraph;

  beforeAll(async () => {
    graph = await startFakeMetaGraph();
    node = await cluster.start({ ...graph.env });
    owner = await registerBusiness(node.url);
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('connects, lists and removes channel accounts; a duplicate is a 409', async () => {
    const token = 'EAAGm0PZBZCtoken1234567890abcd9f2c';
    graph.grant(token, { kind: 'page', id: '1040001', instagram: { id: '17841400000000001' } });
    const created = await request(node.url, '/api/integrations', {
      token: owner.accessToken,
      json: {
        channel: 'instagram',
        externalId: '17841400000000001',
        accessToken: token,
        name: 'Shop IG',
      },
    });
    expect(created.status).toBe(201);
    const integration = integrationSchema.parse(created.body);
    expect(integration).toMatchObject({
      channel: 'instagram',
      name: 'Shop IG',
      accessToken: 'EAAG…9f2c',
    });

    const again = await request(node.url, '/api/integrations', {
      token: owner.accessToken,
      json: { channel: 'instagram', externalId: '17841400000000001', accessToken: token },
    });
    expect(again.status).toBe(409);
    // Another business cannot claim the same channel account either, even with its token;
    // the refusal does not say it is taken (channel-ownership.test.ts).
    const other = await registerBusiness(node.url);
    const stolen = await request(node.url, '/api/integrations', {
      token: other.accessToken,
      json: { channel: 'instagram', externalId: '17841400000000001', accessToken: token },
    });
    expect(stolen.status).toBe(422);

    const list = await request(node.url, '/api/integrations', { token: owner.accessToken });
    expect(integrationListResponseSchema.parse(list.body).items.map((i) => i.id)).toEqual([
      integration.id,
    ]);

    const remove = () =>
      request(node.url, `/api/integrations/${integration.id}`, {
        method: 'DELETE',
        token: owner.accessToken,
      });
    expect((await remove()).status).toBe(204);
    expect((await remove()).status).toBe(404);
    expect(
      (
        await request(node.url, '/api/integrations/not-a-uuid', {
          method: 'DELETE',
          token: owner.accessToken,
        })
      ).status,
    ).toBe(404);
  });

  it('refuses bad integrations with a 400 and stores nothing; agents get 403', async () => {
    const business = await registerBusiness(node.url);
    for (const json of [
      { channel: 'telegram', externalId: '1', accessToken: 'EAAGtoken12345' },
      { channel: 'messenger', externalId: 'has spaces', accessToken: 'EAAGtoken12345' },
      { channel: 'messenger', externalId: '123', accessToken: 'short' },
      { channel: 'messenger', externalId: '123' },
    ]) {
      const res = await request(node.url, '/api/integrations', {
        token: business.accessToken,
        json,
      });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    const list = await request(node.url, '/api/integrations', { token: business.accessToken });
    expect(integrationListResponseSchema.parse(list.body).items).toEqual([]);

    const agent = await addMember(node.url, business.accessToken, 'agent');
    for (const path of ['/api/integrations', '/api/payment-providers/stripe', '/api/ai-settings']) {
      const res = await request(node.url, path, { token: agent.accessToken });
      expect(res.status, path).toBe(403);
      expect(codeOf(res.body)).toBe('forbidden');
    }
  });

  it('stores payment provider keys and shows masks and the tenant webhook URL', async () => {
    const get = () =>
      request(node.url, '/api/payment-providers/paystack', { token: owner.accessToken });
    const put = (json: object) =>
      request(node.url, '/api/payment-providers/paystack', {
        method: 'PUT',
        token: owner.accessToken,
        json: { password: owner.password, ...json },
      });

    const empty = paymentProviderSettingsSchema.parse((await get()).body);
    expect(empty).toMatchObject({ configured: false, enabled: false, secretKey: null });
    expect(empty.webhookUrl).toBe(`${node.url}/api/webhooks/paystack/${owner.business.id}`);

    const missing = await put({ enabled: true });
    expect(missing.status).toBe(400);
    expect(paymentProviderSettingsSchema.parse((await get()).body).configured).toBe(false);

    const saved = await put({
      secretKey: 'sk_live_abcdefghijklmnop1234',
      publicKey: 'pk_live_abcdefghijklmn5678',
      enabled: true,
    });
    expect(paymentProviderSettingsSchema.parse(saved.body)).toMatchObject({
      configured: true,
      enabled: true,
      secretKey: 'sk_l…1234',
      publicKey: 'pk_l…5678',
      webhookSecret: null,
    });
    // Left out keeps, null clears.
    const toggled = await put({ enabled: false, webhookSecret: 'whsec_abcdefghijklmnopqr' });
    expect(paymentProviderSettingsSchema.parse(toggled.body)).toMatchObject({
      enabled: false,
      secretKey: 'sk_l…1234',
      webhookSecret: 'whse…opqr',
    });
    const cleared = await put({ enabled: false, publicKey: null });
    expect(paymentProviderSettingsSchema.parse(cleared.body).publicKey).toBeNull();

    expect((await put({ secretKey: '', enabled: true })).status).toBe(400);
    expect(paymentProviderSettingsSchema.parse((await get()).body).secretKey).toBe('sk_l…1234');
    expect(
      (await request(node.url, '/api/payment-providers/paypal', { token: owner.accessToken }))
        .status,
    ).toBe(404);
  });

  it('reads defaults, saves and validates the AI settings', async () => {
    const business = await registerBusiness(node.url);
    const get = async () =>
      aiSettingsSchema.parse(
        (await request(node.url, '/api/ai-settings', { token: business.accessToken })).body,
      );
    // What the engine applies when nothing is saved: this node has no AI keys, so the offline
    // bot alone (the page once showed every provider here, which the engine never asked).
    const none = { openai: false, anthropic: false, groq: false };
    expect(await get()).toEqual(defaultAiSettings(none));
    expect(defaultAiSettings(none).providerOrder).toEqual(['offline']);

    const settings = {
      providerOrder: ['anthropic', 'offline'],
      models: { anthropic: 'claude-sonnet-4-5' },
      systemPrompt: 'Be brief.',
      monthlyBudgetMinor: 50_00,
    };
    const put = (json: unknown) =>
      request(node.url, '/api/ai-settings', { method: 'PUT', token: business.accessToken, json });
    expect((await put(settings)).body).toEqual(settings);
    for (const bad of [
      { providerOrder: [] },
      { providerOrder: ['openai', 'openai'] },
      { providerOrder: ['skynet'] },
      { providerOrder: ['openai'], monthlyBudgetMinor: -1 },
      { providerOrder: ['openai'], models: { mistral: 'x' } },
      // Not on the server's list (the built-in one here): the operator's keys, its choice.
      { providerOrder: ['anthropic'], models: { anthropic: 'claude-sonnet-4' } },
    ]) {
      expect((await put(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    const refused = await put({ providerOrder: ['openai'], models: { openai: 'gpt-5-pro' } });
    expect(errorBodySchema.parse(refused.body).error.issues).toEqual([
      { path: 'body.models.openai', message: 'This model is not offered on this server.' },
    ]);
    expect(await get()).toEqual(settings);
  });

  it('offers the built-in models and a $50 monthly limit when the operator sets none', async () => {
    const business = await registerBusiness(node.url);
    const offer = aiOfferSchema.parse(
      (await request(node.url, '/api/ai-settings/offer', { token: business.accessToken })).body,
    );
    expect(offer.monthlyBudgetMinor).toBe(50_00);
    expect(offer.providers.openai).toEqual({
      configured: false,
      defaultModel: 'gpt-4o-mini',
      models: BUILT_IN_MODELS.openai,
    });
    expect(offer.providers.groq.models.map((m) => m.model)).toEqual(
      BUILT_IN_MODELS.groq.map((m) => m.model),
    );
    const agent = await addMember(node.url, business.accessToken, 'agent');
    const forbidden = await request(node.url, '/api/ai-settings/offer', {
      token: agent.accessToken,
    });
    expect(forbidden.status).toBe(403);
  });
});
