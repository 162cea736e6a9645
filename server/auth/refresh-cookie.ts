/**
 * The web client keeps its refresh token in this cookie: HttpOnly (no script reads it), Secure,
 * SameSite=Strict (no cross-site request carries it) and scoped to /api/auth, the only routes
 * that read it.
 */
export const REFRESH_COOKIE = 'parley_rt';
const ATTRIBUTES = 'Path=/api/auth; HttpOnly; Secure; SameSite=Strict';

export function refreshCookie(token: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${REFRESH_COOKIE}=${token}; Max-Age=${maxAge}; ${ATTRIBUTES}`;
}

export function clearedRefreshCookie(): string {
  return `${REFRESH_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;
}

/** The token from a `Cookie` header, if it carries a plausible one. */
export function readRefreshCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== REFRESH_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]{16,256}$/.test(value)) return value;
  }
  return undefined;
}
