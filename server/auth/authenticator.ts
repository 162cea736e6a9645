import { and, eq, exists, isNull } from 'drizzle-orm';
import type { Role } from '../../shared/domain';
import { AppError } from '../errors';
import type { Access, Authenticator } from '../http/route';
import type { Db } from '../persistence/db';
import { memberships, refreshTokens } from '../persistence/schema';
import type { AccessTokens } from './access-tokens';

/** Whether `role` may call a route with this `access`. */
export function roleAllows(access: Exclude<Access, 'public'>, role: Role): boolean {
  if (access === 'member') return true;
  if (access === 'admin') return role === 'owner' || role === 'admin';
  return role === 'owner';
}

/**
 * Verifies the access token, then reads the membership on every request: the token proves who
 * the caller is, the database says what they may do now. A removed member is refused on the
 * next request and a role change applies at once, not when the token expires. The same query
 * checks the token's login is still alive, so logout and refresh-token reuse (which revoke the
 * family) end its access tokens at once too.
 */
export function createAuthenticator(deps: { db: Db; tokens: AccessTokens }): Authenticator {
  return {
    async authenticate(token, access) {
      if (!token) throw new AppError('unauthorized');
      const claims = await deps.tokens.verify(token);
      const [membership] = await deps.db
        .select({ role: memberships.role })
        .from(memberships)
        .where(
          and(
            eq(memberships.businessId, claims.businessId),
            eq(memberships.userId, claims.userId),
            exists(
              deps.db
                .select({ one: refreshTokens.id })
                .from(refreshTokens)
                .where(
                  and(
                    eq(refreshTokens.familyId, claims.sessionId),
                    eq(refreshTokens.userId, claims.userId),
                    isNull(refreshTokens.revokedAt),
                  ),
                ),
            ),
          ),
        )
        .limit(1);
      if (!membership) {
        throw new AppError('unauthorized', {
          message: 'The session has ended or this account no longer has access.',
        });
      }
      if (!roleAllows(access, membership.role)) throw new AppError('forbidden');
      return {
        userId: claims.userId,
        businessId: claims.businessId,
        role: membership.role,
        sessionId: claims.sessionId,
      };
    },
  };
}
