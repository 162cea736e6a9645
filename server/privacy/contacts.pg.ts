import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../persistence/db';
import { releaseContactGauges } from '../analytics/analytics-erasure.pg';
import { contacts, conversations, inbox, messages } from '../persistence/schema';

/**
 * Records a consent change and, in the same transaction, queues `consent.withdrawn` or
 * `consent.granted` for the contact's conversation, so the actor moves to `optedOut` (the bot
 * stops messaging) or back. Every conversation gets it, closed ones included: a closed
 * conversation reopens when the customer writes. Returns null when the contact is not found.
 */
export async function setContactConsent(
  db: Db,
  businessId: string,
  contactId: string,
  granted: boolean,
): Promise<{
  contact: typeof contacts.$inferSelect;
  conversationsNotified: number;
  queued: { inboxId: number; conversationId: string; shard: number }[];
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
    .select({ id: conversations.id, shard: conversations.shard })
    .from(conversations)
    .where(and(eq(conversations.businessId, businessId), eq(conversations.contactId, contactId)));
  if (owned.length === 0) return { contact, conversationsNotified: 0, queued: [] };
  const type = granted ? 'consent.granted' : 'consent.withdrawn';
  const rows = await db
    .insert(inbox)
    .values(
      owned.map((c) => ({
        businessId,
        conversationId: c.id,
        shard: c.shard,
        source: 'system' as const,
        sourceEventId: `consent:${contactId}:${randomUUID()}`,
        type,
        payload: { type },
      })),
    )
    .returning({ id: inbox.id, conversationId: inbox.conversationId, shard: inbox.shard });
  return {
    contact,
    conversationsNotified: owned.length,
    queued: rows.map((r) => ({
      inboxId: r.id,
      conversationId: r.conversationId as string,
      shard: r.shard,
    })),
  };
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
