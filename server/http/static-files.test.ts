import { describe, expect, it } from 'vitest';
import { safeSegments, SPA_CONTENT_SECURITY_POLICY } from './static-files';

describe('static file paths', () => {
  it('decodes plain paths into segments', () => {
    expect(safeSegments('/')).toEqual([]);
    expect(safeSegments('/assets/index-3f2a9c1b.js')).toEqual(['assets', 'index-3f2a9c1b.js']);
    expect(safeSegments('/settings//team/')).toEqual(['settings', 'team']);
    expect(safeSegments('/a%20b')).toEqual(['a b']);
  });

  it('refuses every way out of the folder and every hidden file', () => {
    for (const path of [
      '/../package.json',
      '/assets/../../server/main.ts',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/..%5c..%5cpackage.json',
      '/assets/%2fetc%2fpasswd',
      '/index.html%00.js',
      '/./index.html',
      '/.env',
      '/assets/.secret',
      '/%E0%A4%A',
    ]) {
      expect(safeSegments(path), path).toBeNull();
    }
  });

  it('allows only the app’s own scripts and origin, data: and https: images', () => {
    expect(SPA_CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(SPA_CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(SPA_CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(SPA_CONTENT_SECURITY_POLICY).toContain("connect-src 'self' ws: wss:");
    expect(SPA_CONTENT_SECURITY_POLICY).toContain("img-src 'self' data: https:");
    expect(SPA_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});
