import { and, asc, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Invitation, TeamMember } from '../../shared/auth.schema';
import type { Db } from '../persistence/db';
import { invitations, memberships, users } from '../persistence/schema';

export async function listMembers(db: Db, businessId: string): Promise<TeamMember[]> {
  const rows = await db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      totpEnabledAt: users.totpEnabledAt,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.businessId, businessId))
    .orderBy(asc(memberships.createdAt), asc(users.id));
  return rows.map(({ totpEnabledAt, joinedAt, ...rest }) => ({
    ...rest,
    twoFactorEnabled: totpEnabledAt !== null,
    joinedAt: joinedAt.toISOString(),
  }));
}

export async function findMember(
  db: Db,
  businessId: string,
  userId: string,
): Promise<TeamMember | undefined> {
  return (await listMembers(db, businessId)).find((m) => m.userId === userId);
}

export type InvitationRow = typeof invitations.$inferSelect;

export function toInvitationDto(row: InvitationRow): Invitation {
  return {
    id: row.id,
    email: row.email,
    // Invitations are only ever created with an assignable role.
    role: row.role === 'admin' ? 'admin' : 'agent',
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listPendingInvitations(db: Db, businessId: string): Promise<Invitation[]> {
  const rows = await db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.businessId, businessId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .orderBy(desc(invitations.createdAt));
  return rows.map(toInvitationDto);
}
