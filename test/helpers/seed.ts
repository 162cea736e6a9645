import { randomBytes, randomUUID } from 'node:crypto';
import type { Channel } from '../../shared/domain';
import type { ConversationState } from '../../shared/domain';
import type { Database } from '../../server/persistence/db';
import {
  contacts,
  conversations,
  messages,
  orders,
  products,
} from '../../server/persistence/schema';
import { openConversation, upsertContact } from '../../server/runtime/conversations.pg';
import { shardOf } from '../../server/runtime/shards';

export interface SeededConversation {
  businessId: string;
  contactId: string;
  conversationId: string;
  shard: number;
}

/**
 * The "given" of a test: the rows a scenario starts from, with defaults a test overrides only
 * where the scenario cares. Rows that the product makes through its own API (a registered
 * business with an owner, a shop with a catalog and a provider) come from `registerBusiness`
 * and `openShop`; these are for tests below the HTTP layer, written as system code would.
 */
export function given(database: Database) {
  return {
    /** A business with no users. */
    async business(options: { name?: string } = {}): Promise<string> {
      const rows = await database.sql.query<{ id: string }>(
        `insert into businesses (name) values ($1) returning id`,
        [options.name ?? 'Test shop'],
      );
      return rows[0]!.id;
    },

    /** A member of the business (an agent by default) that commands can name as their author. */
    async user(
      businessId: string,
      options: { role?: 'owner' | 'admin' | 'agent' } = {},
    ): Promise<string> {
      const rows = await database.sql.query<{ id: string }>(
        `insert into users (email, name, password_hash) values ($1, 'Agent', 'x') returning id`,
        [`${randomUUID()}@test.parley`],
      );
      const id = rows[0]!.id;
      await database.sql.query(
        `insert into memberships (business_id, user_id, role) values ($1, $2, $3)`,
        [businessId, id, options.role ?? 'agent'],
      );
      return id;
    },

    /** A connected channel account; webhooks for `externalId` route to the business. */
    async integration(
      businessId: string,
      options: { channel: Channel; externalId: string; accessTokenEnc?: string },
    ): Promise<string> {
      const { channel, externalId } = options;
      const rows = await database.sql.query<{ id: string }>(
        `insert into integrations (business_id, channel, external_id, access_token_enc, name)
         values ($1, $2, $3, $4, $5) returning id`,
        [
          businessId,
          channel,
          externalId,
          options.accessTokenEnc ?? 'unused-in-this-test',
          `${channel} ${externalId}`,
        ],
      );
      return rows[0]!.id;
    },

    /**
     * A new customer's open conversation, made by the runtime's own `openConversation` (the
     * machine has seen no event yet: it starts in `bot`).
     */
    conversation(
      businessId: string,
      options: { channel?: Channel } = {},
    ): Promise<SeededConversation> {
      const channel = options.channel ?? 'whatsapp';
      return database.transaction(async (tx) => {
        const contact = await upsertContact(tx, { businessId, channel, externalId: randomUUID() });
        const conversation = await openConversation(tx, {
          businessId,
          contactId: contact.id,
          channel,
        });
        return {
          businessId,
          contactId: contact.id,
          conversationId: conversation.id,
          shard: conversation.shard,
        };
      });
    },

    /**
     * A Messenger contact with history: a conversation in `state` (the list column only; no
     * machine snapshot), a message each way and a pending order. For privacy and isolation
     * tests, which need something of everything to erase or hide.
     */
    contact: (
      businessId: string,
      options: { externalId?: string; state?: ConversationState } = {},
    ) => seedContact(database, businessId, options),

    /** Catalog rows, inserted as they are (`openShop` creates them through the API instead). */
    async products(businessId: string, items: readonly GivenProduct[]): Promise<void> {
      if (items.length === 0) return;
      await database.db.insert(products).values(
        items.map((p) => ({
          businessId,
          sku: p.sku,
          name: p.name,
          priceMinor: p.priceMinor,
          currency: p.currency ?? 'USD',
          stock: p.stock,
          active: p.active ?? true,
        })),
      );
    },
  };
}

export interface GivenProduct {
  sku: string;
  name: string;
  priceMinor: number;
  currency?: string;
  stock: number | null;
  active?: boolean;
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

async function seedContact(
  database: Database,
  businessId: string,
  options: { externalId?: string; state?: ConversationState } = {},
): Promise<SeededContact> {
  const db = database.db;
  const externalId = options.externalId ?? `psid-${randomBytes(4).toString('hex')}`;
  const [contact] = await db
    .insert(contacts)
    .values({ businessId, channel: 'messenger', externalId, name: `Customer ${externalId}` })
    .returning();
  if (!contact) throw new Error('seed: contact');
  const conversationIds: string[] = [];
  const messageIds: string[] = [];
  // One conversation per contact, as the product keeps it.
  for (const state of [options.state ?? 'bot']) {
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
