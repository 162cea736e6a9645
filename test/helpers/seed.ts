import { randomBytes, randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/domain';
import type { Database, Db } from '../../server/persistence/db';
import { contacts, conversations, messages, orders } from '../../server/persistence/schema';
import { openConversation, upsertContact } from '../../server/runtime/conversations.pg';
import { shardOf } from '../../server/runtime/shards';

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

/**
 * Rows that arrive through webhooks and the actor runtime in production (built elsewhere);
 * tests of privacy and isolation insert them directly, as system code would.
 */
export interface SeededContact {
  contactId: string;
  externalId: string;
  conversationIds: string[];
  messageIds: string[];
  orderId: string;
}

export async function seedContact(
  db: Db,
  businessId: string,
  options: { externalId?: string; states?: ('bot' | 'handoff' | 'closed' | 'optedOut')[] } = {},
): Promise<SeededContact> {
  const externalId = options.externalId ?? `psid-${randomBytes(4).toString('hex')}`;
  const [contact] = await db
    .insert(contacts)
    .values({ businessId, channel: 'messenger', externalId, name: `Customer ${externalId}` })
    .returning();
  if (!contact) throw new Error('seed: contact');
  const conversationIds: string[] = [];
  const messageIds: string[] = [];
  // One conversation per contact, as the product keeps it; `states` picks its state.
  for (const state of (options.states ?? ['bot']).slice(0, 1)) {
    // The shard every inbox writer derives from the id, as `openConversation` stores it.
    const id = randomUUID();
    const [conversation] = await db
      .insert(conversations)
      .values({
        id,
        businessId,
        contactId: contact.id,
        channel: 'messenger',
        shard: shardOf(id),
        state,
        lastMessagePreview: `secret plans of ${externalId}`,
      })
      .returning();
    if (!conversation) throw new Error('seed: conversation');
    conversationIds.push(conversation.id);
    const inserted = await db
      .insert(messages)
      .values([
        {
          businessId,
          conversationId: conversation.id,
          direction: 'in',
          author: 'customer',
          text: `hello from ${externalId}`,
          status: 'received',
        },
        {
          businessId,
          conversationId: conversation.id,
          direction: 'out',
          author: 'bot',
          text: `welcome ${externalId}`,
          status: 'sent',
        },
      ])
      .returning({ id: messages.id });
    messageIds.push(...inserted.map((m) => m.id));
  }
  const [order] = await db
    .insert(orders)
    .values({
      businessId,
      contactId: contact.id,
      conversationId: conversationIds[0] ?? null,
      items: [],
      totalMinor: 1250,
      currency: 'USD',
      idempotencyKey: `seed-${randomBytes(4).toString('hex')}`,
    })
    .returning({ id: orders.id });
  if (!order) throw new Error('seed: order');
  return { contactId: contact.id, externalId, conversationIds, messageIds, orderId: order.id };
}
