import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { refreshRequestSchema } from '../../shared/auth.schema';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { defineRoute, type Reply, type Route } from '../http/route';
import type { Db } from '../persistence/db';
import { businesses, memberships, users } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import { clearedRefreshCookie, readRefreshCookie } from './refresh-cookie';
import { consumeRefreshToken, revokeFamily, revokeFamilyOf } from './refresh-tokens.pg';
import { sessionReply } from './sessions';

const sessionEnded = () =>
  new AppError('unauthorized', {
    message: 'The session has ended. Sign in again.',
    headers: { 'set-cookie': clearedRefreshCookie() },
  });

/** Spends `token` and answers the next session of its family, or null when it cannot. */
async function rotateSession(
  tx: Db,
  deps: RouteDeps,
  token: string,
  ctx: { ip: string; log: Logger },
): Promise<Reply | null> {
  const spent = await consumeRefreshToken(tx, token);
  if (spent.kind === 'invalid') return null;
  if (spent.kind === 'reused') {
    await writeAudit(tx, {
      businessId: spent.businessId,
      actorUserId: spent.userId,
      action: 'auth.refresh_reused',
      ip: ctx.ip,
      meta: { familyId: spent.familyId },
    });
    ctx.log.warn(
      { event: 'auth.refresh_reused', familyId: spent.familyId },
      'refresh token reused; family revoked',
    );
    return null;
  }
  const [row] = await tx
    .select({ user: users, businessName: businesses.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(and(eq(memberships.businessId, spent.businessId), eq(memberships.userId, spent.userId)));
  if (!row) {
    // Removed from the business since the login: the family dies with the membership.
    await revokeFamily(tx, spent.familyId);
    return null;
  }
  const business = { id: spent.businessId, name: row.businessName };
  return sessionReply(
    tx,
    deps.tokens,
    { user: row.user, business, role: row.role },
    { familyId: spent.familyId },
  );
}

/** Refresh and logout: authenticated by the refresh token (body or `parley_rt` cookie). */
export function sessionRoutes(deps: RouteDeps): Route[] {
  const { db } = deps;
  const tokenOf = (body: { refreshToken?: string } | undefined, cookie: string | undefined) =>
    body?.refreshToken ?? readRefreshCookie(cookie);

  return [
    defineRoute({
      method: 'POST',
      path: '/api/auth/refresh',
      access: 'public',
      body: { kind: 'json', schema: refreshRequestSchema },
      async handler(ctx) {
        const token = tokenOf(ctx.body, ctx.headers.get('cookie'));
        if (!token) throw sessionEnded();
        // The reuse branch must commit its revocation and audit entry, so the transaction
        // returns an outcome and the 401 is thrown after it.
        const outcome = await db.transaction((tx) => rotateSession(tx, deps, token, ctx));
        if (!outcome) throw sessionEnded();
        return outcome;
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/api/auth/logout',
      access: 'public',
      body: { kind: 'json', schema: refreshRequestSchema },
      async handler(ctx) {
        const token = tokenOf(ctx.body, ctx.headers.get('cookie'));
        if (token) {
          await db.transaction(async (tx) => {
            const owner = await revokeFamilyOf(tx, token);
            if (owner) {
              await writeAudit(tx, {
                businessId: owner.businessId,
                actorUserId: owner.userId,
                action: 'auth.logout',
                ip: ctx.ip,
              });
            }
          });
        }
        return { status: 204, headers: { 'set-cookie': clearedRefreshCookie() } };
      },
    }),
  ];
}
