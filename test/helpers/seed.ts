import { randomBytes } from 'node:crypto';
import type { Db } from '../../server/persistence/db';
import { contacts, conversations, messages, orders } from '../../server/persistence/schema';

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
  for (const [i, state] of (options.states ?? ['bot']).entries()) {
    const [conversation] = await db
      .insert(conversations)
      .values({
        businessId,
        contactId: contact.id,
        channel: 'messenger',
        shard: 7 + i,
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
