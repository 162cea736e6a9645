import { AppError } from '../errors';
import type { RateLimiter } from '../ports';
import type { Authenticator, AuthContext, BodySpec, Route } from './route';
import type { RouteMatch } from './router';
import { isScannerPath } from './scanner-paths';

/**
 * The HTTP core's checks, in the order a request meets them (docs/api.md, "Conventions"). The
 * first ones are synchronous and run inside the uWS callback, before a body byte is buffered;
 * the last two may wait (a shared rate limiter, the membership read) and run while the body
 * streams in. Each refuses with an AppError; `close` ends a connection whose body must not be
 * read.
 */

export interface Refusal {
  error: AppError;
  /** Close the connection: the client is a scanner, or its body is not wanted. */
  close?: boolean;
}

export interface Limits {
  bodyLimitBytes: number;
  uploadLimitBytes: number;
}

/** 1. Well-known probe paths (`/.env`, `/wp-admin`…) get a bare 404 and a closed connection. */
export function scannerGuard(path: string): Refusal | null {
  return isScannerPath(path) ? { error: new AppError('not_found'), close: true } : null;
}

/** 2. No route: a malformed path, a known path with another method, or nothing at all. */
export function matchGuard(match: RouteMatch): Refusal | null {
  switch (match.kind) {
    case 'found':
      return null;
    case 'bad_path':
      return { error: new AppError('bad_request', { message: 'The URL is not valid.' }) };
    case 'method_not_allowed':
      return {
        error: new AppError('method_not_allowed', { headers: { allow: match.allow.join(', ') } }),
      };
    case 'not_found':
      return { error: new AppError('not_found') };
  }
}

export const bodyLimitOf = (spec: BodySpec, limits: Limits) =>
  spec.limit === 'upload' ? limits.uploadLimitBytes : limits.bodyLimitBytes;

/** 3. A declared length over the route's cap is refused before anything is read. */
export function bodyLimitGuard(
  route: Route,
  headers: ReadonlyMap<string, string>,
  limits: Limits,
): Refusal | null {
  if (!route.body) return null;
  const declared = Number(headers.get('content-length') ?? '0');
  return declared > bodyLimitOf(route.body, limits)
    ? { error: new AppError('payload_too_large'), close: true }
    : null;
}

/** 4. The body's type must be one the route reads (parameters such as charset are ignored). */
export function contentTypeGuard(
  route: Route,
  headers: ReadonlyMap<string, string>,
): Refusal | null {
  const spec = route.body;
  if (!spec) return null;
  const type = (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const accepted = spec.kind === 'json' ? ['application/json'] : spec.contentTypes;
  if (accepted.includes(type)) return null;
  // No header and no body (e.g. a POST action without payload) is fine for JSON routes.
  if (type === '' && spec.kind === 'json') return null;
  return {
    error: new AppError('unsupported_media_type', {
      message: `Send the body as ${accepted.join(' or ')}.`,
    }),
  };
}

export function rateLimited(retryAfterMs: number): AppError {
  return new AppError('rate_limited', {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  });
}

/**
 * 5. The per-IP limit, shared across nodes. `signed` routes (provider webhooks) count only a
 * refused signature (see `signedRefusalGuard`), `none` routes are not counted.
 */
export async function rateLimitGuard(
  limiter: RateLimiter,
  route: Route,
  ip: string,
): Promise<Refusal | null> {
  if ((route.rateLimit ?? 'ip') !== 'ip') return null;
  const verdict = await limiter.hit(ip);
  return verdict.allowed ? null : { error: rateLimited(verdict.retryAfterMs) };
}

/** After a handler refused a signature on a `signed` route: that attempt counts. */
export async function signedRefusalGuard(
  limiter: RateLimiter,
  route: Route,
  ip: string,
  err: unknown,
): Promise<Refusal | null> {
  if (route.rateLimit !== 'signed') return null;
  if (!(err instanceof AppError) || err.code !== 'unauthorized') return null;
  const verdict = await limiter.hit(ip);
  return verdict.allowed ? null : { error: rateLimited(verdict.retryAfterMs) };
}

/**
 * 6. The caller of a non-public route, checked before its body is parsed: an anonymous caller
 * learns nothing from validation errors. Throws `unauthorized`/`forbidden`.
 */
export async function authenticateGuard(
  authenticator: Authenticator,
  route: Route,
  headers: ReadonlyMap<string, string>,
): Promise<AuthContext | undefined> {
  if (route.access === 'public') return undefined;
  return authenticator.authenticate(bearerToken(headers), route.access);
}

/** `Authorization: Bearer <token>`; anything else counts as no token. */
export function bearerToken(headers: ReadonlyMap<string, string>): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return match?.[1];
}
