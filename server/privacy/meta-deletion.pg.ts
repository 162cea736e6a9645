import { and, eq, inArray, or } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.pg';
import type { Db } from '../persistence/db';
import { contacts, conversations, integrations } from '../persistence/schema';
import { eraseContact } from './contacts.pg';
import type { PageScopedId } from './meta-page-ids';

/** Pairs per query: keeps the statement small however many Pages Meta names. */
const PAIRS_PER_QUERY = 100;

/**
 * Contacts that are this Meta user, in every business (system code: Meta's user spans tenants):
 * any contact whose ID is the user ID itself (IDs that are not scoped), and every Messenger
 * contact whose PSID Meta named for a Page *and* whose conversation runs on that Page. A PSID
 * means nothing without its Page: the same digits on another Page are someone else.
 */
async function findContacts(db: Db, metaUserId: string, pageIds: readonly PageScopedId[]) {
  const found = new Map<string, string>();
  if (metaUserId) {
    const exact = await db
      .select({ id: contacts.id, businessId: contacts.businessId })
      .from(contacts)
      .where(eq(contacts.externalId, metaUserId));
    for (const c of exact) found.set(c.id, c.businessId);
  }
  for (let i = 0; i < pageIds.length; i += PAIRS_PER_QUERY) {
    const pairs = pageIds
      .slice(i, i + PAIRS_PER_QUERY)
      .map((p) => and(eq(contacts.externalId, p.psid), eq(integrations.externalId, p.pageId)));
    const scoped = await db
      .select({ id: contacts.id, businessId: contacts.businessId })
      .from(contacts)
      .innerJoin(
        conversations,
        and(
          eq(conversations.contactId, contacts.id),
          eq(conversations.businessId, contacts.businessId),
        ),
      )
      .innerJoin(
        integrations,
        and(
          eq(integrations.id, conversations.integrationId),
          eq(integrations.businessId, contacts.businessId),
        ),
      )
      .where(
        and(eq(contacts.channel, 'messenger'), eq(integrations.channel, 'messenger'), or(...pairs)),
      );
    for (const c of scoped) found.set(c.id, c.businessId);
  }
  return found;
}

/**
 * Erases the Meta user's contacts as a contact erasure does (messages, analytics gauges, then
 * the contact, whose deletion cascades to its conversations and inbox events; orders stay,
 * unlinked), and writes one audit entry per business. Run it in the request's transaction.
 */
export async function eraseMetaUser(
  db: Db,
  input: { metaUserId: string; pageIds: readonly PageScopedId[]; code: string; ip: string | null },
): Promise<{ contacts: number; conversations: number }> {
  const found = await findContacts(db, input.metaUserId, input.pageIds);
  if (found.size === 0) return { contacts: 0, conversations: 0 };
  const owned = await db
    .select({ id: conversations.id, businessId: conversations.businessId })
    .from(conversations)
    .where(inArray(conversations.contactId, [...found.keys()]));
  const perBusiness = new Map<string, { contacts: number; conversations: number }>();
  const tally = (businessId: string) => {
    const t = perBusiness.get(businessId) ?? { contacts: 0, conversations: 0 };
    perBusiness.set(businessId, t);
    return t;
  };
  for (const c of owned) tally(c.businessId).conversations += 1;
  let erased = 0;
  for (const [contactId, businessId] of found) {
    if (!(await eraseContact(db, businessId, contactId))) continue;
    tally(businessId).contacts += 1;
    erased += 1;
  }
  for (const [businessId, counts] of perBusiness) {
    await writeAudit(db, {
      businessId,
      action: 'meta.data_deletion',
      targetType: 'meta_deletion_request',
      targetId: input.code,
      ip: input.ip ?? undefined,
      meta: counts,
    });
  }
  return { contacts: erased, conversations: owned.length };
}
