import { describe, expect, it } from 'vitest';
import { defineRoute, json } from './route';
import { createRouter } from './router';

const ok = () => json({});
const router = createRouter([
  defineRoute({ method: 'GET', path: '/api/orders/:id', access: 'public', handler: ok }),
  defineRoute({ method: 'GET', path: '/api/orders/export', access: 'public', handler: ok }),
  defineRoute({
    method: 'POST',
    path: '/api/conversations/:id/claim',
    access: 'public',
    handler: ok,
  }),
  defineRoute({ method: 'PATCH', path: '/api/orders/:id', access: 'public', handler: ok }),
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
    expect(() =>
      createRouter([
        defineRoute({ method: 'GET', path: '/a/:x', access: 'public', handler: ok }),
        defineRoute({ method: 'GET', path: '/a/:y', access: 'public', handler: ok }),
      ]),
    ).toThrow(/Duplicate route/);
  });
});
