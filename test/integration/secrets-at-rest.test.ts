import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { integrationSchema, paymentProviderSettingsSchema } from '../../shared/settings.schema';
import {
  twoFactorEnableResponseSchema,
  twoFactorSetupResponseSchema,
} from '../../shared/auth.schema';
import { createSecretBox } from '../../server/crypto/secret-box';
import { createLogger } from '../../server/logger';
import type { RunningNode } from '../../server/main';
import {
  loadIntegrationAccessToken,
  loadPaymentProviderSecrets,
} from '../../server/settings/settings-secrets.pg';
import { addMember, login, registerBusiness, totpCode } from '../helpers/auth';
import { request, type RequestOptions, type TestResponse } from '../helpers/http';
import { startFakeMetaGraph, type FakeMetaGraph } from '../fakes/meta-graph.fake';
import { TEST_SECRETS } from '../helpers/test-node';
import { describeModes } from '../helpers/modes';

const rowsOf = (result: unknown): Record<string, unknown>[] =>
  Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows;

const hex = (n: number) => randomBytes(n).toString('hex');
const K1 = { id: 'k1', key: Buffer.alloc(32, 7) }; // TEST_SECRETS.ENCRYPTION_KEYS
const K2 = { id: 'k2', key: Buffer.alloc(32, 9) };

describeModes('secrets at rest', (cluster) => {
  let node: RunningNode;
  let graph: FakeMetaGraph;
  const logLines: string[] = [];
  const responses: { path: string; res: TestResponse }[] = [];
  const secrets = {
    channelToken: `EAAG${hex(24)}`,
    stripeSecret: `sk_test_${hex(16)}`,
    stripeWebhook: `whsec_${hex(16)}`,
    stripePublic: `pk_test_${hex(16)}`,
  };
  /** Secrets a response may carry once by design, but that must never reach the DB or a log. */
  const credentials: string[] = [];

  const call = async (path: string, options: RequestOptions = {}): Promise<TestResponse> => {
    const res = await request(node.url, path, options);
    responses.push({ path, res });
    return res;
  };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const log = createLogger({ level: 'trace', nodeId: 'secrets', destination: sink });
    graph = await startFakeMetaGraph();
    node = await cluster.start({ LOG_LEVEL: 'trace', ...graph.env }, { log });

    const owner = await registerBusiness(node.url);
    credentials.push(owner.password, owner.refreshToken, owner.accessToken);
    const whatsapp = {
      channel: 'whatsapp',
      externalId: '1098765432',
      businessAccountId: '2098765432',
      accessToken: secrets.channelToken,
    };
    graph.grant(secrets.channelToken, {
      kind: 'whatsapp',
      phoneNumberId: whatsapp.externalId,
      businessAccountId: whatsapp.businessAccountId,
    });
    const integration = await call('/api/integrations', {
      token: owner.accessToken,
      json: whatsapp,
    });
    expect(integration.status).toBe(201);
    await call('/api/integrations', { token: owner.accessToken, json: whatsapp });
    await call('/api/integrations', { token: owner.accessToken });
    const put = await call('/api/payment-providers/stripe', {
      method: 'PUT',
      token: owner.accessToken,
      json: {
        secretKey: secrets.stripeSecret,
        webhookSecret: secrets.stripeWebhook,
        publicKey: secrets.stripePublic,
        enabled: true,
        password: owner.password,
      },
    });
    expect(put.status).toBe(200);
    await call('/api/payment-providers/stripe', { token: owner.accessToken });
    // A refused update (bad body) must not log what it was given either.
    await call('/api/payment-providers/stripe', {
      method: 'PUT',
      token: owner.accessToken,
      json: { secretKey: secrets.stripeSecret, enabled: 'yes', password: owner.password },
    });

    const setup = await call('/api/auth/2fa/setup', {
      token: owner.accessToken,
      json: { password: owner.password },
    });
    const { secret } = twoFactorSetupResponseSchema.parse(setup.body);
    const enabled = await call('/api/auth/2fa/enable', {
      token: owner.accessToken,
      json: { code: await totpCode(secret) },
    });
    const { recoveryCodes } = twoFactorEnableResponseSchema.parse(enabled.body);
    const agent = await addMember(node.url, owner.accessToken, 'agent');
    credentials.push(secret, ...recoveryCodes, agent.refreshToken, agent.accessToken);
    const again = await login(node.url, owner.email, owner.password, recoveryCodes[0]);
    credentials.push(again.body.refreshToken);
    await call('/api/account/export', { token: owner.accessToken });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('returns channel tokens and payment keys only masked', () => {
    const created = integrationSchema.parse(responses[0]?.res.body);
    expect(created.accessToken).toBe(`EAAG…${secrets.channelToken.slice(-4)}`);
    const all = responses
      .map(({ res }) => `${res.text} ${[...res.headers.entries()].join(' ')}`)
      .join('\n');
    for (const value of Object.values(secrets)) expect(all).not.toContain(value);
    const settings = responses.find(
      ({ path, res }) => path === '/api/payment-providers/stripe' && res.status === 200,
    );
    const body = paymentProviderSettingsSchema.parse(settings?.res.body);
    expect(body).toMatchObject({
      secretKey: `sk_t…${secrets.stripeSecret.slice(-4)}`,
      webhookSecret: `whse…${secrets.stripeWebhook.slice(-4)}`,
      publicKey: `pk_t…${secrets.stripePublic.slice(-4)}`,
    });
  });

  it('stores no secret in clear anywhere in the database', async () => {
    const db = node.app.database.db;
    const tables = rowsOf(
      await db.execute(sql`select tablename as name from pg_tables where schemaname = 'public'`),
    ).map((r) => String(r.name));
    const dump: string[] = [];
    for (const table of tables) {
      const rows = rowsOf(
        await db.execute(sql.raw(`select row_to_json(t)::text as j from "${table}" t`)),
      );
      dump.push(...rows.map((r) => String(r.j)));
    }
    const text = dump.join('\n');
    expect(text).toContain('k1:'); // the ciphertexts are there...
    for (const value of [...Object.values(secrets), ...credentials]) {
      expect(text).not.toContain(value); // ...their plaintexts are not.
    }
    // Recovery codes are not stored even without their dashes.
    for (const code of credentials.filter((c) => /^[0-9a-f]{5}-/.test(c))) {
      expect(text).not.toContain(code.replace(/-/g, ''));
    }
  });

  it('never writes a secret to the log', () => {
    expect(logLines.filter((l) => l.includes('"event":"http.request"')).length).toBeGreaterThan(10);
    const text = logLines.join('\n');
    for (const value of [...Object.values(secrets), ...credentials]) {
      expect(text).not.toContain(value);
    }
  });

  it('decrypts with any key of the ring, so a new key rotates without re-entering secrets', async () => {
    const db = node.app.database.db;
    const rotated = createSecretBox([K2, K1]);
    const [row] = rowsOf(
      await db.execute(sql`select id::text as id, business_id::text as b from integrations`),
    );
    expect(await loadIntegrationAccessToken(db, rotated, String(row!.id))).toBe(
      secrets.channelToken,
    );
    const payment = await loadPaymentProviderSecrets(db, rotated, String(row!.b), 'stripe');
    expect(payment).toMatchObject({
      secretKey: secrets.stripeSecret,
      webhookSecret: secrets.stripeWebhook,
      publicKey: secrets.stripePublic,
      enabled: true,
    });
    // Without the old key, the old ciphertexts do not open.
    await expect(
      loadIntegrationAccessToken(db, createSecretBox([K2]), String(row!.id)),
    ).rejects.toThrow();
    expect(TEST_SECRETS.ENCRYPTION_KEYS).toBe(`k1:${K1.key.toString('base64')}`);
  });

  it.runIf(cluster.mode === 'full')(
    'a node with a rotated ring writes under the new key',
    async () => {
      const ring = `k2:${K2.key.toString('base64')},${TEST_SECRETS.ENCRYPTION_KEYS}`;
      const next = await cluster.start({ ENCRYPTION_KEYS: ring, ...graph.env });
      const owner = await registerBusiness(next.url);
      const token = `EAAG${hex(20)}`;
      graph.grant(token, { kind: 'page', id: '55501' });
      const res = await request(next.url, '/api/integrations', {
        token: owner.accessToken,
        json: { channel: 'messenger', externalId: '55501', accessToken: token },
      });
      expect(res.status).toBe(201);
      const [row] = rowsOf(
        await next.app.database.db.execute(
          sql`select access_token_enc as enc from integrations where external_id = '55501'`,
        ),
      );
      expect(String(row!.enc)).toMatch(/^k2:/);
      await next.shutdown();
    },
  );
});
