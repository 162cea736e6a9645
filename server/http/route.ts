import type { Logger } from 'pino';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `'/api/conversations/:id/messages'` → `{ id: string }`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, string>;

/** `default` is BODY_LIMIT_BYTES (2 MB), `upload` is UPLOAD_LIMIT_BYTES (10 MB). */
export type BodyLimit = 'default' | 'upload';

export type BodySpec =
  | { kind: 'json'; schema: z.ZodType; limit?: BodyLimit }
  /** Bytes as received, for signature checks; `contentTypes` are matched without parameters. */
  | { kind: 'raw'; contentTypes: readonly string[]; limit?: BodyLimit };

export type BodyOf<S> = S extends { kind: 'json'; schema: infer Z extends z.ZodType }
  ? z.output<Z>
  : S extends { kind: 'raw' }
    ? Buffer
    : undefined;

export type QueryOf<Q> = Q extends z.ZodType ? z.output<Q> : Record<string, string>;

export interface RequestContext<P = Record<string, string>, B = unknown, Q = unknown> {
  readonly method: HttpMethod;
  readonly path: string;
  /** The route pattern, e.g. `/api/conversations/:id`; metrics label by it. */
  readonly route: string;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** Lower-case header names, as received. */
  readonly headers: ReadonlyMap<string, string>;
  /** The client's address: the peer, or the X-Forwarded-For hop a trusted proxy vouches for. */
  readonly ip: string;
  readonly requestId: string;
  readonly log: Logger;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON; mutually exclusive with `body`. */
  json?: unknown;
  body?: string | Buffer;
  contentType?: string;
}

/**
 * How a route counts against the per-IP limit. `signed` routes (provider webhooks) are counted
 * only when the handler rejects the signature (api.md, Conventions).
 */
export type RateLimitMode = 'ip' | 'signed' | 'none';

export interface Route {
  method: HttpMethod;
  path: string;
  body?: BodySpec;
  query?: z.ZodType;
  rateLimit?: RateLimitMode;
  handler: (ctx: RequestContext<never, never, never>) => Promise<Reply> | Reply;
}

/** Declares a route with its params, body and query typed from the pattern and the schemas. */
export function defineRoute<
  const P extends string,
  const S extends BodySpec | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(route: {
  method: HttpMethod;
  path: P;
  body?: S;
  query?: Q;
  rateLimit?: RateLimitMode;
  handler: (ctx: RequestContext<PathParams<P>, BodyOf<S>, QueryOf<Q>>) => Promise<Reply> | Reply;
}): Route {
  return route as unknown as Route;
}

export const json = (value: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  json: value,
  ...(headers ? { headers } : {}),
});

export const noContent = (): Reply => ({ status: 204 });
