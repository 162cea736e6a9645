import { createHash, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { ROLES, type Role } from '../../shared/domain';
import { AppError } from '../errors';

/** Access tokens live 60 minutes (docs/api.md, "Auth and accounts"). */
export const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
const ISSUER = 'parley';
const AUDIENCE = 'parley-api';

export interface AccessClaims {
  userId: string;
  businessId: string;
  role: Role;
  /** The login (refresh-token family) this token belongs to: revoking it ends the token too. */
  sessionId: string;
}

export interface AccessTokens {
  sign(claims: AccessClaims): Promise<string>;
  /** Throws `unauthorized` for anything but a valid, unexpired token signed by a ring key. */
  verify(token: string): Promise<AccessClaims>;
}

const claimsSchema = z.object({
  sub: z.uuid(),
  bid: z.uuid(),
  role: z.enum(ROLES),
  sid: z.uuid(),
});

/** A short, stable key id: lets a verifier pick the key without revealing anything about it. */
export function keyIdOf(secret: string): string {
  return createHash('sha256').update(`parley-jwt-kid:${secret}`).digest('base64url').slice(0, 12);
}

/**
 * HS256 access tokens under a key ring: `current` signs; `previous` secrets only verify, so a
 * rotated JWT_SECRET does not log everybody out. Only HS256 is accepted, so `alg: none` and
 * algorithm-confusion tokens fail before any key is used; an unknown `kid` fails too.
 */
export function createAccessTokens(options: {
  current: string;
  previous?: readonly string[];
  ttlSeconds?: number;
}): AccessTokens {
  const encoder = new TextEncoder();
  const currentKid = keyIdOf(options.current);
  const ring = new Map<string, Uint8Array>();
  for (const secret of [options.current, ...(options.previous ?? [])]) {
    ring.set(keyIdOf(secret), encoder.encode(secret));
  }
  const signingKey = ring.get(currentKid) as Uint8Array;
  const ttl = options.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS;

  return {
    sign(claims) {
      return new SignJWT({ bid: claims.businessId, role: claims.role, sid: claims.sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: currentKid })
        .setSubject(claims.userId)
        .setJti(randomUUID())
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttl}s`)
        .sign(signingKey);
    },
    async verify(token) {
      try {
        const header = decodeProtectedHeader(token);
        const key = typeof header.kid === 'string' ? ring.get(header.kid) : undefined;
        if (!key || header.alg !== 'HS256') throw new Error('unknown key or algorithm');
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ['exp', 'iat', 'sub'],
        });
        const claims = claimsSchema.parse(payload);
        return {
          userId: claims.sub,
          businessId: claims.bid,
          role: claims.role,
          sessionId: claims.sid,
        };
      } catch (err) {
        throw new AppError('unauthorized', {
          message: 'The access token is invalid or has expired.',
          cause: err,
        });
      }
    },
  };
}
