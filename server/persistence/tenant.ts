import { sql } from 'drizzle-orm';
import type { Db } from './db';
import type { SqlExecutor } from './sql';

/** The role a tenant transaction runs as; created by migration 0002_rls with NOBYPASSRLS. */
export const TENANT_ROLE = 'parley_tenant';

/** A transaction handle; it has the whole query API of `Db`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `work` in one transaction scoped to a business: `app.business_id` is set for the
 * transaction only, and the role switches to `parley_tenant`, which row-level security binds to
 * that business. A query that forgets its `business_id` filter therefore still sees nothing of
 * another tenant. Queries must still filter by the business from the token: RLS is the second
 * wall, not the first.
 *
 * Both settings are transaction-local (`is_local = true`), so a pooled connection goes back to
 * the pool as the owning role with no business set. Inside `work` use `tx` only: a query on
 * `db` would escape the tenant scope, and on PGlite (one connection) it would wait forever for
 * this very transaction.
 *
 * @example
 * const rows = await withTenant(db, ctx.auth.businessId, (tx) =>
 *   tx.select().from(contacts).where(eq(contacts.businessId, ctx.auth.businessId)),
 * );
 */
export async function withTenant<T>(
  db: Db,
  businessId: string,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  assertBusinessId(businessId);
  return db.transaction(async (tx) => {
    // One round trip; set_config('role', …) is SET LOCAL ROLE and checks membership the same way.
    await tx.execute(
      sql`select set_config('app.business_id', ${businessId}, true), set_config('role', ${TENANT_ROLE}, true)`,
    );
    return work(tx);
  });
}

/**
 * The same scope inside a transaction the caller already opened with the raw-SQL API (the
 * runtime's `transact`): from here to the end of that transaction, RLS binds it to the business.
 */
export async function enterTenant(exec: SqlExecutor, businessId: string): Promise<void> {
  assertBusinessId(businessId);
  await exec.query(`select set_config('app.business_id', $1, true), set_config('role', $2, true)`, [
    businessId,
    TENANT_ROLE,
  ]);
}

function assertBusinessId(businessId: string): void {
  // The id comes from a verified token, but a malformed one must fail here, not as a cast error.
  if (!UUID.test(businessId)) throw new Error('tenant scope: business id is not a UUID');
}

/** True for a well-formed UUID; path params are checked with it before they reach a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
