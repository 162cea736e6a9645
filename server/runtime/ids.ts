import { createHash } from 'node:crypto';

/** Fixed namespace for Parley's name-based UUIDs (RFC 4122 §4.3). */
const NAMESPACE = Buffer.from('6f1c2a9e4b7d4c5e8a3b9d0e1f2a3b4c', 'hex');

/**
 * A UUIDv5 of `name`: the same effect key always gives the same job or message id, which is
 * how a retried transition or a redelivered event de-duplicates.
 */
export function uuidFromName(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
