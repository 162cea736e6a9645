import type { SessionResponse } from '../../shared/auth.schema';
import type { Role } from '../../shared/domain';
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
 * Whether a browser sent the request: browsers add `Sec-Fetch-Site` to every request and
 * `Origin` to every POST, and no script can remove either (forbidden header names). Node's
 * `fetch`, curl and mobile apps send neither.
 */
export function isBrowserRequest(headers: ReadonlyMap<string, string>): boolean {
  return headers.has('sec-fetch-site') || headers.has('origin');
}

/**
 * A signed-in answer: a fresh access token and the next refresh token of `familyId` (a new
 * family when absent, i.e. a login), as the HttpOnly `parley_rt` cookie. The token is in the
 * body as well only for clients that are not browsers: a script injected into the web app could
 * read a body (and `fetch('/api/auth/refresh')` sends the cookie), never the cookie itself
 * (security review L6).
 */
export async function sessionReply<const S extends 200 | 201>(
  db: Db,
  tokens: AccessTokens,
  subject: SessionSubject,
  options: { status: S; familyId?: string; browser: boolean },
): Promise<{ status: S; json: SessionResponse; headers: Record<string, string> }> {
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
    ...(options.browser ? {} : { refreshToken: refresh.token }),
    accessTokenExpiresAt: new Date(Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000).toISOString(),
    user: toUserDto(user),
    business: { id: business.id, name: business.name },
    role,
  };
  return {
    status: options.status,
    json: body,
    headers: { 'set-cookie': refreshCookie(refresh.token, refresh.expiresAt) },
  };
}
