import { authContracts } from '../../shared/api/auth.contract';
import { teamContracts } from '../../shared/api/team.contract';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { CreateInvitationResponse } from '../../shared/auth.schema';
import { writeAudit } from '../audit/audit.pg';
import { hashToken, newOpaqueToken } from '../auth/opaque-token';
import { assertAcceptablePassword } from '../auth/passwords';
import { isBrowserRequest, sessionReply } from '../auth/sessions';
import { findUserByEmail } from '../auth/users.pg';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, noContent, type Route } from '../http/route';
import { isUniqueViolation } from '../persistence/pg-errors';
import { businesses, invitations, memberships, users } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import { toInvitationDto } from './team.pg';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const invalidInvitation = () =>
  new AppError('bad_request', { message: 'This invitation is not valid or has expired.' });
const emailTaken = () =>
  new AppError('conflict', { message: 'An account with this email already exists.' });

/** A pending invitation: not accepted, not revoked, not expired. */
const pending = (tokenHash: string) =>
  and(
    eq(invitations.tokenHash, tokenHash),
    isNull(invitations.acceptedAt),
    isNull(invitations.revokedAt),
    gt(invitations.expiresAt, new Date()),
  );

/** Inviting (owner/admin), revoking an invitation, and accepting one (public, by token). */
export function invitationRoutes(deps: RouteDeps): Route[] {
  const { database } = deps;
  const { db } = database;
  return [
    defineRoute(teamContracts.invite, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const { email, role } = ctx.body;
      const token = newOpaqueToken();
      const row = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        // Under RLS this sees members of this business only: whether the email has an
        // account elsewhere is not revealed here (accepting will say so to its owner).
        if (await findUserByEmail(tx, email)) {
          throw new AppError('conflict', { message: 'This person is already on the team.' });
        }
        // One live invitation per email: a new one replaces the old.
        await tx
          .update(invitations)
          .set({ revokedAt: new Date() })
          .where(
            and(
              eq(invitations.businessId, businessId),
              eq(invitations.email, email),
              isNull(invitations.acceptedAt),
              isNull(invitations.revokedAt),
            ),
          );
        const [created] = await tx
          .insert(invitations)
          .values({
            businessId,
            email,
            role,
            tokenHash: hashToken(token),
            invitedBy: userId,
            expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
          })
          .returning();
        if (!created) throw new Error('insert returned nothing');
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'team.invited',
          targetType: 'invitation',
          targetId: created.id,
          ip: ctx.ip,
          meta: { email, role },
        });
        return created;
      });
      return json(
        { invitation: toInvitationDto(row), token } satisfies CreateInvitationResponse,
        201,
      );
    }),

    defineRoute(teamContracts.revokeInvitation, async (ctx) => {
      const { businessId, userId } = ctx.auth;
      const id = uuidParam(ctx.params.id);
      await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const revoked = await tx
          .update(invitations)
          .set({ revokedAt: new Date() })
          .where(
            and(
              eq(invitations.id, id),
              eq(invitations.businessId, businessId),
              isNull(invitations.acceptedAt),
              isNull(invitations.revokedAt),
            ),
          )
          .returning({ id: invitations.id });
        if (revoked.length === 0) throw new AppError('not_found');
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'team.invitation_revoked',
          targetType: 'invitation',
          targetId: id,
          ip: ctx.ip,
        });
      });
      return noContent();
    }),

    defineRoute(authContracts.acceptInvitation, async (ctx) => {
      const { token, name, password } = ctx.body;
      await deps.limits.signupAttempt(ctx.ip);
      assertAcceptablePassword(password);
      const tokenHash = hashToken(token);
      // Cheap check first, so a bad token does not cost a bcrypt hash.
      const [invitation] = await db.select().from(invitations).where(pending(tokenHash)).limit(1);
      if (!invitation) throw invalidInvitation();
      const passwordHash = await deps.passwords.hash(password);
      try {
        // System code: the invitee has no tenant yet. Claiming is a conditional update, so
        // two concurrent accepts of one invitation cannot both succeed.
        return await db.transaction(async (tx) => {
          const [claimed] = await tx
            .update(invitations)
            .set({ acceptedAt: new Date() })
            .where(pending(tokenHash))
            .returning();
          if (!claimed) throw invalidInvitation();
          if (await findUserByEmail(tx, claimed.email)) throw emailTaken();
          const [user] = await tx
            .insert(users)
            .values({ email: claimed.email, name, passwordHash })
            .returning();
          const [business] = await tx
            .select({ id: businesses.id, name: businesses.name })
            .from(businesses)
            .where(eq(businesses.id, claimed.businessId));
          if (!user || !business) throw invalidInvitation();
          await tx
            .insert(memberships)
            .values({ businessId: business.id, userId: user.id, role: claimed.role });
          await writeAudit(tx, {
            businessId: business.id,
            actorUserId: user.id,
            action: 'team.joined',
            targetType: 'invitation',
            targetId: claimed.id,
            ip: ctx.ip,
            meta: { role: claimed.role },
          });
          return sessionReply(
            tx,
            deps.tokens,
            { user, business, role: claimed.role },
            { status: 201, browser: isBrowserRequest(ctx.headers) },
          );
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw emailTaken();
        throw err;
      }
    }),
  ];
}
