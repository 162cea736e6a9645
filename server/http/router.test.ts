import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract, type HttpMethod } from '../../shared/api/contract';
import { defineRoute, json } from './route';
import { createRouter } from './router';

const route = (method: HttpMethod, path: string) =>
  defineRoute(
    defineContract({
      method,
      path,
      access: 'public',
      tag: 'ops',
      summary: 'probe',
      responses: { 200: { description: 'ok', json: z.object({}) } },
    }),
    () => json({}),
  );
const router = createRouter([
  route('GET', '/api/orders/:id'),
  route('GET', '/api/orders/export'),
  route('POST', '/api/conversations/:id/claim'),
  route('PATCH', '/api/orders/:id'),
]);

describe('createRouter', () => {
  it('matches params and decodes them', () => {
    expect(router.match('POST', '/api/conversations/c%2F1/claim')).toMatchObject({
      kind: 'found',
      params: { id: 'c/1' },
    });
  });

  it('prefers a literal segment over a param', () => {
    const m = router.match('GET', '/api/orders/export');
    expect(m.kind === 'found' && m.route.path).toBe('/api/orders/export');
  });

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('DELETE', '/api/orders/1')).toEqual({
      kind: 'method_not_allowed',
      allow: ['GET', 'PATCH'],
    });
    expect(router.match('GET', '/api/orders/1/extra')).toEqual({ kind: 'not_found' });
    expect(router.match('GET', '/api/orders/%E0%A4%A')).toEqual({ kind: 'bad_path' });
  });

  it('tolerates a trailing slash', () => {
    expect(router.match('GET', '/api/orders/7/').kind).toBe('found');
  });

  it('refuses two routes with the same shape', () => {
    expect(() => createRouter([route('GET', '/a/:x'), route('GET', '/a/:y')])).toThrow(
      /Duplicate route/,
    );
  });
});
