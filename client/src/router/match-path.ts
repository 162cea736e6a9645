/**
 * `/settings/:section` against `/settings/team` → `{ section: 'team' }`; null when it does not
 * match. A trailing `*` matches the rest of the path (`/inbox/*`).
 */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = pathname.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    if (part === '*') {
      params['*'] = got.slice(i).join('/');
      return params;
    }
    const segment = got[i];
    if (segment === undefined) return null;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) {
      return null;
    }
  }
  return got.length === want.length ? params : null;
}

/**
 * Where to go after signing in: a same-origin path from `?next=`, never another site
 * (`//evil.example`, `/\\evil`, `https://…`) and never back to a sign-in page.
 */
export function safeNextPath(next: string | null | undefined, fallback = '/inbox'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) {
    return fallback;
  }
  if (/^\/(sign-in|register|accept-invitation)\b/.test(next)) return fallback;
  return next;
}
