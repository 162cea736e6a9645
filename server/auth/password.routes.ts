import { authContracts } from '../../shared/api/auth.contract';
import { eq } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { defineRoute, noContent, type Route } from '../http/route';
import { users } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import { assertAcceptablePassword } from './passwords';
import { clearedRefreshCookie } from './refresh-cookie';
import { revokeUserSessions } from './refresh-tokens.pg';
import { confirmPassword } from './reauth';
import { findUserById } from './users.pg';

/**
 * A leaked password can be replaced, and every session ended (security review L8): changing the
 * password ends every other session of the account, on every node, sockets included; "sign out
 * everywhere" ends all of them, this one too. The member is told by e-mail.
 */
export function passwordRoutes(deps: RouteDeps): Route[] {
  const { database } = deps;

  const notify = (businessId: string, userId: string, subject: string, text: string) =>
    deps.email.send({ businessId, to: { userId }, subject, text }, `${subject}:${Date.now()}`);

  return [
    defineRoute(authContracts.changePassword, async (ctx) => {
      const { userId, businessId, sessionId } = ctx.auth;
      const { currentPassword, newPassword } = ctx.body;
      assertAcceptablePassword(newPassword, 'newPassword');
      const user = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
        findUserById(tx, userId),
      );
      if (!user) throw new AppError('unauthorized');
      await confirmPassword(deps, user, currentPassword, 'currentPassword');
      if (await deps.passwords.verify(newPassword, user.passwordHash)) {
        const message = 'Choose a password other than the current one.';
        throw new AppError('bad_request', {
          message,
          issues: [{ path: 'body.newPassword', message }],
        });
      }
      const passwordHash = await deps.passwords.hash(newPassword);
      const ended = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        await tx
          .update(users)
          .set({ passwordHash, updatedAt: new Date() })
          .where(eq(users.id, userId));
        const others = await revokeUserSessions(tx, userId, businessId, sessionId);
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'auth.password_changed',
          targetType: 'user',
          targetId: userId,
          ip: ctx.ip,
          meta: { endedSessions: others.length },
        });
        return others;
      });
      // After the commit: those sessions' dashboards close on every node.
      for (const session of ended) deps.access.sessionEnded(session);
      await notify(
        businessId,
        userId,
        'Your Parley password was changed',
        [
          'The password of your Parley account was just changed, and every other session of it was signed out.',
          `From IP address: ${ctx.ip}`,
          '',
          'If this was not you, someone else knows your password: tell the owner of your business now, so they can remove this account from the team. An owner whose password was taken should write to whoever runs this Parley server.',
        ].join('\n'),
      );
      return noContent();
    }),

    defineRoute(authContracts.logoutAll, async (ctx) => {
      const { userId, businessId } = ctx.auth;
      const ended = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const all = await revokeUserSessions(tx, userId, businessId);
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'auth.signed_out_everywhere',
          ip: ctx.ip,
          meta: { endedSessions: all.length },
        });
        return all;
      });
      // Every socket of the user, on every node, this one's included.
      deps.access.accessChanged(userId);
      ctx.log.info({ event: 'auth.signed_out_everywhere', sessions: ended.length }, 'signed out');
      return noContent({ 'set-cookie': clearedRefreshCookie() });
    }),
  ];
}
