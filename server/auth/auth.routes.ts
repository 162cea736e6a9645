import { authContracts } from '../../shared/api/auth.contract';
import { eq } from 'drizzle-orm';
import type { MeResponse } from '../../shared/auth.schema';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { defineRoute, json, type Route } from '../http/route';
import { isUniqueViolation } from '../persistence/pg-errors';
import { businesses, memberships, users } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import { assertAcceptablePassword } from './passwords';
import { isBrowserRequest, sessionReply } from './sessions';
import { consumeSecondFactor } from './two-factor.pg';
import {
  findLoginCandidate,
  findUserByEmail,
  findUserById,
  toUserDto,
  type UserRow,
} from './users.pg';

const emailTaken = () =>
  new AppError('conflict', { message: 'An account with this email already exists.' });
/** One answer for an unknown email and a wrong password (api.md). */
const badCredentials = () =>
  new AppError('unauthorized', { message: 'The email or password is not correct.' });

/**
 * With 2FA on, a login spends a TOTP code or a recovery code; none, or a bad one, is
 * `totp_required` (api.md), which only a caller with the right password ever sees.
 */
async function requireSecondFactor(
  deps: RouteDeps,
  user: UserRow,
  businessId: string,
  code: string | undefined,
  ip: string,
  onFailure: () => Promise<void>,
): Promise<void> {
  if (!code) throw new AppError('totp_required');
  const used = await consumeSecondFactor(deps.database.db, deps.box, user, code);
  if (!used) {
    await onFailure();
    throw new AppError('totp_required', { message: 'The two-factor code is not valid.' });
  }
  if (used === 'recovery') {
    await writeAudit(deps.database.db, {
      businessId,
      actorUserId: user.id,
      action: 'two_factor.recovery_code_used',
      ip,
    });
  }
}

/** Register, login and `GET /api/me` (api.md, "Auth and accounts"). */
export function authRoutes(deps: RouteDeps): Route[] {
  const { database } = deps;
  const { db } = database;
  return [
    defineRoute(authContracts.register, async (ctx) => {
      const { businessName, email, password, name } = ctx.body;
      await deps.limits.signupAttempt(ctx.ip);
      assertAcceptablePassword(password);
      if (await findUserByEmail(db, email)) throw emailTaken();
      const passwordHash = await deps.passwords.hash(password);
      try {
        // System code: the business does not exist yet, so there is no tenant to scope to.
        return await db.transaction(async (tx) => {
          const [business] = await tx.insert(businesses).values({ name: businessName }).returning();
          const [user] = await tx
            .insert(users)
            .values({ email, name: name ?? '', passwordHash })
            .returning();
          if (!business || !user) throw new Error('insert returned nothing');
          await tx.insert(memberships).values({
            businessId: business.id,
            userId: user.id,
            role: 'owner',
          });
          await writeAudit(tx, {
            businessId: business.id,
            actorUserId: user.id,
            action: 'account.registered',
            ip: ctx.ip,
          });
          return sessionReply(
            tx,
            deps.tokens,
            { user, business, role: 'owner' },
            { status: 201, browser: isBrowserRequest(ctx.headers) },
          );
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw emailTaken();
        throw err;
      }
    }),

    defineRoute(authContracts.login, async (ctx) => {
      const { email, password, totp } = ctx.body;
      await deps.limits.loginAttempt(email, ctx.ip);
      const candidate = await findLoginCandidate(db, email);
      const passwordOk = await deps.passwords.verify(password, candidate?.user.passwordHash);
      const membership = candidate?.membership ?? null;
      const fail = async (reason: 'password' | 'second_factor') => {
        await deps.limits.loginFailed(email);
        await writeAudit(db, {
          businessId: membership?.businessId ?? null,
          actorUserId: candidate?.user.id ?? null,
          action: 'auth.login_failed',
          ip: ctx.ip,
          meta: { reason },
        });
      };
      if (!candidate || !passwordOk || !membership) {
        await fail('password');
        throw badCredentials();
      }
      const { user } = candidate;
      if (user.totpEnabledAt) {
        await requireSecondFactor(deps, user, membership.businessId, totp, ctx.ip, () =>
          fail('second_factor'),
        );
      }
      await deps.limits.loginSucceeded(email, ctx.ip);
      await writeAudit(db, {
        businessId: membership.businessId,
        actorUserId: user.id,
        action: 'auth.login_succeeded',
        ip: ctx.ip,
      });
      const business = { id: membership.businessId, name: membership.businessName };
      return sessionReply(
        db,
        deps.tokens,
        { user, business, role: membership.role },
        { status: 200, browser: isBrowserRequest(ctx.headers) },
      );
    }),

    defineRoute(authContracts.me, async (ctx) => {
      const { userId, businessId, role } = ctx.auth;
      return database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const user = await findUserById(tx, userId);
        const [business] = await tx
          .select({ id: businesses.id, name: businesses.name })
          .from(businesses)
          .where(eq(businesses.id, businessId));
        if (!user || !business) throw new AppError('unauthorized');
        return json({ user: toUserDto(user), business, role } satisfies MeResponse);
      });
    }),
  ];
}
