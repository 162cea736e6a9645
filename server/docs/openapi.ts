import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
} from 'zod-openapi';
import { API_TAGS, pathParamNames, type RouteContract } from '../../shared/api/contract';
import { sessionResponseSchema } from '../../shared/auth.schema';
import { invoiceSchema, orderSchema, productSchema } from '../../shared/commerce.schema';
import { conversationItemSchema, messageSchema } from '../../shared/conversations.schema';
import {
  DEFAULT_ERROR_MESSAGE,
  ERROR_CODES,
  errorIssueSchema,
  HTTP_STATUS,
  type ErrorCode,
} from '../../shared/errors';
import { integrationSchema } from '../../shared/settings.schema';

/**
 * The OpenAPI 3.1 document of the routes a node registers, built from their contracts: the
 * same schemas the server checks and the client parses with. Error answers come from the one
 * code → status table (shared/errors.ts).
 */

const ACCESS_TEXT = {
  public: 'Public.',
  member: 'Any member of the business.',
  admin: 'Owners and admins.',
  owner: 'The owner only.',
} as const;

const BINARY = new Set(['application/pdf']);

/** The errors the HTTP core itself answers for a route of this kind, plus the handler's own. */
export function errorCodesOf(contract: RouteContract): ErrorCode[] {
  const codes = new Set<ErrorCode>(contract.errors ?? []);
  if (contract.body || contract.query) codes.add('bad_request');
  if (contract.body) {
    codes.add('payload_too_large');
    codes.add('unsupported_media_type');
  }
  if (contract.access !== 'public' || contract.credentials) codes.add('unauthorized');
  if (contract.access === 'admin' || contract.access === 'owner') codes.add('forbidden');
  if (pathParamNames(contract.path).length > 0) codes.add('not_found');
  if ((contract.rateLimit ?? 'ip') !== 'none') codes.add('rate_limited');
  codes.add('internal');
  return ERROR_CODES.filter((c) => codes.has(c));
}

function errorResponses(contract: RouteContract) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(contract)) {
    const status = HTTP_STATUS[code];
    if (contract.responses[status]) continue;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: codes.map((c) => `\`${c}\`: ${DEFAULT_ERROR_MESSAGE[c]}`).join(' '),
        content: {
          'application/json': {
            schema: z.object({
              error: z.object({
                code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
                message: z.string(),
                issues: z.array(errorIssueSchema).optional(),
              }),
            }),
          },
        },
        ...(status === 429
          ? {
              headers: {
                'retry-after': { description: 'Seconds.', schema: { type: 'integer' as const } },
              },
            }
          : {}),
      },
    ]),
  );
}

const stringHeaders = (headers: RouteContract['headers']) =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, h]) => [
      name,
      { description: h.description, schema: { type: 'string' as const } },
    ]),
  );

function operationOf(contract: RouteContract): ZodOpenApiOperationObject {
  const params = pathParamNames(contract.path);
  const requestHeaders = Object.entries(contract.headers ?? {});
  const security: Record<string, string[]>[] =
    contract.access !== 'public'
      ? [{ bearerAuth: [] }]
      : contract.credentials === 'refresh-token'
        ? [{ refreshCookie: [] }, {}]
        : [];
  const responses = Object.fromEntries(
    Object.entries(contract.responses).map(([status, spec]) => {
      const content = {
        ...(spec.json ? { 'application/json': { schema: spec.json } } : {}),
        ...Object.fromEntries(
          Object.entries(spec.content ?? {}).map(([type, c]) => [
            type,
            {
              schema: {
                type: 'string' as const,
                ...(BINARY.has(type) ? { format: 'binary' } : {}),
                ...(c.description ? { description: c.description } : {}),
              },
            },
          ]),
        ),
      };
      return [
        status,
        {
          description: spec.description,
          ...(Object.keys(content).length > 0 ? { content } : {}),
          ...(spec.headers ? { headers: stringHeaders(spec.headers) } : {}),
        },
      ];
    }),
  );
  const body = contract.body;
  return {
    operationId: `${contract.method.toLowerCase()}${contract.path
      .split('/')
      .filter(Boolean)
      .map((s) =>
        s
          .replace(/^:/, 'by_')
          .replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string = '') => c.toUpperCase()),
      )
      .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
      .join('')}`,
    tags: [contract.tag],
    summary: contract.summary,
    description: [contract.description, `Access: ${ACCESS_TEXT[contract.access]}`]
      .filter(Boolean)
      .join('\n\n'),
    security,
    requestParams: {
      ...(params.length > 0
        ? { path: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) }
        : {}),
      ...(contract.query ? { query: contract.query as z.ZodObject } : {}),
      ...(requestHeaders.length > 0
        ? {
            header: z.object(
              Object.fromEntries(
                requestHeaders.map(([name, h]) => [
                  name,
                  h.required
                    ? z.string().describe(h.description)
                    : z.string().describe(h.description).optional(),
                ]),
              ),
            ),
          }
        : {}),
    },
    ...(body
      ? {
          requestBody: {
            required: body.kind === 'raw' || !body.schema.safeParse(undefined).success,
            content:
              body.kind === 'json'
                ? { 'application/json': { schema: body.schema } }
                : Object.fromEntries(
                    body.contentTypes.map((type) => [
                      type,
                      { schema: body.schema ?? { type: 'string' as const, format: 'binary' } },
                    ]),
                  ),
          },
        }
      : {}),
    responses: { ...responses, ...errorResponses(contract) },
  };
}

export interface OpenApiInfo {
  version: string;
}

export function buildOpenApiDocument(contracts: readonly RouteContract[], info: OpenApiInfo) {
  const paths: ZodOpenApiPathsObject = {};
  for (const contract of contracts) {
    const path = contract.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const item = (paths[path] ??= {});
    item[contract.method.toLowerCase() as 'get'] = operationOf(contract);
  }
  const tags = new Set(contracts.map((c) => c.tag));
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Parley API',
      version: info.version,
      description:
        'The REST API of a Parley node, generated from the route contracts in `shared/api`. Errors are `{"error": {code, message, issues?}}` with the status of their code. Money is integer minor units with an ISO 4217 code; dates are ISO 8601 strings.',
    },
    tags: Object.entries(API_TAGS)
      .filter(([name]) => tags.has(name as keyof typeof API_TAGS))
      .map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The access token of a session (`accessToken`), good for 15 minutes.',
        },
        refreshCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'parley_rt',
          description:
            'The HttpOnly refresh-token cookie a sign-in sets (Path=/api/auth); spent once per refresh.',
        },
      },
      // Named once, referenced wherever they appear.
      schemas: {
        Session: sessionResponseSchema,
        ConversationItem: conversationItemSchema,
        Message: messageSchema,
        Order: orderSchema,
        Invoice: invoiceSchema,
        Product: productSchema,
        Integration: integrationSchema,
      },
    },
    paths,
  });
}
