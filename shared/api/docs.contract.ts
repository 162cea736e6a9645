import { z } from 'zod';
import { defineContract } from './contract';

/** The OpenAPI 3.1 document itself (its schema is OpenAPI's, not restated here). */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;

export const DOCS_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'docs.js'] as const;

export const docsContracts = {
  openApi: defineContract({
    method: 'GET',
    path: '/api/openapi.json',
    access: 'public',
    tag: 'docs',
    summary: 'This API as an OpenAPI 3.1 document',
    responses: {
      200: {
        description: 'The document.',
        json: openApiDocumentSchema,
        headers: { etag: { description: 'Send it back as If-None-Match.' } },
      },
      304: { description: 'Not modified since the ETag sent.' },
    },
  }),
  page: defineContract({
    method: 'GET',
    path: '/api/docs',
    access: 'public',
    tag: 'docs',
    summary: 'The API reference, rendered (Swagger UI, served by the node)',
    responses: { 200: { description: 'The page.', content: { 'text/html': {} } } },
  }),
  asset: defineContract({
    method: 'GET',
    path: '/api/docs/:file',
    access: 'public',
    tag: 'docs',
    summary: 'The reference page’s scripts and styles',
    responses: {
      200: {
        description: `One of ${DOCS_ASSETS.join(', ')}.`,
        content: { 'text/css': {}, 'text/javascript': {} },
      },
    },
  }),
} as const;
