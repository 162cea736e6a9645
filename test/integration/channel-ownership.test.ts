import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/errors';
import { integrationListResponseSchema, integrationSchema } from '../../shared/settings.schema';
import type { RunningNode } from '../../server/main';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { registerBusiness, type Signup } from '../helpers/auth';
import { connectChannel } from '../helpers/channels';
import { request } from '../helpers/http';
import { postMetaText } from '../helpers/meta';
import { waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

const numeric = () => String(1e14 + Math.floor(Math.random() * 1e13));
const token = () => `EAAG${randomBytes(12).toString('hex')}`;
const failure = (body: unknown) => errorBodySchema.parse(body).error;

/**
 * Security review H1 (issue 16, item 1): a channel account is connected only when the Graph API
 * confirms the token controls it, and an account another business holds is refused with the
 * same words as a failed proof, so the refusal is no oracle.
 */
describeModes('channel ownership', (cluster) => {
  let graph: FakeMetaGraph;
  let node: RunningNode;

  beforeAll(async () => {
    graph = await startFakeMetaGraph();
    node = await cluster.start({ ...graph.env });
  });
  afterAll(async () => {
    await graph?.close();
  });

  const connect = (owner: Signup, json: Record<string, unknown>) =>
    request(node.url, '/api/integrations', { token: owner.accessToken, json });
  const listOf = async (owner: Signup) =>
    integrationListResponseSchema.parse(
      (await request(node.url, '/api/integrations', { token: owner.accessToken })).body,
    ).items;
  const customersOf = async (owner: Signup) =>
    (
      await request<{ items: { contact: { externalId: string } }[] }>(
        node.url,
        '/api/conversations',
        { token: owner.accessToken },
      )
    ).body.items.map((i) => i.contact.externalId);

  it('keeps a WhatsApp number from a business that cannot prove it controls it', async () => {
    const victim = await registerBusiness(node.url, 'Victim shop');
    const attacker = await registerBusiness(node.url, 'Attacker shop');
    const phone = numeric();
    const waba = numeric();
    const victimToken = token();
    graph.grant(victimToken, {
      kind: 'whatsapp',
      phoneNumberId: phone,
      businessAccountId: waba,
      verifiedName: 'Victim Shop',
      displayPhoneNumber: '+234 800 000 0001',
    });
    const attackerToken = token();
    const attackerPhone = numeric();
    graph.grant(attackerToken, {
      kind: 'whatsapp',
      phoneNumberId: attackerPhone,
      businessAccountId: numeric(),
    });

    // The review's reproduction: any string as the token, the victim's phone number id.
    const junk = await connect(attacker, {
      channel: 'whatsapp',
      externalId: phone,
      businessAccountId: waba,
      accessToken: 'junk-token-not-a-meta-token',
    });
    expect(junk.status).toBe(422);
    expect(failure(junk.body).message).toMatch(/did not accept this access token/);
    // A real token, but of another number.
    const foreign = await connect(attacker, {
      channel: 'whatsapp',
      externalId: phone,
      businessAccountId: waba,
      accessToken: attackerToken,
    });
    expect(foreign.status).toBe(422);
    expect(failure(foreign.body).code).toBe('unprocessable');
    expect(await listOf(attacker)).toEqual([]);

    const created = await connect(victim, {
      channel: 'whatsapp',
      externalId: phone,
      businessAccountId: waba,
      accessToken: victimToken,
    });
    expect(created.status).toBe(201);
    expect(integrationSchema.parse(created.body)).toMatchObject({
      externalId: phone,
      businessAccountId: waba,
      name: 'Victim Shop +234 800 000 0001',
      verifiedAt: expect.any(String) as unknown,
    });

    // Proven, but another business holds it: the same refusal as an unproven claim.
    graph.grant(attackerToken, {
      kind: 'whatsapp',
      phoneNumberId: phone,
      businessAccountId: waba,
    });
    const taken = await connect(attacker, {
      channel: 'whatsapp',
      externalId: phone,
      businessAccountId: waba,
      accessToken: attackerToken,
    });
    expect(taken.status).toBe(422);
    expect(failure(taken.body)).toEqual(failure(foreign.body));

    const res = await postMetaText(node.url, {
      channel: 'whatsapp',
      pageOrPhoneId: phone,
      from: '2348000000001',
      text: 'Hi, my card is 4111 and my address is 12 Secret St',
    });
    expect(res.status).toBe(200);
    await waitUntil(
      async () => (await customersOf(victim)).includes('2348000000001'),
      'the victim’s customer in the victim’s inbox',
    );
    expect(await customersOf(attacker)).toEqual([]);
  });

  it('asks Graph the right questions for each channel, and refuses a wrong WABA', async () => {
    const owner = await registerBusiness(node.url);
    const page = numeric();
    const pageToken = token();
    graph.grant(pageToken, { kind: 'page', id: page, name: 'Mug House' });
    const ig = numeric();
    const igToken = token();
    graph.grant(igToken, {
      kind: 'page',
      id: numeric(),
      instagram: { id: ig, username: 'mughouse' },
    });
    graph.reset();

    const messenger = await connect(owner, {
      channel: 'messenger',
      externalId: page,
      accessToken: pageToken,
    });
    expect(messenger.status).toBe(201);
    expect(integrationSchema.parse(messenger.body).name).toBe('Mug House');
    const instagram = await connect(owner, {
      channel: 'instagram',
      externalId: ig,
      accessToken: igToken,
    });
    expect(instagram.status).toBe(201);
    expect(integrationSchema.parse(instagram.body).name).toBe('mughouse');
    // The Page token of the Messenger account does not make its holder the IG account.
    const otherIg = await connect(owner, {
      channel: 'instagram',
      externalId: numeric(),
      accessToken: pageToken,
    });
    expect(otherIg.status).toBe(422);

    const phone = numeric();
    const waToken = token();
    graph.grant(waToken, { kind: 'whatsapp', phoneNumberId: phone, businessAccountId: 'waba-1' });
    const wrongWaba = await connect(owner, {
      channel: 'whatsapp',
      externalId: phone,
      businessAccountId: 'waba-2',
      accessToken: waToken,
    });
    expect(wrongWaba.status).toBe(422);
    const noWaba = await connect(owner, {
      channel: 'whatsapp',
      externalId: phone,
      accessToken: waToken,
    });
    expect(noWaba.status).toBe(400);

    const asked = graph.requests.map((r) => `${r.method} ${r.path}?fields=${r.query.fields}`);
    expect(asked).toContain(`GET /v23.0/me?fields=id,name`);
    expect(asked).toContain(`GET /v23.0/${phone}?fields=id,display_phone_number,verified_name`);
    expect(asked).toContain(`GET /v23.0/waba-2/phone_numbers?fields=id`);
    // The token travels as a bearer header, never in a URL that proxies log.
    for (const r of graph.requests) {
      expect(r.query.access_token).toBeUndefined();
      expect(r.headers.authorization).toMatch(/^Bearer EAAG/);
    }
    expect((await listOf(owner)).map((i) => i.channel).sort()).toEqual(['instagram', 'messenger']);
  });

  it('rotates a token in place with the same proof, and keeps the old one on refusal', async () => {
    const owner = await registerBusiness(node.url);
    const page = numeric();
    const connected = await connectChannel(node.url, graph, owner.accessToken, {
      channel: 'messenger',
      externalId: page,
    });
    const patch = (id: string, json: unknown, who = owner) =>
      request(node.url, `/api/integrations/${id}`, {
        method: 'PATCH',
        token: who.accessToken,
        json,
      });

    const stranger = await patch(connected.id, { accessToken: token() });
    expect(stranger.status).toBe(422);
    const unchanged = await listOf(owner);
    expect(unchanged[0]?.accessToken).toBe(connected.accessToken);

    const fresh = `EAAG${randomBytes(12).toString('hex')}beef`;
    graph.grant(fresh, { kind: 'page', id: page });
    const rotated = await patch(connected.id, { accessToken: fresh, name: 'Main page' });
    expect(rotated.status).toBe(200);
    expect(integrationSchema.parse(rotated.body)).toMatchObject({
      id: connected.id,
      accessToken: 'EAAG…beef',
      name: 'Main page',
    });
    // Routed the whole time: the same row, no delete-then-create window.
    expect((await listOf(owner)).map((i) => i.id)).toEqual([connected.id]);

    const other = await registerBusiness(node.url);
    expect((await patch(connected.id, { accessToken: fresh }, other)).status).toBe(404);
    expect((await patch('not-a-uuid', { accessToken: fresh })).status).toBe(404);
    expect((await patch(connected.id, { accessToken: 'short' })).status).toBe(400);
    const audit = await request<{ items: { action: string }[] }>(node.url, '/api/audit-log', {
      token: owner.accessToken,
    });
    expect(audit.body.items.map((i) => i.action)).toContain('integration.token_changed');
  });

  it('answers 503 when Meta cannot be asked, and 409 for its own account twice', async () => {
    const owner = await registerBusiness(node.url);
    const page = numeric();
    const pageToken = token();
    graph.grant(pageToken, { kind: 'page', id: page });
    graph.failNext(1);
    const down = await connect(owner, {
      channel: 'messenger',
      externalId: page,
      accessToken: pageToken,
    });
    expect(down.status).toBe(503);
    expect(await listOf(owner)).toEqual([]);
    const json = { channel: 'messenger', externalId: page, accessToken: pageToken };
    expect((await connect(owner, json)).status).toBe(201);
    const again = await connect(owner, json);
    expect(again.status).toBe(409);
    expect(failure(again.body).message).toMatch(/Change its token/);
  });
});
