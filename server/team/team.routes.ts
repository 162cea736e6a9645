import type { Db } from '../persistence/db';
import { teamContracts } from '../../shared/api/team.contract';
import { and, eq } from 'drizzle-orm';
import type { TeamResponse } from '../../shared/auth.schema';
import { writeAudit } from '../audit/audit.pg';
import { revokeUserSessions } from '../auth/refresh-tokens.pg';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, noContent, type AuthContext, type Route } from '../http/route';
import { memberships, users } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import { findMember, listMembers, listPendingInvitations } from './team.pg';

/**
 * The member another member (owner or admin) may manage: not themselves, not the owner.
 * A user of another business is simply not found.
 */
async function manageableMember(tx: Db, auth: AuthContext, targetId: string, verb: string) {
  if (targetId === auth.userId) {
    throw new AppError('forbidden', { message: `You cannot ${verb} yourself.` });
  }
  const member = await findMember(tx, auth.businessId, targetId);
  if (!member) throw new AppError('not_found');
  if (member.role === 'owner') {
    throw new AppError('forbidden', {
      message: `The owner cannot be ${verb === 'remove' ? 'removed' : 'changed'}.`,
    });
  }
  return member;
}

/** The team list and member management (api.md, "Auth and accounts"). */
export function teamRoutes(deps: RouteDeps): Route[] {
  const { database } = deps;
  return [
    defineRoute(teamContracts.list, (ctx) =>
      database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
        const members = await listMembers(tx, ctx.auth.businessId);
        const manages = ctx.auth.role === 'owner' || ctx.auth.role === 'admin';
        const invitations = manages ? await listPendingInvitations(tx, ctx.auth.businessId) : [];
        return json({ members, invitations } satisfies TeamResponse);
      }),
    ),

    defineRoute(teamContracts.changeRole, async (ctx) => {
      const reply = await database.transaction(
        { tenant: ctx.auth.businessId },
        async ({ db: tx }) => {
          const { businessId } = ctx.auth;
          const target = await manageableMember(
            tx,
            ctx.auth,
            uuidParam(ctx.params.userId),
            'change',
          );
          await tx
            .update(memberships)
            .set({ role: ctx.body.role, updatedAt: new Date() })
            .where(
              and(eq(memberships.businessId, businessId), eq(memberships.userId, target.userId)),
            );
          await writeAudit(tx, {
            businessId,
            actorUserId: ctx.auth.userId,
            action: 'team.role_changed',
            targetType: 'user',
            targetId: target.userId,
            ip: ctx.ip,
            meta: { from: target.role, to: ctx.body.role },
          });
          return { ...target, role: ctx.body.role };
        },
      );
      // After the commit: their open dashboards reconnect and get the new role (or not).
      deps.access.accessChanged(reply.userId);
      return json(reply);
    }),

    defineRoute(teamContracts.remove, async (ctx) => {
      const { businessId } = ctx.auth;
      const removed = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const target = await manageableMember(tx, ctx.auth, uuidParam(ctx.params.userId), 'remove');
        await revokeUserSessions(tx, target.userId, businessId);
        // A user belongs to one business, so the account goes with the membership (and its
        // email can be invited again). Deleted before the membership: the users policy only
        // shows members of this business.
        await tx.delete(users).where(eq(users.id, target.userId));
        await tx
          .delete(memberships)
          .where(
            and(eq(memberships.businessId, businessId), eq(memberships.userId, target.userId)),
          );
        await writeAudit(tx, {
          businessId,
          actorUserId: ctx.auth.userId,
          action: 'team.removed',
          targetType: 'user',
          targetId: target.userId,
          ip: ctx.ip,
          meta: { role: target.role },
        });
        return target.userId;
      });
      deps.access.accessChanged(removed);
      return noContent();
    }),
  ];
}
