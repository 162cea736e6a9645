import type { z } from 'zod';
import type { ErrorCode } from '../errors';

/**
 * What one HTTP route takes and answers, declared once: the server registers its handler
 * against it, the OpenAPI document is generated from it, and the client calls through it.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route. `member` is any role of the business, `admin` is owner or admin,
 * `owner` the owner only. Checked by the HTTP core before the handler runs.
 */
export type Access = 'public' | 'member' | 'admin' | 'owner';

/** `default` is BODY_LIMIT_BYTES (2 MB), `upload` is UPLOAD_LIMIT_BYTES (10 MB). */
export type BodyLimit = 'default' | 'upload';

/**
 * How a route counts against the per-IP limit. `signed` routes (provider webhooks) are counted
 * only when the handler rejects the signature (api.md, Conventions).
 */
export type RateLimitMode = 'ip' | 'signed' | 'none';

export type RequestBodySpec =
  | { kind: 'json'; schema: z.ZodType; limit?: BodyLimit }
  /**
   * Bytes as received, for signature checks; `contentTypes` are matched without parameters.
   * `schema` says what the bytes hold, for the document: the handler parses them itself.
   */
  | { kind: 'raw'; contentTypes: readonly string[]; limit?: BodyLimit; schema?: z.ZodType };

export interface HeaderSpec {
  description: string;
  required?: boolean;
}

/**
 * One status of a route. `json` is an `application/json` body, checked against the schema;
 * `content` lists other bodies by content type (a PDF, a page, plain text); neither: no body.
 */
export interface ResponseSpec {
  description: string;
  json?: z.ZodType;
  content?: Readonly<Record<string, { description?: string }>>;
  headers?: Readonly<Record<string, HeaderSpec>>;
}

export const API_TAGS = {
  ops: 'Health, readiness and metrics',
  auth: 'Sign-up, sign-in, sessions, passwords and two-factor authentication',
  team: 'Members and invitations',
  conversations: 'The inbox and the agent’s commands',
  commerce: 'Catalog, orders and invoices',
  settings: 'Channel accounts, payment providers and AI settings',
  privacy: 'Export, erasure, consent and Meta’s privacy callbacks',
  audit: 'The audit log',
  analytics: 'Conversion and revenue',
  webhooks: 'Deliveries from Meta and the payment providers',
  docs: 'This document',
  demo: 'Stand-ins for Meta and Paystack, only when DEMO is on',
} as const;
export type ApiTag = keyof typeof API_TAGS;

export interface RouteContract {
  method: HttpMethod;
  path: string;
  access: Access;
  tag: ApiTag;
  summary: string;
  description?: string;
  body?: RequestBodySpec;
  /** Parsed from the query string's first values (a record of strings). */
  query?: z.ZodType;
  /** Request headers the route reads, beyond `Authorization`. */
  headers?: Readonly<Record<string, HeaderSpec>>;
  rateLimit?: RateLimitMode;
  /** Authenticated by the refresh token: the `parley_rt` cookie, or the body's `refreshToken`. */
  credentials?: 'refresh-token';
  responses: Readonly<Record<number, ResponseSpec>>;
  /**
   * Errors the handler throws beyond those the HTTP core answers for every route of its kind
   * (validation, authentication, role, missing row, size, type, rate limit, internal).
   */
  errors?: readonly ErrorCode[];
}

/** Keeps the literal types (path, access, statuses) that the server and the client read. */
export const defineContract = <const C extends RouteContract>(contract: C): C => contract;

/** `'/api/conversations/:id/messages'` → `{ id: string }`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, string>;

/** The names of a path's `:params`, in order. */
export const pathParamNames = (path: string): string[] =>
  path
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));

type StatusesOf<C extends RouteContract> = keyof C['responses'] & number;
type Success<S> = S extends number ? (`${S}` extends `2${string}` ? S : never) : never;

/** What a client sends: the JSON body's input type (`never` when the route takes none). */
export type BodyInputOf<C extends RouteContract> = C['body'] extends {
  kind: 'json';
  schema: infer Z extends z.ZodType;
}
  ? z.input<Z>
  : never;

export type QueryInputOf<C extends RouteContract> = C['query'] extends z.ZodType
  ? z.input<C['query']>
  : never;

type OutputOf<R> = R extends { json: infer Z extends z.ZodType } ? z.output<Z> : undefined;

/** What a successful call answers, parsed: the JSON of a 2xx status, `undefined` for none. */
export type ResponseOf<C extends RouteContract> = {
  [S in Success<StatusesOf<C>>]: OutputOf<C['responses'][S]>;
}[Success<StatusesOf<C>>];
