import { privacyContracts } from '../../shared/api/privacy.contract';
import { eq, inArray } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.pg';
import { consumeSecondFactor } from '../auth/two-factor.pg';
import { findUserById } from '../auth/users.pg';
import { AppError } from '../errors';
import { defineRoute, json, type Route } from '../http/route';
import type { Db } from '../persistence/db';
import { businesses, memberships, users } from '../persistence/schema';
import { confirmPassword } from '../auth/reauth';
import type { RouteDeps } from '../route-deps';
import { buildAccountExport } from './account-export.pg';

/**
 * Erases a business: its members' accounts first (a user belongs to one business), then the
 * business row, whose deletion cascades to every table that carries its business_id. Run in
 * the tenant's transaction. Returns the erased members' user ids.
 */
async function eraseBusiness(tx: Db, businessId: string): Promise<string[]> {
  const ids = (
    await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(eq(memberships.businessId, businessId))
  ).map((m) => m.userId);
  if (ids.length > 0) await tx.delete(users).where(inArray(users.id, ids));
  await tx.delete(businesses).where(eq(businesses.id, businessId));
  return ids;
}

/** The business's own privacy rights (api.md, "Privacy"): export and erasure. Owner only. */
export function accountRoutes(deps: RouteDeps): Route[] {
  const { database } = deps;
  const { db } = database;
  return [
    defineRoute(privacyContracts.exportAccount, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const bundle = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'account.exported',
          targetType: 'business',
          targetId: businessId,
          ip: ctx.ip,
        });
        return buildAccountExport(tx, businessId);
      });
      const day = bundle.exportedAt.slice(0, 10);
      return json(bundle, 200, {
        'content-disposition': `attachment; filename="parley-export-${day}.json"`,
      });
    }),

    defineRoute(privacyContracts.deleteAccount, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const owner = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
        findUserById(tx, userId),
      );
      if (!owner) throw new AppError('unauthorized');
      await confirmPassword(deps, owner, ctx.body.password);
      const members = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        if (owner.totpEnabledAt) {
          if (!ctx.body.totp) throw new AppError('totp_required');
          if (!(await consumeSecondFactor(tx, deps.box, owner, ctx.body.totp))) {
            throw new AppError('totp_required', { message: 'The two-factor code is not valid.' });
          }
        }
        return eraseBusiness(tx, businessId);
      });
      // A tombstone outside the erased tenant: that it happened, never what was there.
      await writeAudit(db, {
        businessId: null,
        action: 'account.deleted',
        targetType: 'business',
        targetId: businessId,
        ip: ctx.ip,
        meta: { members: members.length },
      });
      // Their open dashboards (on any node) close now, not when their tokens expire.
      for (const member of members) deps.access.accessChanged(member);
      ctx.log.info(
        { event: 'account.deleted', businessId, members: members.length },
        'business erased',
      );
      return json({ status: 'erased' }, 202);
    }),
  ];
}
