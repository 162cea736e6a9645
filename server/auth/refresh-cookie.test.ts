import { describe, expect, it } from 'vitest';
import { clearedRefreshCookie, readRefreshCookie, refreshCookie } from './refresh-cookie';

describe('refresh cookie', () => {
  it('is HttpOnly, Secure, SameSite=Strict and scoped to /api/auth', () => {
    const cookie = refreshCookie('abcDEF0123456789_-xyz', new Date(Date.now() + 60_000));
    expect(cookie).toMatch(/^parley_rt=abcDEF0123456789_-xyz; Max-Age=(59|60); /);
    for (const attr of ['Path=/api/auth', 'HttpOnly', 'Secure', 'SameSite=Strict']) {
      expect(cookie).toContain(attr);
    }
    expect(clearedRefreshCookie()).toContain('Max-Age=0');
  });

  it('reads the token among other cookies and ignores junk', () => {
    const token = 'A'.repeat(43);
    expect(readRefreshCookie(`theme=dark; parley_rt=${token}; x=1`)).toBe(token);
    expect(readRefreshCookie('parley_rt=short')).toBeUndefined();
    expect(readRefreshCookie('parley_rt=<script>aaaaaaaaaaaaaaaaaa')).toBeUndefined();
    expect(readRefreshCookie(undefined)).toBeUndefined();
  });
});
