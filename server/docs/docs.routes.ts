import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DOCS_ASSETS, docsContracts, type OpenApiDocument } from '../../shared/api/docs.contract';
import { AppError } from '../errors';
import { content, defineRoute, json, type Route } from '../http/route';
import { DOCS_INIT_JS, DOCS_PAGE_CSP, DOCS_PAGE_HTML } from './docs-page';
import { buildOpenApiDocument } from './openapi';

const require = createRequire(import.meta.url);
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const { version } = require('../../package.json') as { version: string };

const CACHEABLE = 'public, max-age=300';
const TYPES: Record<(typeof DOCS_ASSETS)[number], string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'docs.js': 'text/javascript; charset=utf-8',
};
const isAsset = (file: string): file is (typeof DOCS_ASSETS)[number] =>
  (DOCS_ASSETS as readonly string[]).includes(file);

/**
 * `GET /api/openapi.json`, generated from the contracts of `routes()` (every route the node
 * registers, these included) on first request, and the reference page that renders it.
 */
export function docsRoutes(deps: { routes: () => readonly Route[] }): Route[] {
  let document: { value: ReturnType<typeof buildOpenApiDocument>; etag: string } | null = null;
  const documentOf = () => {
    if (document) return document;
    const value = buildOpenApiDocument(
      deps.routes().map((r) => r.contract),
      { version },
    );
    const digest = createHash('sha256').update(JSON.stringify(value)).digest('base64url');
    document = { value, etag: `"${digest.slice(0, 27)}"` };
    return document;
  };
  const assets = new Map<string, Promise<string>>();
  const assetOf = (file: (typeof DOCS_ASSETS)[number]) => {
    let text = assets.get(file);
    if (!text) {
      text =
        file === 'docs.js'
          ? Promise.resolve(DOCS_INIT_JS)
          : readFile(join(SWAGGER_UI_DIR, file), 'utf8');
      assets.set(file, text);
    }
    return text;
  };

  return [
    defineRoute(docsContracts.openApi, (ctx) => {
      const { value, etag } = documentOf();
      if (ctx.headers.get('if-none-match') === etag) {
        return { status: 304 as const, headers: { 'cache-control': CACHEABLE, etag } };
      }
      // The library's types lack the open index signature the contract's loose schema has.
      return json(value as unknown as OpenApiDocument, 200, { 'cache-control': CACHEABLE, etag });
    }),
    defineRoute(docsContracts.page, () =>
      content(DOCS_PAGE_HTML, 'text/html; charset=utf-8', 200, {
        'cache-control': CACHEABLE,
        'content-security-policy': DOCS_PAGE_CSP,
      }),
    ),
    defineRoute(docsContracts.asset, async (ctx) => {
      const file = ctx.params.file;
      if (!isAsset(file)) throw new AppError('not_found');
      return content(await assetOf(file), TYPES[file], 200, { 'cache-control': CACHEABLE });
    }),
  ];
}
