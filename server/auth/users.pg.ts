import { asc, eq } from 'drizzle-orm';
import type { User } from '../../shared/auth.schema';
import type { Role } from '../../shared/domain';
import type { Db } from '../persistence/db';
import { businesses, memberships, users } from '../persistence/schema';

export type UserRow = typeof users.$inferSelect;

export function toUserDto(user: UserRow): User {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    twoFactorEnabled: user.totpEnabledAt !== null,
  };
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return user;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}

export interface MembershipView {
  businessId: string;
  businessName: string;
  role: Role;
}

export interface LoginCandidate {
  user: UserRow;
  membership: MembershipView | null;
}

/**
 * The user behind an email with their business, in one query, so a known and an unknown email
 * cost the same number of round trips before the (equally slow) password comparison. A user
 * belongs to one business today (an invitation for an email that already has an account is
 * refused); the oldest membership keeps this deterministic all the same.
 */
export async function findLoginCandidate(db: Db, email: string): Promise<LoginCandidate | null> {
  const rows = await db
    .select({
      user: users,
      businessId: memberships.businessId,
      businessName: businesses.name,
      role: memberships.role,
    })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(eq(users.email, email))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const membership =
    row.businessId && row.businessName !== null && row.role
      ? { businessId: row.businessId, businessName: row.businessName, role: row.role }
      : null;
  return { user: row.user, membership };
}
