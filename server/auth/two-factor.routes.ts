import type { Db } from '../persistence/db';
import { authContracts } from '../../shared/api/auth.contract';
import { eq } from 'drizzle-orm';
import {
  type TwoFactorEnableResponse,
  type TwoFactorSetupResponse,
} from '../../shared/auth.schema';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { defineRoute, json, noContent, type Route } from '../http/route';
import { recoveryCodes, users } from '../persistence/schema';
import type { RouteDeps } from '../route-deps';
import {
  hashRecoveryCode,
  isTotpCode,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUrl,
  qrSvg,
} from './totp';
import { confirmPassword } from './reauth';
import { consumeSecondFactor, totpContext } from './two-factor.pg';
import { findUserById } from './users.pg';

const invalidCode = (message = 'The code is not valid.') =>
  new AppError('bad_request', { message, issues: [{ path: 'body.code', message }] });

async function loadSelf(tx: Db, userId: string) {
  const user = await findUserById(tx, userId);
  if (!user) throw new AppError('unauthorized');
  return user;
}

/**
 * TOTP setup, enable and disable for the signed-in user (api.md, "Auth and accounts"). Setup
 * and disable ask for the current password: with a stolen access token alone, nobody can put
 * their own authenticator on the account, or take the owner's off.
 */
export function twoFactorRoutes(deps: RouteDeps): Route[] {
  const { database, box } = deps;
  return [
    defineRoute(authContracts.twoFactorSetup, async (ctx) => {
      const { userId, businessId } = ctx.auth;
      const self = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
        loadSelf(tx, userId),
      );
      await confirmPassword(deps, self, ctx.body.password);
      const secret = newTotpSecret();
      // Pending until enabled: stored (encrypted) now, so enable can check a code against it.
      const email = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const user = await loadSelf(tx, userId);
        if (user.totpEnabledAt) {
          throw new AppError('conflict', { message: 'Two-factor authentication is already on.' });
        }
        await tx
          .update(users)
          .set({
            totpSecretEnc: box.encrypt(secret, totpContext(userId)),
            totpLastStep: null,
            updatedAt: new Date(),
          })
          .where(eq(users.id, userId));
        return user.email;
      });
      const url = otpauthUrl(secret, email);
      return json({
        secret,
        otpauthUrl: url,
        qrSvg: await qrSvg(url),
      } satisfies TwoFactorSetupResponse);
    }),

    defineRoute(authContracts.twoFactorEnable, async (ctx) => {
      const { userId, businessId } = ctx.auth;
      if (!isTotpCode(ctx.body.code)) throw invalidCode('Enter the 6-digit code from your app.');
      await deps.limits.secondFactorAttempt(userId);
      const codes = newRecoveryCodes();
      await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const user = await loadSelf(tx, userId);
        if (user.totpEnabledAt) {
          throw new AppError('conflict', { message: 'Two-factor authentication is already on.' });
        }
        if (!user.totpSecretEnc) {
          throw new AppError('conflict', { message: 'Start the two-factor setup first.' });
        }
        if ((await consumeSecondFactor(tx, box, user, ctx.body.code)) !== 'totp') {
          throw invalidCode();
        }
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
        await tx
          .insert(recoveryCodes)
          .values(codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) as string })));
        await tx
          .update(users)
          .set({ totpEnabledAt: new Date(), updatedAt: new Date() })
          .where(eq(users.id, userId));
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'two_factor.enabled',
          targetType: 'user',
          targetId: userId,
          ip: ctx.ip,
        });
      });
      return json({ recoveryCodes: codes } satisfies TwoFactorEnableResponse);
    }),

    defineRoute(authContracts.twoFactorDisable, async (ctx) => {
      const { userId, businessId } = ctx.auth;
      const self = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
        loadSelf(tx, userId),
      );
      await confirmPassword(deps, self, ctx.body.password);
      await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const user = await loadSelf(tx, userId);
        if (!user.totpEnabledAt) {
          throw new AppError('conflict', { message: 'Two-factor authentication is off.' });
        }
        // A recovery code also works: disabling is what someone who lost the phone needs.
        const used = await consumeSecondFactor(tx, box, user, ctx.body.code);
        if (!used) throw invalidCode();
        await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
        await tx
          .update(users)
          .set({
            totpSecretEnc: null,
            totpEnabledAt: null,
            totpLastStep: null,
            updatedAt: new Date(),
          })
          .where(eq(users.id, userId));
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'two_factor.disabled',
          targetType: 'user',
          targetId: userId,
          ip: ctx.ip,
          meta: { with: used },
        });
      });
      return noContent();
    }),
  ];
}
