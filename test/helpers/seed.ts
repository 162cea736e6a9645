import { randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/domain';
import type { Database } from '../../server/persistence/db';
import { openConversation, upsertContact } from '../../server/runtime/conversations.pg';

export interface SeededConversation {
  businessId: string;
  contactId: string;
  conversationId: string;
  shard: number;
}

/** A business with no users, for tests of the runtime below the HTTP layer. */
export async function seedBusiness(database: Database, name = 'Test shop'): Promise<string> {
  const rows = await database.sql.query<{ id: string }>(
    `insert into businesses (name) values ($1) returning id`,
    [name],
  );
  return rows[0]!.id;
}

export async function seedConversation(
  database: Database,
  businessId: string,
  channel: Channel = 'whatsapp',
): Promise<SeededConversation> {
  return database.transaction(async (tx) => {
    const contact = await upsertContact(tx, { businessId, channel, externalId: randomUUID() });
    const conversation = await openConversation(tx, { businessId, contactId: contact.id, channel });
    return {
      businessId,
      contactId: contact.id,
      conversationId: conversation.id,
      shard: conversation.shard,
    };
  });
}

export async function waitUntil<T>(
  probe: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A member of the business (an agent by default) that commands can name as their author. */
export async function seedUser(
  database: Database,
  businessId: string,
  role: 'owner' | 'admin' | 'agent' = 'agent',
): Promise<string> {
  const rows = await database.sql.query<{ id: string }>(
    `insert into users (email, name, password_hash) values ($1, 'Agent', 'x') returning id`,
    [`${randomUUID()}@test.parley`],
  );
  const id = rows[0]!.id;
  await database.sql.query(
    `insert into memberships (business_id, user_id, role) values ($1, $2, $3)`,
    [businessId, id, role],
  );
  return id;
}

/** A connected channel account; webhooks for `externalId` route to the business. */
export async function seedIntegration(
  database: Database,
  businessId: string,
  channel: Channel,
  externalId: string,
  accessTokenEnc = 'unused-in-this-test',
): Promise<string> {
  const rows = await database.sql.query<{ id: string }>(
    `insert into integrations (business_id, channel, external_id, access_token_enc, name)
     values ($1, $2, $3, $4, $5) returning id`,
    [businessId, channel, externalId, accessTokenEnc, `${channel} ${externalId}`],
  );
  return rows[0]!.id;
}
