import { describe, expect, it } from 'vitest';
import { isScannerPath } from './scanner-paths';

describe('isScannerPath', () => {
  it.each([
    '/.env',
    '/.env.production',
    '/.git/config',
    '/.git/HEAD',
    '/wp-admin/setup.php',
    '/wp-login.php',
    '/phpmyadmin/index.php',
    '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
    '/cgi-bin/luci',
    '/index.php',
    '/%2eenv',
    '/.aws/credentials',
    '/actuator/health',
  ])('blocks %s', (path) => expect(isScannerPath(path)).toBe(true));

  it.each([
    '/api/conversations',
    '/api/webhooks/meta',
    '/healthz',
    '/assets/index-3f2a.js',
    '/socket.io/',
    '/api/invoices/123.pdf',
    '/settings/environment',
  ])('lets %s through', (path) => expect(isScannerPath(path)).toBe(false));
});
