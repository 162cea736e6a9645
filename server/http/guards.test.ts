import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract, type RouteContract } from '../../shared/api/contract';
import { AppError } from '../errors';
import { createMemoryFabric } from '../fabric/fabric';
import {
  authenticateGuard,
  bearerToken,
  bodyLimitGuard,
  contentTypeGuard,
  matchGuard,
  rateLimitGuard,
  scannerGuard,
  signedRefusalGuard,
} from './guards';
import { defineRoute, json, type Authenticator } from './route';

const ok = { 200: { description: 'ok', json: z.object({}).loose() } } as const;
/** A probe route; the guards read only its declaration, never call its handler. */
const route = (extra: Partial<RouteContract> = {}) => ({
  ...defineRoute(
    defineContract({
      method: 'POST',
      path: '/api/probe',
      access: 'public',
      tag: 'ops',
      summary: 'probe',
      responses: ok,
    }),
    () => json({}),
  ),
  ...extra,
});
const jsonRoute = route({ body: { kind: 'json', schema: z.object({ n: z.number() }) } });
const rawRoute = route({
  body: { kind: 'raw', contentTypes: ['application/x-www-form-urlencoded'] },
});
const limits = { bodyLimitBytes: 100, uploadLimitBytes: 1000 };
const headers = (h: Record<string, string>) => new Map(Object.entries(h));
const codeOf = (r: { error: AppError } | null) => r?.error.code;

describe('HTTP guards, in order', () => {
  it('1. scanner: a probe path is a 404 on a closed connection; an API path passes', () => {
    expect(scannerGuard('/.env')).toMatchObject({ close: true });
    expect(codeOf(scannerGuard('/wp-login.php'))).toBe('not_found');
    expect(scannerGuard('/api/conversations')).toBeNull();
  });

  it('2. match: each miss has its own answer; 405 names the allowed methods', () => {
    expect(matchGuard({ kind: 'found', route: jsonRoute, params: {} })).toBeNull();
    expect(codeOf(matchGuard({ kind: 'bad_path' }))).toBe('bad_request');
    expect(codeOf(matchGuard({ kind: 'not_found' }))).toBe('not_found');
    const wrongMethod = matchGuard({ kind: 'method_not_allowed', allow: ['GET', 'POST'] });
    expect(wrongMethod?.error.code).toBe('method_not_allowed');
    expect(wrongMethod?.error.headers).toEqual({ allow: 'GET, POST' });
  });

  it('3. body limit: a declared length over the cap closes before reading; uploads get more', () => {
    expect(bodyLimitGuard(jsonRoute, headers({ 'content-length': '100' }), limits)).toBeNull();
    expect(bodyLimitGuard(jsonRoute, headers({ 'content-length': '101' }), limits)).toMatchObject({
      close: true,
    });
    const upload = route({ body: { kind: 'json', schema: z.object({}), limit: 'upload' } });
    expect(bodyLimitGuard(upload, headers({ 'content-length': '900' }), limits)).toBeNull();
    expect(bodyLimitGuard(route(), headers({ 'content-length': '9999' }), limits)).toBeNull();
  });

  it('4. content type: the route’s types, parameters ignored; JSON may come without a body', () => {
    const json = headers({ 'content-type': 'application/json; charset=utf-8' });
    expect(contentTypeGuard(jsonRoute, json)).toBeNull();
    expect(contentTypeGuard(jsonRoute, headers({}))).toBeNull();
    expect(codeOf(contentTypeGuard(jsonRoute, headers({ 'content-type': 'text/plain' })))).toBe(
      'unsupported_media_type',
    );
    expect(codeOf(contentTypeGuard(rawRoute, headers({})))).toBe('unsupported_media_type');
    expect(
      contentTypeGuard(rawRoute, headers({ 'content-type': 'application/x-www-form-urlencoded' })),
    ).toBeNull();
  });

  it('5. rate limit: counted per IP on ordinary routes, with retry-after when exceeded', async () => {
    const limiter = createMemoryFabric().rateLimiter({ name: 'ip', limit: 2, windowMs: 60_000 });
    expect(await rateLimitGuard(limiter, jsonRoute, '203.0.113.9')).toBeNull();
    expect(await rateLimitGuard(limiter, jsonRoute, '203.0.113.9')).toBeNull();
    const third = await rateLimitGuard(limiter, jsonRoute, '203.0.113.9');
    expect(third?.error.code).toBe('rate_limited');
    expect(Number(third?.error.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another client is not held back by this one.
    expect(await rateLimitGuard(limiter, jsonRoute, '198.51.100.1')).toBeNull();
  });

  it('5. rate limit: signed routes count only refused signatures; none routes never', async () => {
    const limiter = createMemoryFabric().rateLimiter({ name: 'ip', limit: 1, windowMs: 60_000 });
    const signed = route({ rateLimit: 'signed' });
    const free = route({ rateLimit: 'none' });
    for (let i = 0; i < 3; i++) {
      expect(await rateLimitGuard(limiter, signed, '192.0.2.1')).toBeNull();
      expect(await rateLimitGuard(limiter, free, '192.0.2.1')).toBeNull();
    }
    const badSignature = new AppError('unauthorized');
    expect(await signedRefusalGuard(limiter, signed, '192.0.2.1', badSignature)).toBeNull();
    expect(codeOf(await signedRefusalGuard(limiter, signed, '192.0.2.1', badSignature))).toBe(
      'rate_limited',
    );
    // Other failures of a signed route, and any failure of another route, are not counted here.
    expect(await signedRefusalGuard(limiter, signed, '192.0.2.1', new Error('x'))).toBeNull();
    expect(await signedRefusalGuard(limiter, jsonRoute, '192.0.2.1', badSignature)).toBeNull();
  });

  it('6. authenticate: public routes ask nobody; others hand over the bearer token', async () => {
    const seen: (string | undefined)[] = [];
    const authenticator: Authenticator = {
      authenticate(token) {
        seen.push(token);
        if (!token) throw new AppError('unauthorized');
        return Promise.resolve({ userId: 'u', businessId: 'b', role: 'agent', sessionId: 's' });
      },
    };
    expect(await authenticateGuard(authenticator, jsonRoute, headers({}))).toBeUndefined();
    expect(seen).toEqual([]);
    const member = route({ access: 'member' });
    await expect(authenticateGuard(authenticator, member, headers({}))).rejects.toThrow(AppError);
    const auth = await authenticateGuard(
      authenticator,
      member,
      headers({ authorization: 'Bearer abc.def' }),
    );
    expect(auth?.userId).toBe('u');
    expect(seen).toEqual([undefined, 'abc.def']);
  });

  it('reads only a well-formed bearer token', () => {
    expect(bearerToken(headers({ authorization: 'bearer t0k ' }))).toBe('t0k');
    expect(bearerToken(headers({ authorization: 'Basic dXNlcg==' }))).toBeUndefined();
    expect(bearerToken(headers({ authorization: 'Bearer a b' }))).toBeUndefined();
    expect(bearerToken(headers({}))).toBeUndefined();
  });
});
