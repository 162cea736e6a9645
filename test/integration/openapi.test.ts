import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathParamNames } from '../../shared/api/contract';
import { allContracts } from '../../shared/api';
import { HTTP_STATUS } from '../../shared/errors';
import { errorCodesOf } from '../../server/docs/openapi';
import type { RunningNode } from '../../server/main';
import { request } from '../helpers/http';
import { createCluster, type Cluster } from '../helpers/test-node';

interface Operation {
  operationId: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: object }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
}

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('the OpenAPI document', () => {
  let cluster: Cluster;
  let node: RunningNode;
  let doc: Document;

  beforeAll(async () => {
    cluster = await createCluster('embedded');
    // The demo's stand-ins too: every route a node can register is in the document it serves.
    node = await cluster.start({ DEMO: '1', DEMO_RATE: '0' });
    const res = await request<Document>(node.url, '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    doc = res.body;
    const again = await request(node.url, '/api/openapi.json', {
      headers: { 'if-none-match': res.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });
  afterAll(() => cluster?.[Symbol.asyncDispose]());

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toBe('3.1.0');
  });

  it('has every registered route, with its request and response schemas', () => {
    const routes = node.app.routes;
    // Every contract is registered (this node has the demo on), and nothing else is.
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      allContracts()
        .map((c) => `${c.method} ${c.path}`)
        .sort(),
    );
    const operationIds = new Set<string>();
    for (const route of routes) {
      const where = `${route.method} ${route.path}`;
      const op = doc.paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(op, where).toBeDefined();
      if (!op) continue;
      expect(operationIds.has(op.operationId), `${where}: unique operationId`).toBe(false);
      operationIds.add(op.operationId);
      expect(op.tags, where).toEqual([route.contract.tag]);

      const params = op.parameters ?? [];
      for (const name of pathParamNames(route.path)) {
        expect(params, `${where}: path param ${name}`).toContainEqual(
          expect.objectContaining({ name, in: 'path' }),
        );
      }
      if (route.query) {
        expect(
          params.some((p) => p.in === 'query'),
          `${where}: query parameters`,
        ).toBe(true);
      }
      const body = route.body;
      if (body?.kind === 'json') {
        expect(op.requestBody?.content['application/json']?.schema, `${where}: body`).toBeTruthy();
      } else if (body?.kind === 'raw') {
        for (const type of body.contentTypes) {
          expect(op.requestBody?.content[type]?.schema, `${where}: ${type} body`).toBeTruthy();
        }
      } else {
        expect(op.requestBody, `${where}: no body`).toBeUndefined();
      }

      for (const [status, spec] of Object.entries(route.contract.responses)) {
        const response = op.responses[status];
        expect(response, `${where}: ${status}`).toBeDefined();
        if (spec.json) {
          expect(
            response?.content?.['application/json']?.schema,
            `${where}: ${status}`,
          ).toBeTruthy();
        }
        for (const type of Object.keys(spec.content ?? {})) {
          expect(response?.content?.[type], `${where}: ${status} ${type}`).toBeDefined();
        }
        if (!spec.json && !spec.content)
          expect(response?.content, `${where}: ${status}`).toBeUndefined();
      }
      // Errors with the status of their code, from the one table.
      for (const code of errorCodesOf(route.contract)) {
        const response = op.responses[String(HTTP_STATUS[code])];
        expect(response, `${where}: ${code}`).toBeDefined();
      }
      if (route.access === 'public') {
        expect(op.security, where).toEqual(
          route.contract.credentials ? [{ refreshCookie: [] }, {}] : [],
        );
      } else {
        expect(op.security, where).toEqual([{ bearerAuth: [] }]);
        expect(op.responses['401'], where).toBeDefined();
      }
    }
  });

  it('declares the bearer token and the refresh cookie', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http' },
      refreshCookie: { type: 'apiKey', in: 'cookie', name: 'parley_rt' },
    });
    expect(doc.paths['/api/auth/refresh']?.post?.security).toEqual([{ refreshCookie: [] }, {}]);
    expect(doc.paths['/api/products']?.get?.security).toEqual([{ bearerAuth: [] }]);
  });

  it('serves the reference page and its own assets under a policy without inline scripts', async () => {
    const page = await request<string>(node.url, '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(page.text).not.toMatch(/<script>(?!<\/script>)|https?:\/\//);
    for (const src of page.text.matchAll(/(?:src|href)="([^"]+)"/g)) {
      const asset = await request<string>(node.url, src[1] as string);
      expect(asset.status, src[1]).toBe(200);
      expect(asset.text.length, src[1]).toBeGreaterThan(10);
    }
    expect((await request(node.url, '/api/docs/package.json')).status).toBe(404);
    expect((await request(node.url, '/api/docs/..%2Fpackage.json')).status).toBe(404);
  });
});
