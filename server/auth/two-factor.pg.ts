import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { SecretBox } from '../crypto/secret-box';
import type { Db } from '../persistence/db';
import { recoveryCodes, users } from '../persistence/schema';
import { hashRecoveryCode, isTotpCode, matchTotp } from './totp';

/** The AAD a user's TOTP secret is sealed with: it cannot be moved to another user's row. */
export const totpContext = (userId: string) => `totp:${userId}`;

export interface SecondFactorUser {
  id: string;
  totpSecretEnc: string | null;
  totpLastStep: number | null;
}

/**
 * Checks a TOTP code or a recovery code and spends it, atomically: the TOTP step moves forward
 * only if no concurrent request moved it first, and a recovery code is marked used only once.
 * Returns which kind matched, or null.
 */
export async function consumeSecondFactor(
  db: Db,
  box: SecretBox,
  user: SecondFactorUser,
  code: string,
): Promise<'totp' | 'recovery' | null> {
  if (isTotpCode(code)) {
    if (!user.totpSecretEnc) return null;
    const secret = box.decrypt(user.totpSecretEnc, totpContext(user.id));
    const step = await matchTotp(secret, code, user.totpLastStep);
    if (step === null) return null;
    const moved = await db
      .update(users)
      .set({ totpLastStep: step })
      .where(
        and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))),
      )
      .returning({ id: users.id });
    return moved.length === 1 ? 'totp' : null;
  }
  const hash = hashRecoveryCode(code);
  if (!hash) return null;
  const spent = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(recoveryCodes.userId, user.id),
        eq(recoveryCodes.codeHash, hash),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return spent.length === 1 ? 'recovery' : null;
}
