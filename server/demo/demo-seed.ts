import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Passwords } from '../auth/passwords';
import type { SecretBox } from '../crypto/secret-box';
import type { Database } from '../persistence/db';
import { integrationTokenContext } from '../settings/settings-secrets.pg';
import { ensureDemoPaystack } from './demo-shop.pg';

/** The demo's channel accounts: what the simulator signs webhooks for. */
export const DEMO_ACCOUNTS = {
  messenger: 'demo-page-100200300',
  instagram: 'demo-ig-17841400000',
  whatsapp: 'demo-phone-106540352',
} as const;

const DEMO_CATALOG = [
  {
    sku: 'MUG-BLUE',
    name: 'Blue mug',
    priceMinor: 1200,
    stock: 40,
    description: 'Stoneware, 350 ml',
  },
  {
    sku: 'MUG-RED',
    name: 'Red mug',
    priceMinor: 1200,
    stock: 25,
    description: 'Stoneware, 350 ml',
  },
  {
    sku: 'TEE-BLACK',
    name: 'Black T-shirt',
    priceMinor: 2400,
    stock: 60,
    description: 'Organic cotton',
  },
  {
    sku: 'TOTE',
    name: 'Canvas tote bag',
    priceMinor: 1800,
    stock: 15,
    description: 'Heavy canvas',
  },
  { sku: 'CANDLE', name: 'Cedar candle', priceMinor: 2200, stock: 8, description: '40 hours' },
];

const credentialsSchema = z.object({
  businessId: z.string(),
  email: z.string(),
  password: z.string(),
});
export type DemoCredentials = z.infer<typeof credentialsSchema>;

/**
 * The demo business of `npm start`: an owner whose login is printed at start-up, the three
 * channels, a small catalog in USD and Paystack, paid through the node's own stand-in. Created
 * once; its login is kept in the data folder (next to the generated development secrets) so the
 * same login works after a restart.
 */
export async function seedDemo(deps: {
  database: Database;
  box: SecretBox;
  passwords: Passwords;
  dataDir: string;
}): Promise<DemoCredentials> {
  const file = join(deps.dataDir, 'demo-login.json');
  const existing = await deps.database.sql.query<{ id: string }>(
    `select id from businesses where is_demo limit 1`,
  );
  if (existing[0]) {
    let saved: DemoCredentials | null = null;
    try {
      saved = credentialsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      // The login file is gone; the business stays, with a fresh password below.
    }
    if (saved) {
      // A data folder seeded before the demo could take payments gets Paystack now.
      await ensureDemoPaystack(deps.database, deps.box, existing[0].id);
      return saved;
    }
  }
  const password = `demo-${randomBytes(6).toString('base64url')}`;
  const email = 'owner@demo.parley.local';
  const passwordHash = await deps.passwords.hash(password);
  const businessId = await deps.database.transaction(async (tx) => {
    if (existing[0]) {
      await tx.sql.query(`update users set password_hash = $1 where email = $2`, [
        passwordHash,
        email,
      ]);
      return existing[0].id;
    }
    const [business] = await tx.sql.query<{ id: string }>(
      `insert into businesses (name, is_demo, default_currency) values ('Parley Demo Shop', true, 'USD') returning id`,
    );
    const [user] = await tx.sql.query<{ id: string }>(
      `insert into users (email, name, password_hash) values ($1, 'Demo Owner', $2) returning id`,
      [email, passwordHash],
    );
    await tx.sql.query(
      `insert into memberships (business_id, user_id, role) values ($1, $2, 'owner')`,
      [business!.id, user!.id],
    );
    for (const [channel, externalId] of Object.entries(DEMO_ACCOUNTS)) {
      const id = randomUUID();
      const token = `demo-token-${randomBytes(8).toString('hex')}`;
      await tx.sql.query(
        `insert into integrations (id, business_id, channel, external_id, name, access_token_enc, access_token_hint)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          business!.id,
          channel,
          externalId,
          `Demo ${channel}`,
          deps.box.encrypt(token, integrationTokenContext(id)),
          token.slice(-4),
        ],
      );
    }
    for (const p of DEMO_CATALOG) {
      await tx.sql.query(
        `insert into products (business_id, sku, name, description, price_minor, currency, stock)
         values ($1, $2, $3, $4, $5, 'USD', $6)`,
        [business!.id, p.sku, p.name, p.description, p.priceMinor, p.stock],
      );
    }
    return business!.id;
  });
  await ensureDemoPaystack(deps.database, deps.box, businessId);
  const credentials = { businessId, email, password };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}
