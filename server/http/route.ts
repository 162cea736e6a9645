import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Role } from '../../shared/domain';

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

/**
 * Who may call a route. `member` is any role of the business, `admin` is owner or admin,
 * `owner` the owner only. Checked by the HTTP core before the handler runs.
 */
export type Access = 'public' | 'member' | 'admin' | 'owner';

/** The caller of a non-public route, as of this request (the role is read from the database). */
export interface AuthContext {
  readonly userId: string;
  readonly businessId: string;
  readonly role: Role;
  /** The login (refresh-token family) the access token belongs to. */
  readonly sessionId: string;
}

/** Turns a bearer token into the caller, or throws `unauthorized`/`forbidden`. */
export interface Authenticator {
  authenticate(token: string | undefined, access: Exclude<Access, 'public'>): Promise<AuthContext>;
}

export type AuthOf<A extends Access> = A extends 'public' ? undefined : AuthContext;

export interface RequestContext<
  P = Record<string, string>,
  B = unknown,
  Q = unknown,
  A = AuthContext | undefined,
> {
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
  /** Set on every non-public route; the tenant of every query is `auth.businessId`. */
  readonly auth: A;
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
 * only when the handler rejects the signature (docs/api.md, "Conventions").
 */
export type RateLimitMode = 'ip' | 'signed' | 'none';

export interface Route {
  method: HttpMethod;
  path: string;
  access: Access;
  body?: BodySpec;
  query?: z.ZodType;
  rateLimit?: RateLimitMode;
  handler: (ctx: RequestContext<never, never, never, never>) => Promise<Reply> | Reply;
}

/**
 * Declares a route with its params, body and query typed from the pattern and the schemas.
 * `access` is required: a route is public only when it says so.
 */
export function defineRoute<
  const P extends string,
  const A extends Access,
  const S extends BodySpec | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(route: {
  method: HttpMethod;
  path: P;
  access: A;
  body?: S;
  query?: Q;
  rateLimit?: RateLimitMode;
  handler: (
    ctx: RequestContext<PathParams<P>, BodyOf<S>, QueryOf<Q>, AuthOf<A>>,
  ) => Promise<Reply> | Reply;
}): Route {
  return route as unknown as Route;
}

export const json = (value: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  json: value,
  ...(headers ? { headers } : {}),
});

export const noContent = (): Reply => ({ status: 204 });
