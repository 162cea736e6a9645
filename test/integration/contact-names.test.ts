import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { contactOf } from '../helpers/probe';
import { registerBusiness } from '../helpers/auth';
import { connectChannel } from '../helpers/channels';
import { postMetaText } from '../helpers/meta';
import { waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';

const numeric = () => String(1e15 + Math.floor(Math.random() * 1e14));

/**
 * Messenger and Instagram webhooks carry only a scoped id, so the inbox listed those customers
 * as numbers (the demo's as `sim-3-12345`). A new nameless contact is looked up once through the
 * Graph API's User Profile API with the Page's token, off the webhook's path.
 */
describeModes('customer names from Meta', (cluster) => {
  let graph: FakeMetaGraph;
  let node: RunningNode;
  const page = numeric();
  const ig = numeric();
  const phone = numeric();

  beforeAll(async () => {
    graph = await startFakeMetaGraph();
    node = await cluster.start({ ...graph.env });
    const owner = await registerBusiness(node.url);
    for (const [channel, externalId] of [
      ['messenger', page],
      ['instagram', ig],
      ['whatsapp', phone],
    ] as const) {
      await connectChannel(node.url, graph, owner.accessToken, { channel, externalId });
    }
  });
  afterAll(async () => {
    await graph?.close();
  });

  const nameOf = async (externalId: string) =>
    (await contactOf(node.app.database, externalId))?.name;
  const lookups = (id: string) => graph.requests.filter((r) => r.path === `/v23.0/${id}`);

  it('names Messenger and Instagram customers from their profiles, once', async () => {
    const psid = numeric();
    const igsid = numeric();
    graph.setProfile(psid, { first_name: 'Ada', last_name: 'Okafor' });
    graph.setProfile(igsid, { name: 'Kofi Mensah', username: 'kofi.mensah' });
    await postMetaText(node.url, {
      channel: 'messenger',
      pageOrPhoneId: page,
      from: psid,
      text: 'hi',
    });
    await postMetaText(node.url, {
      channel: 'instagram',
      pageOrPhoneId: ig,
      from: igsid,
      text: 'hi',
    });
    await waitUntil(async () => (await nameOf(psid)) === 'Ada Okafor', 'the Messenger name');
    await waitUntil(async () => (await nameOf(igsid)) === 'Kofi Mensah', 'the Instagram name');
    expect(lookups(psid)[0]?.query.fields).toBe('first_name,last_name');
    expect(lookups(igsid)[0]?.query.fields).toBe('name,username');
    expect(lookups(psid)[0]?.headers.authorization).toMatch(/^Bearer EAAG/);

    // A returning customer is not looked up again.
    await postMetaText(node.url, {
      channel: 'messenger',
      pageOrPhoneId: page,
      from: psid,
      text: 'me again',
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(lookups(psid)).toHaveLength(1);
  });

  it('leaves a customer Meta gives no profile for unnamed, and never asks about WhatsApp', async () => {
    const hidden = numeric();
    const wa = `234${randomBytes(4).readUInt32BE(0)}`;
    await postMetaText(node.url, {
      channel: 'messenger',
      pageOrPhoneId: page,
      from: hidden,
      text: 'hi',
    });
    await postMetaText(node.url, {
      channel: 'whatsapp',
      pageOrPhoneId: phone,
      from: wa,
      text: 'hi',
      profileName: 'Ngozi Adeyemi',
    });
    await waitUntil(async () => lookups(hidden).length > 0, 'the lookup');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await nameOf(hidden)).toBeNull();
    // Graph's 100/33 is final: no retries.
    expect(lookups(hidden)).toHaveLength(1);
    expect(await nameOf(wa)).toBe('Ngozi Adeyemi');
    expect(lookups(wa)).toEqual([]);
  });
});
