import { asc, desc, eq } from 'drizzle-orm';
import type { AccountExport } from '../../shared/privacy.schema';
import type { Db } from '../persistence/db';
import {
  aiSettings,
  auditLog,
  businesses,
  contacts,
  conversations,
  integrations,
  invitations,
  invoices,
  messages,
  orders,
  paymentProviderSettings,
  payments,
  products,
} from '../persistence/schema';
import { listMembers } from '../team/team.pg';

type Row = Record<string, unknown>;

/** Drops the named columns: ciphertexts and token hashes have no place in an export. */
function omit<T extends Row>(rows: T[], ...keys: (keyof T)[]): Row[] {
  return rows.map((row) => {
    const copy: Row = { ...row };
    for (const k of keys) delete copy[k as string];
    return copy;
  });
}

/**
 * Everything the business holds, for `GET /api/account/export`. Run inside the tenant's
 * transaction; every query also filters by the business explicitly. Secrets appear only as
 * their masks; password hashes and TOTP secrets not at all.
 */
export async function buildAccountExport(db: Db, businessId: string): Promise<AccountExport> {
  const byBusiness = <T extends { businessId: unknown }>(t: T) =>
    eq(t.businessId as never, businessId);
  const [business] = await db.select().from(businesses).where(eq(businesses.id, businessId));
  const [ai] = await db.select().from(aiSettings).where(byBusiness(aiSettings));
  return {
    format: 'parley-export/1',
    exportedAt: new Date().toISOString(),
    business: { ...business },
    members: await listMembers(db, businessId),
    invitations: omit(
      await db
        .select()
        .from(invitations)
        .where(byBusiness(invitations))
        .orderBy(asc(invitations.createdAt)),
      'tokenHash',
    ),
    integrations: omit(
      await db
        .select()
        .from(integrations)
        .where(byBusiness(integrations))
        .orderBy(asc(integrations.createdAt)),
      'accessTokenEnc',
    ),
    paymentProviders: omit(
      await db.select().from(paymentProviderSettings).where(byBusiness(paymentProviderSettings)),
      'secretKeyEnc',
      'webhookSecretEnc',
      'publicKeyEnc',
    ),
    aiSettings: ai ? { ...ai } : null,
    products: await db
      .select()
      .from(products)
      .where(byBusiness(products))
      .orderBy(asc(products.createdAt)),
    contacts: await db
      .select()
      .from(contacts)
      .where(byBusiness(contacts))
      .orderBy(asc(contacts.createdAt)),
    conversations: await db
      .select()
      .from(conversations)
      .where(byBusiness(conversations))
      .orderBy(asc(conversations.createdAt)),
    messages: await db
      .select()
      .from(messages)
      .where(byBusiness(messages))
      .orderBy(asc(messages.createdAt)),
    orders: await db.select().from(orders).where(byBusiness(orders)).orderBy(asc(orders.createdAt)),
    payments: await db
      .select()
      .from(payments)
      .where(byBusiness(payments))
      .orderBy(asc(payments.createdAt)),
    invoices: await db
      .select()
      .from(invoices)
      .where(byBusiness(invoices))
      .orderBy(asc(invoices.number)),
    auditLog: await db
      .select()
      .from(auditLog)
      .where(byBusiness(auditLog))
      .orderBy(desc(auditLog.id)),
  };
}
