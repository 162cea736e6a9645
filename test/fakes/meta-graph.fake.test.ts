import { describe, expect, it } from 'vitest';
import { request } from '../helpers/http';
import { graphError } from './meta-graph-errors';
import { startFakeMetaGraph } from './meta-graph.fake';

const PHONE_ID = '106540352242922';
const PAGE_ID = '104829371234567';
const tokens = { 'EAAG-wa-token': PHONE_ID, 'EAAG-page-token': PAGE_ID };

interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: string; details: string };
    fbtrace_id: string;
  };
}

const waText = (to: string, body: string) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'text',
  text: { preview_url: false, body },
});

describe('fake Meta Graph API', () => {
  it('accepts a WhatsApp Cloud API text and answers contacts + wamid', async () => {
    await using graph = await startFakeMetaGraph({ tokens });
    const res = await request<{
      messaging_product: string;
      contacts: unknown[];
      messages: { id: string }[];
    }>(graph.url, `/v23.0/${PHONE_ID}/messages`, {
      json: waText('+16505551234', 'Your order is confirmed'),
      token: 'EAAG-wa-token',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+16505551234', wa_id: '16505551234' }],
    });
    expect(res.body.messages[0]?.id).toMatch(/^wamid\./);
    expect(graph.sent).toHaveLength(1);
    expect(graph.sentTo('16505551234')[0]).toMatchObject({
      api: 'whatsapp',
      from: PHONE_ID,
      type: 'text',
      text: 'Your order is confirmed',
      messageId: res.body.messages[0]?.id,
    });
  });

  it('accepts Send API messages on /me/messages (token in the query) and /{page-id}/messages', async () => {
    await using graph = await startFakeMetaGraph({ tokens });
    const message = {
      recipient: { id: '6543210987654321' },
      messaging_type: 'RESPONSE',
      message: { text: 'Yes, in stock!' },
    };
    const viaMe = await request<{ recipient_id: string; message_id: string }>(
      graph.url,
      '/v23.0/me/messages?access_token=EAAG-page-token',
      { json: message },
    );
    expect(viaMe.body.recipient_id).toBe('6543210987654321');
    expect(viaMe.body.message_id).toMatch(/^m_/);
    const viaPage = await request(graph.url, `/v23.0/${PAGE_ID}/messages`, {
      json: message,
      token: 'EAAG-page-token',
    });
    expect(viaPage.status).toBe(200);
    expect(graph.sent.map((s) => [s.api, s.from, s.to, s.text])).toEqual([
      ['messenger', PAGE_ID, '6543210987654321', 'Yes, in stock!'],
      ['messenger', PAGE_ID, '6543210987654321', 'Yes, in stock!'],
    ]);
  });

  it('records typing indicators and read receipts as actions, not sends', async () => {
    await using graph = await startFakeMetaGraph();
    await request(graph.url, '/v23.0/me/messages', {
      json: { recipient: { id: '42' }, sender_action: 'typing_on' },
      token: 't',
    });
    const read = await request(graph.url, `/v23.0/${PHONE_ID}/messages`, {
      json: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' },
      token: 't',
    });
    expect(read.body).toEqual({ success: true });
    expect(graph.sent).toHaveLength(0);
    expect(graph.actions.map((a) => a.action)).toEqual(['typing_on', 'read']);
  });

  it('answers missing, invalid and foreign tokens with Graph errors', async () => {
    await using graph = await startFakeMetaGraph({ tokens });
    const path = `/v23.0/${PHONE_ID}/messages`;
    const missing = await request<GraphErrorBody>(graph.url, path, { json: waText('1', 'x') });
    expect(missing.body.error).toMatchObject({ code: 104, type: 'OAuthException' });

    const invalid = await request<GraphErrorBody>(graph.url, path, {
      json: waText('1', 'x'),
      token: 'nope',
    });
    expect(invalid.status).toBe(401);
    expect(invalid.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
    expect(invalid.body.error.fbtrace_id).toMatch(/^[A-Za-z0-9]{11}$/);

    const foreign = await request<GraphErrorBody>(graph.url, path, {
      json: waText('1', 'x'),
      token: 'EAAG-page-token',
    });
    expect(foreign.body.error).toMatchObject({ code: 100, type: 'GraphMethodException' });
    expect(graph.sent).toHaveLength(0);
  });

  it('fails scripted sends in Meta’s exact envelope, then sends normally', async () => {
    await using graph = await startFakeMetaGraph();
    graph.failNextSend(131047);
    graph.failNextSend(130429);
    graph.failNext(1, graphError(4));
    const send = () =>
      request<GraphErrorBody>(graph.url, `/v23.0/${PHONE_ID}/messages`, {
        json: waText('16505551234', 'hi'),
        token: 't',
      });
    const reengagement = await send();
    expect(reengagement.status).toBe(400);
    expect(reengagement.body.error).toMatchObject({
      message: '(#131047) Re-engagement message',
      type: 'OAuthException',
      code: 131047,
      error_data: { messaging_product: 'whatsapp' },
    });
    expect(reengagement.body.error.error_data?.details).toContain('24 hours');
    expect((await send()).body.error.code).toBe(130429);
    expect((await send()).body.error).toMatchObject({ code: 4, is_transient: true });
    expect((await send()).status).toBe(200);
    expect(graph.sent).toHaveLength(1);
  });

  it('enforces a closed 24-hour window: templates and tagged messages still go out', async () => {
    await using graph = await startFakeMetaGraph();
    graph.closeWindow('+16505551234');
    graph.closeWindow('6543210987654321');
    const wa = (json: object) =>
      request<GraphErrorBody>(graph.url, `/v23.0/${PHONE_ID}/messages`, { json, token: 't' });
    expect((await wa(waText('16505551234', 'hello again'))).body.error.code).toBe(131047);
    const template = await wa({
      messaging_product: 'whatsapp',
      to: '16505551234',
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' } },
    });
    expect(template.status).toBe(200);

    const fb = (json: object) =>
      request<GraphErrorBody>(graph.url, `/v23.0/me/messages`, { json, token: 't' });
    const outside = await fb({ recipient: { id: '6543210987654321' }, message: { text: 'hi' } });
    expect(outside.body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
    const tagged = await fb({
      recipient: { id: '6543210987654321' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'An agent here' },
    });
    expect(tagged.status).toBe(200);
    expect(graph.sent.map((s) => s.type)).toEqual(['template', 'text']);
  });

  it('serves media lookup and the authenticated download', async () => {
    await using graph = await startFakeMetaGraph();
    const data = Buffer.from('fake-jpeg-bytes');
    const id = graph.addMedia({ data, mimeType: 'image/jpeg' });
    const lookup = await request<{
      url: string;
      mime_type: string;
      file_size: number;
      sha256: string;
    }>(graph.url, `/v23.0/${id}`, { token: 't' });
    expect(lookup.body).toMatchObject({ mime_type: 'image/jpeg', file_size: data.length, id });
    expect(lookup.body.url.startsWith(graph.url)).toBe(true);
    const unauthenticated = await fetch(lookup.body.url);
    expect(unauthenticated.ok).toBe(false);
    const download = await fetch(lookup.body.url, { headers: { authorization: 'Bearer t' } });
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(data);
    const unknown = await request<GraphErrorBody>(graph.url, '/v23.0/999', { token: 't' });
    expect(unknown.body.error).toMatchObject({
      code: 100,
      error_data: { messaging_product: 'whatsapp' },
    });
  });

  it('rejects malformed sends with error 100', async () => {
    await using graph = await startFakeMetaGraph();
    const noBody = await request<GraphErrorBody>(graph.url, `/v23.0/${PHONE_ID}/messages`, {
      json: { messaging_product: 'whatsapp', to: '1', type: 'text', text: {} },
      token: 't',
    });
    expect(noBody.body.error.code).toBe(100);
    const tooLong = await request<GraphErrorBody>(graph.url, '/v23.0/me/messages', {
      json: { recipient: { id: '1' }, message: { text: 'x'.repeat(2001) } },
      token: 't',
    });
    expect(tooLong.body.error.code).toBe(100);
    expect(graph.sent).toHaveLength(0);
  });
});
