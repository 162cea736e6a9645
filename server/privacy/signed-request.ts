import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Meta's `signed_request` (data-deletion and deauthorize callbacks): `<sig>.<payload>`, both
 * base64url. `sig` is HMAC-SHA256 with the app secret over the *encoded* payload string as
 * received (docs/wire-specs.md §3), compared in constant time; the decoded payload must name the
 * algorithm HMAC-SHA256.
 */
const payloadSchema = z
  .object({
    algorithm: z.string(),
    user_id: z.union([z.string(), z.number()]).transform(String).optional(),
    /** A page, on page-tab deauthorizations. */
    profile_id: z.union([z.string(), z.number()]).transform(String).optional(),
    issued_at: z.number().optional(),
    expires: z.number().optional(),
  })
  .loose();

export type SignedRequestPayload = z.output<typeof payloadSchema>;

export type SignedRequestResult =
  | { ok: true; payload: SignedRequestPayload }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'bad_algorithm' | 'bad_payload' };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function verifySignedRequest(signedRequest: string, appSecret: string): SignedRequestResult {
  const parts = signedRequest.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [sigPart, payloadPart] = parts as [string, string];
  if (!BASE64URL.test(sigPart) || !BASE64URL.test(payloadPart)) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = createHmac('sha256', appSecret).update(payloadPart, 'utf8').digest();
  const given = Buffer.from(sigPart, 'base64url');
  // timingSafeEqual throws on a length mismatch; the length of an HMAC is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'bad_payload' };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'bad_payload' };
  if (parsed.data.algorithm.toUpperCase() !== 'HMAC-SHA256') {
    return { ok: false, reason: 'bad_algorithm' };
  }
  return { ok: true, payload: parsed.data };
}

/** How Meta builds one; tests and the demo simulator use it to sign like Meta does. */
export function signSignedRequest(payload: Record<string, unknown>, appSecret: string): string {
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  const sig = createHmac('sha256', appSecret).update(encoded, 'utf8').digest('base64url');
  return `${sig}.${encoded}`;
}
