import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/errors';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import { metaBatch, metaTextMessage } from '../fakes/meta-payloads';
import { signMetaDelivery } from '../fakes/signing';
import { contactOf } from '../helpers/probe';
import { registerBusiness, uniqueEmail } from '../helpers/auth';
import { captureLogs } from '../helpers/commerce';
import { request } from '../helpers/http';
import { given, waitUntil } from '../helpers/seed';
import { TEST_SECRETS } from '../helpers/test-node';
import { describeModes } from '../helpers/modes';

const failure = (body: unknown) => errorBodySchema.parse(body).error;

/**
 * Security review L3 (issue 16, item 7): a NUL or a lone surrogate in JSON gave 500, the failed
 * query was logged with its parameters (an e-mail and a bcrypt hash), and in a Meta delivery it
 * failed the whole batch. The API refuses it with 400; a signed delivery is cleaned and stored.
 */
describeModes('text PostgreSQL cannot store', (cluster) => {
  let node: RunningNode;
  let db: Database;
  const logs = captureLogs();
  const page = `page-${randomUUID()}`;
  const phone = `phone-${randomUUID()}`;

  beforeAll(async () => {
    node = await cluster.start({ LOG_LEVEL: 'info' }, { log: logs.log });
    db = node.app.database;
    const shop = await given(db).business({ name: 'Text shop' });
    await given(db).integration(shop, { channel: 'messenger', externalId: page });
    await given(db).integration(shop, { channel: 'whatsapp', externalId: phone });
  });

  const textsOf = async (externalId: string) =>
    (
      await db.sql.query<{ text: string }>(
        `select m.text from messages m join conversations c on c.id = m.conversation_id
             join contacts k on k.id = c.contact_id
            where k.external_id = $1 and m.author = 'customer'`,
        [externalId],
      )
    ).map((r) => r.text);

  it('refuses NUL and lone surrogates in bodies and queries with 400, storing nothing', async () => {
    const email = uniqueEmail('nul');
    for (const name of ['a\u0000b', 'x\ud800y', 'ok\udc00']) {
      const res = await request(node.url, '/api/auth/register', {
        json: { businessName: 'Shop', name, email, password: 'Xq7!long-enough-pw' },
      });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(failure(res.body).issues).toEqual([
        { path: 'body.name', message: expect.stringMatching(/cannot be stored/) as unknown },
      ]);
    }
    // A key is text too.
    const key = await request(node.url, '/api/auth/login', {
      body: '{"email":"a@b.co","password":"x","\\u0000":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(key.status).toBe(400);
    const owner = await registerBusiness(node.url);
    const query = await request(node.url, '/api/conversations?state=bot%00', {
      token: owner.accessToken,
    });
    expect(query.status).toBe(400);
    expect(failure(query.body).issues?.[0]?.path).toBe('query.state');
    const users = await db.sql.query(`select 1 from users where email = $1`, [email]);
    expect(users).toEqual([]);
    // Nothing reached the database, so no failed query was logged, let alone its parameters.
    const text = JSON.stringify(logs.lines);
    expect(text).not.toContain(email);
    expect(text).not.toMatch(/\$2b\$04\$/);
    expect(logs.lines.filter((l) => l.event === 'http.error')).toEqual([]);
  });

  it('stores a Meta delivery whose messages hold them, cleaned, with the rest of the batch', async () => {
    const from = ['nul', 'lone', 'fine'].map((k) => `${k}-${randomBytes(4).toString('hex')}`);
    const post = async (payload: unknown) => {
      const signed = signMetaDelivery(payload, TEST_SECRETS.META_APP_SECRET);
      const res = await request(node.url, '/api/webhooks/meta', {
        method: 'POST',
        body: signed.body,
        headers: signed.headers,
      });
      return { res, signed };
    };
    const texts = ['a\u0000b', 'half \ud83d an emoji', 'fine 👋'];
    const batch = metaBatch(
      ...from.map((f, i) =>
        metaTextMessage({
          channel: 'messenger',
          pageOrPhoneId: page,
          from: f,
          text: texts[i]!,
        }),
      ),
    );
    const { res, signed } = await post(batch);
    // As Meta sends it: the characters escaped in the signed bytes.
    expect(signed.body).toContain('\\u0000');
    expect(signed.body).toContain('\\ud83d');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 3, stored: 3, refused: 0 });
    await waitUntil(async () => (await textsOf(from[2]!)).length === 1, 'the batch stored');
    expect(await textsOf(from[0]!)).toEqual(['a\uFFFDb']);
    expect(await textsOf(from[1]!)).toEqual(['half \uFFFD an emoji']);
    expect(await textsOf(from[2]!)).toEqual(['fine 👋']);

    const waId = `2348${randomBytes(4).readUInt32BE(0)}`;
    const whatsapp = await post(
      metaTextMessage({
        channel: 'whatsapp',
        pageOrPhoneId: phone,
        from: waId,
        text: 'hello',
        profileName: 'Zo\u0000ë',
      }),
    );
    expect(whatsapp.res.status).toBe(200);
    await waitUntil(async () => (await textsOf(waId)).length === 1, 'the WhatsApp message');
    expect((await contactOf(db, waId))?.name).toBe('Zo\uFFFDë');
  });

  it('leaves out only the item the database refuses, and stores the rest of the delivery', async () => {
    const fine = `fine-${randomBytes(4).toString('hex')}`;
    // A sender id far past what an index row holds: PostgreSQL refuses it (SQLSTATE 54000).
    const huge = randomBytes(8000).toString('base64');
    const payload = metaBatch(
      metaTextMessage({ channel: 'messenger', pageOrPhoneId: page, from: huge, text: 'x' }),
      metaTextMessage({
        channel: 'messenger',
        pageOrPhoneId: page,
        from: fine,
        text: 'still here',
      }),
    );
    const signed = signMetaDelivery(payload, TEST_SECRETS.META_APP_SECRET);
    const res = await request(node.url, '/api/webhooks/meta', {
      method: 'POST',
      body: signed.body,
      headers: signed.headers,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 2, stored: 1, refused: 1 });
    await waitUntil(async () => (await textsOf(fine)).length === 1, 'the good item');
    expect(logs.lines.some((l) => l.event === 'meta.item_refused')).toBe(true);
  });
});
