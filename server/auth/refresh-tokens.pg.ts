import { randomUUID } from 'node:crypto';
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db } from '../persistence/db';
import { refreshTokens } from '../persistence/schema';
import { hashToken, newOpaqueToken } from './opaque-token';

/**
 * Refresh tokens live 30 days (docs/api.md, "Auth and accounts"); each use issues the next one for
 * another 30.
 */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: Date;
}

/** Issues a refresh token, in a new family (a login) or the given one (a rotation). */
export async function issueRefreshToken(
  db: Db,
  owner: { userId: string; businessId: string; familyId?: string },
): Promise<IssuedRefreshToken> {
  const token = newOpaqueToken();
  const familyId = owner.familyId ?? randomUUID();
  const expiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_MS);
  await db.insert(refreshTokens).values({
    userId: owner.userId,
    businessId: owner.businessId,
    familyId,
    tokenHash: hashToken(token),
    expiresAt,
  });
  return { token, familyId, expiresAt };
}

export type ConsumeResult =
  | { kind: 'ok'; userId: string; businessId: string; familyId: string }
  /** A token that was already used: its whole family is now revoked. */
  | { kind: 'reused'; userId: string; businessId: string; familyId: string }
  | { kind: 'invalid' };

/**
 * Spends a refresh token. A second use of the same token means it was copied (or the client
 * raced itself): either way the family is revoked, so the thief's and the owner's next
 * refresh both fail and the owner signs in again.
 */
export async function consumeRefreshToken(db: Db, token: string): Promise<ConsumeResult> {
  const [row] = await db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashToken(token)))
    .limit(1);
  if (!row || row.revokedAt) return { kind: 'invalid' };
  const owner = { userId: row.userId, businessId: row.businessId, familyId: row.familyId };
  if (row.usedAt) {
    await revokeFamily(db, row.familyId);
    return { kind: 'reused', ...owner };
  }
  if (row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
  // Conditional update: of two concurrent uses exactly one wins; the other is a reuse.
  const spent = await db
    .update(refreshTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(refreshTokens.id, row.id),
        isNull(refreshTokens.usedAt),
        isNull(refreshTokens.revokedAt),
      ),
    )
    .returning({ id: refreshTokens.id });
  if (spent.length === 0) {
    await revokeFamily(db, row.familyId);
    return { kind: 'reused', ...owner };
  }
  return { kind: 'ok', ...owner };
}

export async function revokeFamily(db: Db, familyId: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Logout: the family of `token`, if it names one. Returns the owner for the audit entry. */
export async function revokeFamilyOf(
  db: Db,
  token: string,
): Promise<{ userId: string; businessId: string; familyId: string } | null> {
  const [row] = await db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashToken(token)))
    .limit(1);
  if (!row) return null;
  await revokeFamily(db, row.familyId);
  return { userId: row.userId, businessId: row.businessId, familyId: row.familyId };
}

/**
 * Every session of the user in that business ends (a removed member, a deleted account, "sign
 * out everywhere"), or every one but `keep` (a password change). Returns the logins it ended.
 */
export async function revokeUserSessions(
  db: Db,
  userId: string,
  businessId: string,
  keep?: string,
): Promise<string[]> {
  const rows = await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(refreshTokens.userId, userId),
        eq(refreshTokens.businessId, businessId),
        isNull(refreshTokens.revokedAt),
        keep ? ne(refreshTokens.familyId, keep) : undefined,
      ),
    )
    .returning({ familyId: refreshTokens.familyId });
  return [...new Set(rows.map((r) => r.familyId))];
}
