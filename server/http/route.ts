import type { Logger } from 'pino';
import type { z } from 'zod';
import type {
  Access,
  HttpMethod,
  PathParams,
  RateLimitMode,
  RequestBodySpec,
  ResponseSpec,
  RouteContract,
} from '../../shared/api/contract';
import type { Role } from '../../shared/domain';

export type { Access, HttpMethod, PathParams, RateLimitMode } from '../../shared/api/contract';
export type BodySpec = RequestBodySpec;

export type BodyOf<S> = S extends { kind: 'json'; schema: infer Z extends z.ZodType }
  ? z.output<Z>
  : S extends { kind: 'raw' }
    ? Buffer
    : undefined;

export type QueryOf<Q> = Q extends z.ZodType ? z.output<Q> : Record<string, string>;

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

type Headers = Record<string, string>;
/** 200 is the default status, so a 200 reply may leave it out. */
type StatusOf<S extends number> = 200 extends S ? { status?: S } : { status: S };

/** The replies one declared status allows: its JSON, its other content types, or no body. */
type RepliesFor<S extends number, R extends ResponseSpec> =
  | (R extends { json: infer Z extends z.ZodType }
      ? StatusOf<S> & { json: z.input<Z>; headers?: Headers; body?: never }
      : never)
  | (R extends { content: object }
      ? StatusOf<S> & {
          body: string | Buffer;
          contentType: string;
          headers?: Headers;
          json?: never;
        }
      : never)
  | (R extends { json: z.ZodType }
      ? never
      : R extends { content: object }
        ? never
        : StatusOf<S> & { headers?: Headers; json?: never; body?: never });

/** Every reply a contract allows; a handler returning anything else does not compile. */
export type ReplyOf<C extends RouteContract> = {
  [S in keyof C['responses'] & number]: RepliesFor<S, C['responses'][S]>;
}[keyof C['responses'] & number];

export type ContextOf<C extends RouteContract> = RequestContext<
  PathParams<C['path']>,
  BodyOf<C['body']>,
  QueryOf<C['query']>,
  AuthOf<C['access']>
>;

export type Handler<C extends RouteContract> = (
  ctx: ContextOf<C>,
) => Promise<ReplyOf<C>> | ReplyOf<C>;

export interface Route {
  readonly contract: RouteContract;
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: Access;
  readonly body?: BodySpec;
  readonly query?: z.ZodType;
  readonly rateLimit?: RateLimitMode;
  readonly handler: (ctx: RequestContext<never, never, never, never>) => Promise<Reply> | Reply;
}

/**
 * Registers `handler` for a contract (shared/api): params, body and query are typed from it,
 * and the handler's replies are checked against its declared statuses and schemas.
 */
export function defineRoute<const C extends RouteContract>(
  contract: C,
  handler: Handler<C>,
): Route {
  return {
    contract,
    method: contract.method,
    path: contract.path,
    access: contract.access,
    ...(contract.body ? { body: contract.body } : {}),
    ...(contract.query ? { query: contract.query } : {}),
    ...(contract.rateLimit ? { rateLimit: contract.rateLimit } : {}),
    handler: handler as unknown as Route['handler'],
  };
}

export function json<T>(value: T): { status: 200; json: T };
export function json<T, const S extends number>(
  value: T,
  status: S,
  headers?: Headers,
): { status: S; json: T; headers?: Headers };
export function json(value: unknown, status = 200, headers?: Headers): Reply {
  return { status, json: value, ...(headers ? { headers } : {}) };
}

export const noContent = (headers?: Headers): { status: 204; headers?: Headers } =>
  headers ? { status: 204, headers } : { status: 204 };

/** A body that is not JSON: a PDF, a page, plain text. */
export function content(
  body: string | Buffer,
  contentType: string,
): { status: 200; body: string | Buffer; contentType: string };
export function content<const S extends number>(
  body: string | Buffer,
  contentType: string,
  status: S,
  headers?: Headers,
): { status: S; body: string | Buffer; contentType: string; headers?: Headers };
export function content(
  body: string | Buffer,
  contentType: string,
  status = 200,
  headers?: Headers,
): Reply {
  return { status, body, contentType, ...(headers ? { headers } : {}) };
}
