import { authContracts } from '../../shared/api/auth.contract';
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { defineRoute, noContent, type Route } from '../http/route';
import type { Db } from '../persistence/db';
import { businesses, memberships, users } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import { clearedRefreshCookie, readRefreshCookie } from './refresh-cookie';
import { consumeRefreshToken, revokeFamily, revokeFamilyOf } from './refresh-tokens.pg';
import { isBrowserRequest, sessionReply } from './sessions';

const sessionEnded = () =>
  new AppError('unauthorized', {
    message: 'The session has ended. Sign in again.',
    headers: { 'set-cookie': clearedRefreshCookie() },
  });

/**
 * Spends `token` and answers the next session of its family; otherwise says which login ended
 * (its live sockets are closed once the revocation commits), if any.
 */
async function rotateSession(
  tx: Db,
  deps: RouteDeps,
  token: string,
  ctx: { ip: string; log: Logger; headers: ReadonlyMap<string, string> },
): Promise<{ reply: Awaited<ReturnType<typeof sessionReply<200>>> } | { ended: string | null }> {
  const spent = await consumeRefreshToken(tx, token);
  if (spent.kind === 'invalid') return { ended: null };
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
    return { ended: spent.familyId };
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
    return { ended: spent.familyId };
  }
  const business = { id: spent.businessId, name: row.businessName };
  const reply = await sessionReply(
    tx,
    deps.tokens,
    { user: row.user, business, role: row.role },
    { status: 200, familyId: spent.familyId, browser: isBrowserRequest(ctx.headers) },
  );
  return { reply };
}

/** Refresh and logout: authenticated by the refresh token (body or `parley_rt` cookie). */
export function sessionRoutes(deps: RouteDeps): Route[] {
  const { database } = deps;
  const { db } = database;
  const tokenOf = (body: { refreshToken?: string } | undefined, cookie: string | undefined) =>
    body?.refreshToken ?? readRefreshCookie(cookie);

  return [
    defineRoute(authContracts.refresh, async (ctx) => {
      const token = tokenOf(ctx.body, ctx.headers.get('cookie'));
      if (!token) throw sessionEnded();
      // The reuse branch must commit its revocation and audit entry, so the transaction
      // returns an outcome and the 401 is thrown after it.
      const outcome = await db.transaction((tx) => rotateSession(tx, deps, token, ctx));
      if ('reply' in outcome) return outcome.reply;
      if (outcome.ended) deps.access.sessionEnded(outcome.ended);
      throw sessionEnded();
    }),

    defineRoute(authContracts.logout, async (ctx) => {
      const token = tokenOf(ctx.body, ctx.headers.get('cookie'));
      if (token) {
        const ended = await db.transaction(async (tx) => {
          const owner = await revokeFamilyOf(tx, token);
          if (!owner) return null;
          await writeAudit(tx, {
            businessId: owner.businessId,
            actorUserId: owner.userId,
            action: 'auth.logout',
            ip: ctx.ip,
          });
          return owner.familyId;
        });
        // After the commit: the session's sockets on every node close too.
        if (ended) deps.access.sessionEnded(ended);
      }
      return noContent({ 'set-cookie': clearedRefreshCookie() });
    }),
  ];
}
