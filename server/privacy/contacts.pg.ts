import { randomUUID } from 'node:crypto';
import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { Db } from '../persistence/db';
import { contacts, conversations, inbox, messages } from '../persistence/schema';

/** States in which the bot may still message a contact. */
const FINISHED_STATES = ['closed', 'optedOut'] as const;

/**
 * Records a consent change. A withdrawal also queues `consent.withdrawn` for every open
 * conversation of the contact, in the same transaction, so the actor runtime moves each one to
 * `optedOut` and the bot stops messaging. Returns null when the contact is not found.
 */
export async function setContactConsent(
  db: Db,
  businessId: string,
  contactId: string,
  granted: boolean,
): Promise<{ contact: typeof contacts.$inferSelect; conversationsNotified: number } | null> {
  const [contact] = await db
    .update(contacts)
    .set({
      consentGranted: granted,
      optedOutAt: granted ? null : new Date(),
      updatedAt: new Date(),
    })
    .where(and(eq(contacts.id, contactId), eq(contacts.businessId, businessId)))
    .returning();
  if (!contact) return null;
  if (granted) return { contact, conversationsNotified: 0 };
  const open = await db
    .select({ id: conversations.id, shard: conversations.shard })
    .from(conversations)
    .where(
      and(
        eq(conversations.businessId, businessId),
        eq(conversations.contactId, contactId),
        notInArray(conversations.state, [...FINISHED_STATES]),
      ),
    );
  if (open.length > 0) {
    await db.insert(inbox).values(
      open.map((c) => ({
        businessId,
        conversationId: c.id,
        shard: c.shard,
        source: 'system' as const,
        sourceEventId: `consent:${contactId}:${randomUUID()}`,
        type: 'consent.withdrawn',
        payload: { type: 'consent.withdrawn' },
      })),
    );
  }
  return { contact, conversationsNotified: open.length };
}

/**
 * Erases a contact: its messages, then the contact row, whose deletion cascades to its
 * conversations, inbox events and event log. Orders stay (the business's accounting) but lose
 * the link to the person. Returns the number of messages erased, or null if not found.
 */
export async function eraseContact(
  db: Db,
  businessId: string,
  contactId: string,
): Promise<{ messages: number } | null> {
  const owned = and(eq(contacts.id, contactId), eq(contacts.businessId, businessId));
  const [contact] = await db.select({ id: contacts.id }).from(contacts).where(owned);
  if (!contact) return null;
  const conversationIds = db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.businessId, businessId), eq(conversations.contactId, contactId)));
  const erased = await db
    .delete(messages)
    .where(
      and(eq(messages.businessId, businessId), inArray(messages.conversationId, conversationIds)),
    )
    .returning({ id: messages.id });
  await db.delete(contacts).where(owned);
  return { messages: erased.length };
}
