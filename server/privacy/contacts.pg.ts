import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../persistence/db';
import { releaseContactGauges } from '../analytics/analytics-erasure.pg';
import { contacts, conversations, messages } from '../persistence/schema';

/**
 * Records a consent change and returns the contact's conversations, each of which must be told
 * (`consent.withdrawn` or `consent.granted`, through the inbox in the same transaction) so the
 * actor moves to `optedOut` (the bot stops messaging) or back. Closed conversations too: one
 * reopens when the customer writes. Returns null when the contact is not found.
 */
export async function setContactConsent(
  db: Db,
  businessId: string,
  contactId: string,
  granted: boolean,
): Promise<{
  contact: typeof contacts.$inferSelect;
  conversations: { id: string }[];
} | null> {
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
  const owned = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.businessId, businessId), eq(conversations.contactId, contactId)));
  return { contact, conversations: owned };
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
  await releaseContactGauges(db, businessId, contactId);
  await db.delete(contacts).where(owned);
  return { messages: erased.length };
}
