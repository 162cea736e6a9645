import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { echoBot, ingest } from '../helpers/inbox';
import { waitForConversation } from '../helpers/probe';
import { connectChannel } from '../helpers/channels';
import { addMember, registerBusiness, type Signup } from '../helpers/auth';
import { waitUntil } from '../helpers/seed';
import { describeModes } from '../helpers/modes';
import { postMetaText } from '../helpers/meta';
import type { InboxInput } from '../../server/runtime/inbox';

const TOKENS = { wa: 'EAAG-wa-token', page: 'EAAG-page-token', ig: 'EAAG-ig-token' };

describeModes('Meta outbound', (cluster) => {
  let graph: FakeMetaGraph;
  let node: RunningNode;
  let owner: Signup;
  let agent: Signup;
  const ids = {
    phone: `phone-${randomUUID()}`,
    page: `page-${randomUUID()}`,
    ig: `ig-${randomUUID()}`,
  };

  beforeAll(async () => {
    graph = await startFakeMetaGraph({
      tokens: { [TOKENS.wa]: ids.phone, [TOKENS.page]: ids.page, [TOKENS.ig]: ids.ig },
    });
    node = await cluster.start(
      { ...graph.env },
      { configureRuntime: (runtime) => echoBot(runtime, () => node.app.database) },
    );
    owner = await registerBusiness(node.url);
    agent = await addMember(node.url, owner.accessToken, 'agent');
    for (const [channel, externalId, accessToken] of [
      ['whatsapp', ids.phone, TOKENS.wa],
      ['messenger', ids.page, TOKENS.page],
      ['instagram', ids.ig, TOKENS.ig],
    ] as const) {
      await connectChannel(node.url, graph, owner.accessToken, {
        channel,
        externalId,
        accessToken,
      });
    }
  });
  afterAll(async () => {
    await graph?.close();
  });

  const db = () => node.app.database;
  const customerWrites = async (
    channel: 'whatsapp' | 'messenger' | 'instagram',
    from: string,
    text: string,
  ) => {
    const account =
      channel === 'whatsapp' ? ids.phone : channel === 'messenger' ? ids.page : ids.ig;
    const res = await postMetaText(node.url, { channel, pageOrPhoneId: account, from, text });
    expect(res.status).toBe(200);
  };
  const conversationOf = (externalId: string) => waitForConversation(db(), externalId);
  const outbound = (conversationId: string) =>
    db().sql.query<{ author: string; text: string; status: string; error_code: string | null }>(
      `select author, text, status, error_code from messages where conversation_id = $1 and (direction = 'out' or author = 'system') order by seq`,
      [conversationId],
    );
  const agentCommand = async (
    conversationId: string,
    type: string,
    extra: Record<string, unknown> = {},
  ) => {
    const [ref] = await ingest(node, [
      {
        businessId: owner.business.id,
        conversationId,
        source: 'agent',
        sourceEventId: randomUUID(),
        type,
        payload: { agentId: agent.user.id, ...extra },
      } as InboxInput,
    ]);
    return node.app.runtime.waitForOutcome(ref!.inboxId);
  };

  it('sends a bot reply on each channel to the right endpoint with the right token', async () => {
    const wa = `1888${Date.now() % 1e7}`;
    const psid = `psid-${randomUUID()}`;
    const igsid = `igsid-${randomUUID()}`;
    await customerWrites('whatsapp', wa, 'hello wa');
    await customerWrites('messenger', psid, 'hello fb');
    await customerWrites('instagram', igsid, 'hello ig');
    await waitUntil(
      async () =>
        graph.sentTo(wa).length + graph.sentTo(psid).length + graph.sentTo(igsid).length === 3,
      'three sends',
    );
    expect(graph.sentTo(wa)).toEqual([
      expect.objectContaining({
        api: 'whatsapp',
        from: ids.phone,
        text: 'echo: hello wa',
        accessToken: TOKENS.wa,
      }),
    ]);
    expect(graph.sentTo(psid)).toEqual([
      expect.objectContaining({
        api: 'messenger',
        from: ids.page,
        text: 'echo: hello fb',
        accessToken: TOKENS.page,
      }),
    ]);
    expect(graph.sentTo(igsid)).toEqual([
      expect.objectContaining({
        api: 'messenger',
        from: ids.ig,
        text: 'echo: hello ig',
        accessToken: TOKENS.ig,
      }),
    ]);
    expect(graph.sentTo(psid)[0]!.body).toMatchObject({
      messaging_type: 'RESPONSE',
      metadata: expect.stringMatching(/^parley:/),
    });
    const conversation = await conversationOf(wa);
    await waitUntil(
      async () => (await outbound(conversation.id))[0]?.status === 'sent',
      'status sent',
    );
  });

  it('sends an agent reply after a claim, as the agent', async () => {
    const wa = `1889${Date.now() % 1e7}`;
    await customerWrites('whatsapp', wa, 'human');
    const conversation = await conversationOf(wa);
    await waitUntil(async () => (await conversationOf(wa)).state === 'handoff', 'handoff');
    expect((await agentCommand(conversation.id, 'agent.claimed')).accepted).toBe(true);
    expect(
      (
        await agentCommand(conversation.id, 'agent.replied', {
          text: 'Hi, Ada from the shop here',
        })
      ).accepted,
    ).toBe(true);
    await waitUntil(
      async () => graph.sentTo(wa).some((s) => s.text === 'Hi, Ada from the shop here'),
      'the agent reply',
    );
    expect((await outbound(conversation.id)).map((m) => m.author)).toContain('agent');
  });

  it('retries a 500 and sends once', async () => {
    const psid = `psid-${randomUUID()}`;
    graph.failNextSend({
      status: 500,
      body: {
        error: { message: 'Unexpected error', type: 'OAuthException', code: 2, fbtrace_id: 'x' },
      },
    });
    await customerWrites('messenger', psid, 'flaky');
    await waitUntil(async () => graph.sentTo(psid).length === 1, 'the retried send', 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(graph.sentTo(psid)).toHaveLength(1);
    const conversation = await conversationOf(psid);
    expect((await outbound(conversation.id)).map((m) => m.status)).toEqual(['sent']);
  });

  it('enforces the 24-hour window: WhatsApp fails visibly, Messenger agents get 7 days with HUMAN_AGENT', async () => {
    const wa = `1890${Date.now() % 1e7}`;
    await customerWrites('whatsapp', wa, 'human');
    const waConversation = await conversationOf(wa);
    await waitUntil(async () => (await conversationOf(wa)).state === 'handoff', 'handoff');
    await db().sql.query(
      `update conversations set last_inbound_at = now() - interval '25 hours' where id = $1`,
      [waConversation.id],
    );
    await agentCommand(waConversation.id, 'agent.claimed');
    await agentCommand(waConversation.id, 'agent.replied', { text: 'Late answer' });
    const notes = await waitUntil(async () => {
      const rows = await outbound(waConversation.id);
      return rows.some((m) => m.author === 'system') ? rows : null;
    }, 'the failure note');
    expect(notes.find((m) => m.text === 'Late answer')).toMatchObject({
      status: 'failed',
      error_code: 'whatsapp_window_closed',
    });
    expect(notes.find((m) => m.author === 'system')?.text).toMatch(/24 hours/);
    expect(graph.sentTo(wa).filter((s) => s.text === 'Late answer')).toEqual([]);

    const psid = `psid-${randomUUID()}`;
    await customerWrites('messenger', psid, 'human');
    const fb = await conversationOf(psid);
    await waitUntil(async () => (await conversationOf(psid)).state === 'handoff', 'handoff');
    await db().sql.query(
      `update conversations set last_inbound_at = now() - interval '2 days' where id = $1`,
      [fb.id],
    );
    await agentCommand(fb.id, 'agent.claimed');
    await agentCommand(fb.id, 'agent.replied', { text: 'Two days later' });
    await waitUntil(
      async () => graph.sentTo(psid).some((s) => s.text === 'Two days later'),
      'the tagged send',
    );
    expect(graph.sentTo(psid).find((s) => s.text === 'Two days later')!.body).toMatchObject({
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
  });
});
