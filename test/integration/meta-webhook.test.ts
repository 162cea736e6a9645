import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import {
  metaAttachment,
  metaBatch,
  metaEcho,
  metaMessagingPayload,
  metaPostback,
  metaTextMessage,
  newMid,
  newWamid,
  whatsappEnvelope,
  whatsappInteractiveReply,
  whatsappMedia,
  whatsappStatus,
} from '../fakes/meta-payloads';
import { signMetaDelivery } from '../fakes/signing';
import { inboxCount as countInbox, messageByProviderId } from '../helpers/probe';
import { request } from '../helpers/http';
import { given, waitUntil } from '../helpers/seed';
import { TEST_SECRETS } from '../helpers/test-node';
import { describeModes } from '../helpers/modes';

const SECRET: string = TEST_SECRETS.META_APP_SECRET;

describeModes('Meta webhook intake', (cluster) => {
  let node: RunningNode;
  let db: Database;
  let shopA: string;
  let shopB: string;
  const ids = {
    page: `page-${randomUUID()}`,
    ig: `ig-${randomUUID()}`,
    phone: `phone-${randomUUID()}`,
    pageB: `pageB-${randomUUID()}`,
  };

  beforeAll(async () => {
    node = await cluster.start();
    db = node.app.database;
    shopA = await given(db).business({ name: 'Shop A' });
    shopB = await given(db).business({ name: 'Shop B' });
    await given(db).integration(shopA, { channel: 'messenger', externalId: ids.page });
    await given(db).integration(shopA, { channel: 'instagram', externalId: ids.ig });
    await given(db).integration(shopA, { channel: 'whatsapp', externalId: ids.phone });
    await given(db).integration(shopB, { channel: 'messenger', externalId: ids.pageB });
  });

  const post = (payload: unknown, secret = SECRET) => {
    const signed = signMetaDelivery(payload, secret);
    return request(node.url, '/api/webhooks/meta', {
      method: 'POST',
      body: signed.body,
      headers: signed.headers,
    });
  };
  // Only what webhooks store: the bot's own replies land in the inbox in the background.
  const inboxCount = () => countInbox(db, { source: 'meta' });
  /** What customers and people wrote: the bot's replies (and notes on them) race these tests and are not their subject. */
  const messagesOf = (contactExternalId: string) =>
    waitUntil(async () => {
      const rows = await db.sql.query<{
        business_id: string;
        direction: string;
        author: string;
        text: string;
        attachments: unknown[];
        status: string;
        provider_message_id: string | null;
        reactions: unknown[];
      }>(
        `select m.business_id, m.direction, m.author, m.text, m.attachments, m.status, m.provider_message_id, m.reactions
             from messages m join conversations c on c.id = m.conversation_id join contacts k on k.id = c.contact_id
            where k.external_id = $1 and m.author in ('customer', 'agent') order by m.seq`,
        [contactExternalId],
      );
      return rows.length > 0 ? rows : null;
    }, `messages of ${contactExternalId}`);

  it('answers the verification handshake only with the right token', async () => {
    const ok = await request<string>(
      node.url,
      `/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=${TEST_SECRETS.META_VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('1158201444');
    const bad = await request(
      node.url,
      '/api/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1',
    );
    expect(bad.status).toBe(403);
  });

  it('refuses a missing, tampered or wrongly keyed signature and stores nothing', async () => {
    const before = await inboxCount();
    const payload = metaTextMessage({
      channel: 'whatsapp',
      pageOrPhoneId: ids.phone,
      from: '15550001',
      text: 'hi',
    });
    const signed = signMetaDelivery(payload, SECRET);
    const missing = await request(node.url, '/api/webhooks/meta', {
      method: 'POST',
      body: signed.body,
      headers: { 'content-type': 'application/json' },
    });
    const tampered = await request(node.url, '/api/webhooks/meta', {
      method: 'POST',
      body: signed.body.replace('hi', 'ho'),
      headers: signed.headers,
    });
    const wrongKey = await post(payload, 'not-the-app-secret');
    for (const res of [missing, tampered, wrongKey]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(await inboxCount()).toBe(before);
  });

  it('refuses malformed JSON (400) and an oversized body (413) and stores nothing', async () => {
    const before = await inboxCount();
    const bad = signMetaDelivery({}, SECRET);
    const body = '{"object": "page", "entry": [';
    const malformed = await request(node.url, '/api/webhooks/meta', {
      method: 'POST',
      body,
      headers: {
        ...bad.headers,
        'x-hub-signature-256': (await import('../fakes/signing')).metaSignature(body, SECRET),
      },
    });
    expect(malformed.status).toBe(400);
    const huge = await request(node.url, '/api/webhooks/meta', {
      method: 'POST',
      body: Buffer.alloc(3 * 1024 * 1024, 0x20),
      headers: bad.headers,
    });
    expect(huge.status).toBe(413);
    expect(await inboxCount()).toBe(before);
  });

  it('stores a text on each channel, with non-ASCII text intact, once despite retries', async () => {
    const text = 'Bonjour 👋 — ça coûte combien ? Ünïcödé';
    const cases = [
      { channel: 'messenger' as const, account: ids.page, from: `psid-${randomUUID()}` },
      { channel: 'instagram' as const, account: ids.ig, from: `igsid-${randomUUID()}` },
      { channel: 'whatsapp' as const, account: ids.phone, from: `1555${Date.now() % 1e7}` },
    ];
    for (const c of cases) {
      const payload = metaTextMessage({
        channel: c.channel,
        pageOrPhoneId: c.account,
        from: c.from,
        text,
        profileName: 'Zoë',
      });
      const first = await post(payload);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ stored: 1, duplicates: 0 });
      const retry = await post(payload);
      expect(retry.body).toMatchObject({ stored: 0, duplicates: 1 });
      const [m] = await messagesOf(c.from);
      expect(m).toMatchObject({
        business_id: shopA,
        direction: 'in',
        author: 'customer',
        text,
        status: 'received',
      });
    }
    const contacts = await db.sql.query<{ channel: string; name: string | null }>(
      `select channel, name from contacts where business_id = $1 and channel = 'whatsapp'`,
      [shopA],
    );
    expect(contacts.some((c) => c.name === 'Zoë')).toBe(true);
  });

  it('routes a batched delivery for two tenants to the right businesses', async () => {
    const a = `psid-${randomUUID()}`;
    const b = `psid-${randomUUID()}`;
    const batch = metaBatch(
      metaTextMessage({ channel: 'messenger', pageOrPhoneId: ids.page, from: a, text: 'for A' }),
      metaTextMessage({ channel: 'messenger', pageOrPhoneId: ids.pageB, from: b, text: 'for B' }),
    );
    expect((await post(batch)).body).toMatchObject({ stored: 2 });
    expect((await messagesOf(a))[0]).toMatchObject({ business_id: shopA, text: 'for A' });
    expect((await messagesOf(b))[0]).toMatchObject({ business_id: shopB, text: 'for B' });
  });

  it('answers 200 for an unknown channel account, stores nothing and counts it', async () => {
    const before = await inboxCount();
    const res = await post(
      metaTextMessage({
        channel: 'messenger',
        pageOrPhoneId: 'page-nobody-connected',
        from: 'x',
        text: 'hello?',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stored: 0, unrouted: 1 });
    expect(await inboxCount()).toBe(before);
    const metrics = await request<string>(node.url, '/metrics');
    expect(metrics.text).toMatch(
      /parley_meta_unrouted_events_total\{[^}]*channel="messenger"[^}]*\} 1/,
    );
  });

  it('normalises every kind of customer message', async () => {
    const psid = `psid-${randomUUID()}`;
    const igsid = `igsid-${randomUUID()}`;
    const wa = `1666${Date.now() % 1e7}`;
    const page = ids.page;
    await post(
      metaAttachment({
        channel: 'messenger',
        pageId: page,
        from: psid,
        type: 'image',
        url: 'https://cdn.example/a.jpg',
      }),
    );
    await post(
      metaAttachment({
        channel: 'messenger',
        pageId: page,
        from: psid,
        type: 'audio',
        url: 'https://cdn.example/a.mp4',
      }),
    );
    await post(
      metaAttachment({
        channel: 'messenger',
        pageId: page,
        from: psid,
        type: 'video',
        url: 'https://cdn.example/v.mp4',
      }),
    );
    await post(
      metaAttachment({
        channel: 'messenger',
        pageId: page,
        from: psid,
        type: 'file',
        url: 'https://cdn.example/f.pdf',
      }),
    );
    await post(
      metaTextMessage({
        channel: 'messenger',
        pageOrPhoneId: page,
        from: psid,
        text: 'Blue',
        quickReplyPayload: 'COLOR_BLUE',
      }),
    );
    await post(
      metaPostback({
        channel: 'messenger',
        pageId: page,
        from: psid,
        payload: 'GET_STARTED',
        title: 'Get started',
      }),
    );
    await post(
      metaAttachment({
        channel: 'instagram',
        pageId: ids.ig,
        from: igsid,
        type: 'story_mention',
        url: 'https://lookaside.example/story',
      }),
    );
    await post(
      metaMessagingPayload('instagram', ids.ig, [
        {
          sender: { id: igsid },
          recipient: { id: ids.ig },
          timestamp: Date.now(),
          message: {
            mid: newMid('instagram'),
            text: 'love this!',
            reply_to: { story: { id: 'story-1', url: 'https://lookaside.example/s1' } },
          },
        },
      ]),
    );
    await post(
      whatsappMedia({
        phoneNumberId: ids.phone,
        from: wa,
        type: 'image',
        mediaId: 'media-123',
        mimeType: 'image/jpeg',
        caption: 'this one',
      }),
    );
    await post(
      whatsappMedia({
        phoneNumberId: ids.phone,
        from: wa,
        type: 'document',
        mediaId: 'media-456',
        mimeType: 'application/pdf',
      }),
    );
    await post(
      whatsappInteractiveReply({
        phoneNumberId: ids.phone,
        from: wa,
        kind: 'button_reply',
        replyId: 'yes',
        title: 'Yes please',
        contextId: newWamid(),
      }),
    );
    await post(
      whatsappInteractiveReply({
        phoneNumberId: ids.phone,
        from: wa,
        kind: 'list_reply',
        replyId: 'mug-blue',
        title: 'Blue mug',
        contextId: newWamid(),
      }),
    );
    await post(
      whatsappEnvelope(
        { phoneNumberId: ids.phone },
        {
          contacts: [{ profile: { name: 'W' }, wa_id: wa }],
          messages: [
            {
              from: wa,
              id: newWamid(),
              timestamp: String(Math.floor(Date.now() / 1000)),
              type: 'button',
              button: { payload: 'REORDER', text: 'Order again' },
            },
          ],
        },
      ),
    );

    const messenger = await waitUntil(async () => {
      const rows = await messagesOf(psid);
      return rows.length >= 6 ? rows : null;
    }, 'messenger messages');
    expect(messenger.map((m) => (m.attachments as { kind: string }[])[0]?.kind ?? m.text)).toEqual([
      'image',
      'audio',
      'video',
      'file',
      'Blue',
      'Get started',
    ]);
    const instagram = await waitUntil(
      async () => ((await messagesOf(igsid)).length >= 2 ? messagesOf(igsid) : null),
      'instagram messages',
    );
    expect(instagram.map((m) => m.text)).toEqual(['[mentioned you in their story]', 'love this!']);
    const whatsapp = await waitUntil(
      async () => ((await messagesOf(wa)).length >= 5 ? messagesOf(wa) : null),
      'whatsapp messages',
    );
    expect(whatsapp.map((m) => m.text)).toEqual([
      'this one',
      '',
      'Yes please',
      'Blue mug',
      'Order again',
    ]);
    expect(whatsapp[0]!.attachments).toEqual([
      { kind: 'image', mediaId: 'media-123', mimeType: 'image/jpeg' },
    ]);
    expect(whatsapp[1]!.attachments).toEqual([
      { kind: 'file', mediaId: 'media-456', mimeType: 'application/pdf' },
    ]);
  });

  it('records reactions, recognises echoes and applies delivery statuses', async () => {
    const psid = `psid-${randomUUID()}`;
    const mid = newMid('messenger');
    await post(
      metaTextMessage({
        channel: 'messenger',
        pageOrPhoneId: ids.page,
        from: psid,
        text: 'first',
        mid,
      }),
    );
    await messagesOf(psid);
    // The customer reacts to their own message here only to have a stored message to react to.
    const react = (action: 'react' | 'unreact') =>
      post(
        metaMessagingPayload('messenger', ids.page, [
          {
            sender: { id: psid },
            recipient: { id: ids.page },
            timestamp: Date.now() + (action === 'react' ? 0 : 1),
            reaction: { mid, action, reaction: 'love', emoji: '❤️' },
          },
        ]),
      );
    await react('react');
    await waitUntil(
      async () => ((await messagesOf(psid))[0]!.reactions.length === 1 ? true : null),
      'the reaction',
    );
    await react('unreact');
    await waitUntil(
      async () => ((await messagesOf(psid))[0]!.reactions.length === 0 ? true : null),
      'the unreaction',
    );

    // Our own send's echo adds nothing; a human's reply from Meta's inbox becomes an agent message.
    await post(
      metaEcho({
        channel: 'messenger',
        pageId: ids.page,
        to: psid,
        text: 'bot text',
        appId: '1',
        metadata: 'parley:abc',
      }),
    );
    await post(
      metaEcho({
        channel: 'messenger',
        pageId: ids.page,
        to: psid,
        text: 'typed in Meta inbox',
        appId: '263902037430900',
      }),
    );
    const afterEcho = await waitUntil(
      async () => ((await messagesOf(psid)).length >= 2 ? messagesOf(psid) : null),
      'the human echo',
    );
    expect(afterEcho.map((m) => [m.author, m.text])).toEqual([
      ['customer', 'first'],
      ['agent', 'typed in Meta inbox'],
    ]);

    // WhatsApp statuses move our outbound message forward, never back; failed carries its code.
    const wa = `1777${Date.now() % 1e7}`;
    await post(
      metaTextMessage({ channel: 'whatsapp', pageOrPhoneId: ids.phone, from: wa, text: 'hello' }),
    );
    await messagesOf(wa);
    const wamid = newWamid();
    await db.sql.query(
      `insert into messages (business_id, conversation_id, direction, author, text, status, provider_message_id)
         select business_id, id, 'out', 'bot', 'reply', 'sent', $2 from conversations where contact_id = (select id from contacts where external_id = $1)`,
      [wa, wamid],
    );
    const status = (
      s: 'delivered' | 'read' | 'failed',
      errors?: { code: number; title: string }[],
    ) =>
      post(
        whatsappStatus({
          phoneNumberId: ids.phone,
          wamid,
          status: s,
          recipientId: wa,
          ...(errors ? { errors } : {}),
        }),
      );
    await status('read');
    await status('delivered');
    const out = async () => (await messageByProviderId(db, wamid))!;
    await waitUntil(async () => ((await out()).status === 'read' ? true : null), 'read');
    await new Promise((r) => setTimeout(r, 300));
    expect((await out()).status).toBe('read');
    await status('failed', [{ code: 131047, title: 'Re-engagement message' }]);
    await waitUntil(async () => ((await out()).status === 'failed' ? true : null), 'failed');
    expect((await out()).errorCode).toBe('131047');
  });
});
