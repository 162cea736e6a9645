import type { SessionResponse } from '../../shared/auth.schema';
import type { Role } from '../../shared/domain';
import type { Reply } from '../http/route';
import type { Db } from '../persistence/db';
import { ACCESS_TOKEN_TTL_SECONDS, type AccessTokens } from './access-tokens';
import { refreshCookie } from './refresh-cookie';
import { issueRefreshToken } from './refresh-tokens.pg';
import { toUserDto, type UserRow } from './users.pg';

export interface SessionSubject {
  user: UserRow;
  business: { id: string; name: string };
  role: Role;
}

/**
 * A signed-in answer: a fresh access token and the next refresh token of `familyId` (a new
 * family when absent, i.e. a login), in the body and as the `parley_rt` cookie.
 */
export async function sessionReply(
  db: Db,
  tokens: AccessTokens,
  subject: SessionSubject,
  options: { status?: number; familyId?: string } = {},
): Promise<Reply> {
  const { user, business, role } = subject;
  const refresh = await issueRefreshToken(db, {
    userId: user.id,
    businessId: business.id,
    ...(options.familyId ? { familyId: options.familyId } : {}),
  });
  const accessToken = await tokens.sign({
    userId: user.id,
    businessId: business.id,
    role,
    sessionId: refresh.familyId,
  });
  const body: SessionResponse = {
    accessToken,
    refreshToken: refresh.token,
    accessTokenExpiresAt: new Date(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000).toISOString(),
    user: toUserDto(user),
    business: { id: business.id, name: business.name },
    role,
  };
  return {
    status: options.status ?? 200,
    json: body,
    headers: { 'set-cookie': refreshCookie(refresh.token, refresh.expiresAt) },
  };
}
