import { describe, expect, it } from 'vitest';
import { createClientIpResolver, normalizeIp } from './client-ip';

describe('createClientIpResolver', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(createClientIpResolver([])('10.0.0.5', '1.2.3.4')).toBe('10.0.0.5');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(createClientIpResolver(['10.0.0.0/8'])('192.0.2.1', '1.2.3.4')).toBe('192.0.2.1');
  });

  it('takes the right-most untrusted hop from a trusted proxy', () => {
    const resolve = createClientIpResolver(['10.0.0.0/8', '172.18.0.2']);
    expect(resolve('172.18.0.2', '6.6.6.6, 203.0.113.9, 10.1.1.1')).toBe('203.0.113.9');
    expect(resolve('::ffff:172.18.0.2', '203.0.113.9')).toBe('203.0.113.9');
  });

  it('falls back to the peer when the header holds no address', () => {
    expect(createClientIpResolver(['127.0.0.1'])('127.0.0.1', 'unknown, garbage')).toBe(
      '127.0.0.1',
    );
  });

  it('normalises IPv4-mapped IPv6 addresses', () => {
    expect(normalizeIp('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeIp('0000:0000:0000:0000:0000:ffff:7f00:0001')).toBe('127.0.0.1');
    expect(normalizeIp('::1')).toBe('::1');
  });
});
