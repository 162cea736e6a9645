import type { SqlExecutor } from './sql';

/** The role a tenant transaction runs as; created by migration 0002_rls with NOBYPASSRLS. */
export const TENANT_ROLE = 'parley_tenant';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Binds the rest of the open transaction to a business: `app.business_id` is set and the role
 * switches to `parley_tenant`, which row-level security binds to that business. Reached only
 * through `database.transaction({ tenant }, …)`.
 */
export async function enterTenantScope(exec: SqlExecutor, businessId: string): Promise<void> {
  // One round trip; set_config('role', …) is SET LOCAL ROLE and checks membership the same way.
  await exec.query(`select set_config('app.business_id', $1, true), set_config('role', $2, true)`, [
    businessId,
    TENANT_ROLE,
  ]);
}

export function assertBusinessId(businessId: string): void {
  // The id comes from a verified token, but a malformed one must fail here, not as a cast error.
  if (!UUID.test(businessId)) throw new Error('tenant scope: business id is not a UUID');
}

/** True for a well-formed UUID; path params are checked with it before they reach a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
