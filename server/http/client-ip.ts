import { BlockList, isIP } from 'node:net';

/**
 * Resolves the client address. `X-Forwarded-For` is believed only when the TCP peer is a
 * configured proxy, and then only up to the first hop that is not itself a trusted proxy
 * (read right to left), so a client cannot spoof its address by sending the header.
 */
export function createClientIpResolver(
  trustedProxies: readonly string[],
): (peer: string, forwardedFor: string | undefined) => string {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(prefix), family);
  }
  const isTrusted = (ip: string) => {
    const family = isIP(ip);
    return family !== 0 && trusted.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };

  return (rawPeer, forwardedFor) => {
    const peer = normalizeIp(rawPeer);
    if (trustedProxies.length === 0 || !forwardedFor || !isTrusted(peer)) return peer;
    const hops = forwardedFor
      .split(',')
      .map((h) => normalizeIp(h.trim()))
      .filter((h) => isIP(h) !== 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] as string;
      if (!isTrusted(hop)) return hop;
    }
    return hops[0] ?? peer;
  };
}

/** `::ffff:10.0.0.1` → `10.0.0.1`; uWS reports IPv4 peers of a dual-stack socket that way. */
export function normalizeIp(ip: string): string {
  const lower = ip.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
  if (lower.startsWith('0000:0000:0000:0000:0000:ffff:')) {
    const hex = lower.slice(30).replace(':', '');
    if (/^[0-9a-f]{8}$/.test(hex)) {
      return [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
    }
  }
  return lower;
}
