import type { z } from 'zod';
import { authContracts } from '../../../shared/api/auth.contract';
import type {
  BodyInputOf,
  PathParams,
  QueryInputOf,
  ResponseOf,
  RouteContract,
} from '../../../shared/api/contract';
import { sessionResponseSchema, type SessionResponse } from '../../../shared/auth.schema';
import { errorBodySchema } from '../../../shared/errors';
import { ApiError, invalidResponse, networkError, toApiError } from './api-error';

/**
 * The one way the app talks to the API. The access token lives in this closure only (never in
 * storage a script could read later); the refresh token is the HttpOnly `parley_rt` cookie,
 * which only `/api/auth/*` receives. A 401 refreshes once and retries; concurrent 401s share
 * one refresh; a timer refreshes shortly before the access token expires.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions<S extends z.ZodType | undefined> {
  method?: HttpMethod;
  /** Sent as JSON. */
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  /** Parses the response; leave out for 202/204 answers whose body is not used. */
  schema?: S;
  /** `false` for the sign-in calls: no bearer token, and a 401 is an answer, not an expiry. */
  auth?: boolean;
  signal?: AbortSignal;
  /** Extra request headers (`Idempotency-Key`). */
  headers?: Record<string, string>;
}

type ParamsField<C extends RouteContract> = keyof PathParams<C['path']> extends never
  ? { params?: undefined }
  : { params: PathParams<C['path']> };
type BodyField<C extends RouteContract> = C['body'] extends { kind: 'json' }
  ? undefined extends BodyInputOf<C>
    ? { body?: BodyInputOf<C> }
    : { body: BodyInputOf<C> }
  : { body?: undefined };
type QueryField<C extends RouteContract> = C['query'] extends z.ZodType
  ? { query?: QueryInputOf<C> & Record<string, unknown> }
  : { query?: undefined };

/** What a call to a route sends: its path's params, its query and its JSON body, typed by it. */
export type CallInput<C extends RouteContract> = ParamsField<C> &
  BodyField<C> &
  QueryField<C> & {
    signal?: AbortSignal;
    /** Extra request headers (`Idempotency-Key`). */
    headers?: Record<string, string>;
  };

/** The input is optional when nothing in it is required. */
export type CallArgs<C extends RouteContract> =
  Record<never, never> extends CallInput<C> ? [input?: CallInput<C>] : [input: CallInput<C>];

/** `/api/team/:userId` with `{ userId: 'a/b' }` → `/api/team/a%2Fb`. */
export function pathOf(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path param ${name} for ${path}`);
    return encodeURIComponent(value);
  });
}

export type SessionListener = (session: SessionResponse | null) => void;

export interface ApiClientOptions {
  fetch?: typeof fetch;
  baseUrl?: string;
  now?: () => number;
  /** Runs `fn` after `ms`; returns a cancel function. Tests drive time through it. */
  schedule?: (fn: () => void, ms: number) => () => void;
  /**
   * Serialises refreshes across tabs: each refresh token works once, and two tabs spending the
   * same cookie at once would look like theft and end the login (the browser wires Web Locks).
   */
  withRefreshLock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** How long before expiry the timer refreshes. */
  refreshLeadMs?: number;
}

export interface ApiClient {
  request<S extends z.ZodType>(
    path: string,
    options: RequestOptions<S> & { schema: S },
  ): Promise<z.output<S>>;
  request(path: string, options?: RequestOptions<undefined>): Promise<void>;
  /**
   * Calls a route by its contract (shared/api): the path with its params, the query and body
   * it takes, and the answer parsed with the schema declared for the status that came back.
   * Public routes go without the bearer token, and their 401 is an answer, not an expiry.
   */
  call<C extends RouteContract>(contract: C, ...args: CallArgs<C>): Promise<ResponseOf<C>>;
  /** The raw response of an authenticated GET (downloads). */
  fetchRaw<C extends RouteContract>(contract: C, ...args: CallArgs<C>): Promise<Response>;
  /** Adopts the session a sign-in call answered (its refresh token stays in the cookie). */
  startSession(session: SessionResponse): void;
  /** A new access token from the cookie, or null when there is no valid login. Single-flight. */
  refresh(): Promise<SessionResponse | null>;
  /** Ends the login on the server (best effort) and forgets the access token. */
  signOut(): Promise<void>;
  /** Forgets the access token without calling the server (the account is gone, say). */
  forget(): void;
  /** Called with every new session, and with null when the login ends. */
  subscribe(listener: SessionListener): () => void;
  readonly accessToken: string | null;
}

const defaultSchedule = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

/** The longest a timer may wait (setTimeout overflows past 2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const RETRY_REFRESH_MS = 30_000;

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const baseUrl = options.baseUrl ?? '';
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? defaultSchedule;
  const withLock = options.withRefreshLock ?? ((fn) => fn());
  const leadMs = options.refreshLeadMs ?? 60_000;
  const listeners = new Set<SessionListener>();

  let accessToken: string | null = null;
  let cancelTimer: (() => void) | null = null;
  let refreshing: Promise<SessionResponse | null> | null = null;

  const emit = (session: SessionResponse | null) => {
    for (const listener of [...listeners]) listener(session);
  };

  function armTimer(delayMs: number) {
    cancelTimer?.();
    cancelTimer = schedule(
      () => {
        cancelTimer = null;
        // A failure other than "signed out" retries later; the 401 path covers the gap.
        refresh().catch(() => armTimer(RETRY_REFRESH_MS));
      },
      Math.min(MAX_TIMER_MS, Math.max(0, delayMs)),
    );
  }

  function adopt(session: SessionResponse) {
    accessToken = session.accessToken;
    const expiresAt = Date.parse(session.accessTokenExpiresAt);
    if (!Number.isNaN(expiresAt)) armTimer(expiresAt - now() - leadMs);
    emit(session);
  }

  function end() {
    const hadSession = accessToken !== null;
    accessToken = null;
    cancelTimer?.();
    cancelTimer = null;
    if (hadSession) emit(null);
  }

  async function post(path: string, body: unknown): Promise<Response> {
    try {
      return await doFetch(`${baseUrl}${path}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      throw networkError();
    }
  }

  async function refreshOnce(): Promise<SessionResponse | null> {
    const res = await withLock(() => post(authContracts.refresh.path, {}));
    if (res.status === 401) {
      end();
      return null;
    }
    if (!res.ok) throw await toApiError(res);
    const parsed = sessionResponseSchema.safeParse(await res.json().catch(() => null));
    if (!parsed.success) throw invalidResponse(res.status);
    adopt(parsed.data);
    return parsed.data;
  }

  function refresh(): Promise<SessionResponse | null> {
    refreshing ??= refreshOnce().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function send(path: string, init: RequestInit, token: string | null): Promise<Response> {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    try {
      return await doFetch(`${baseUrl}${path}`, {
        ...init,
        headers,
        credentials: 'same-origin',
      });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw networkError();
    }
  }

  /** True when a 401 says the token is no good (not that a second factor is missing). */
  async function isExpiry(res: Response): Promise<boolean> {
    if (res.status !== 401) return false;
    const body = errorBodySchema.safeParse(
      await res
        .clone()
        .json()
        .catch(() => null),
    );
    return !body.success || body.data.error.code === 'unauthorized';
  }

  /** Sends with the current token; on expiry refreshes (shared) and tries once more. */
  async function authorised(path: string, init: RequestInit): Promise<Response> {
    const token = accessToken ?? (await refresh())?.accessToken ?? null;
    if (!token) throw new ApiError('unauthorized', 401, '');
    const first = await send(path, init, token);
    if (!(await isExpiry(first))) return first;
    // Another call may have refreshed while this one was in flight: use its token.
    const next =
      accessToken && accessToken !== token ? accessToken : (await refresh())?.accessToken;
    if (!next) throw new ApiError('unauthorized', 401, '');
    const second = await send(path, init, next);
    if (await isExpiry(second)) {
      end();
      throw await toApiError(second);
    }
    return second;
  }

  function buildPath(path: string, query: RequestOptions<undefined>['query']): string {
    if (!query) return path;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  }

  async function request(
    path: string,
    opts: RequestOptions<z.ZodType | undefined> = {},
  ): Promise<unknown> {
    const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
    const init: RequestInit = { method };
    if (opts.signal) init.signal = opts.signal;
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(opts.body);
    }
    if (Object.keys(headers).length > 0) init.headers = headers;
    const url = buildPath(path, opts.query);
    const res = opts.auth === false ? await send(url, init, null) : await authorised(url, init);
    if (!res.ok) throw await toApiError(res);
    if (!opts.schema) return undefined;
    const parsed = opts.schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw invalidResponse(res.status);
    return parsed.data;
  }

  async function call(contract: RouteContract, input: CallInput<RouteContract> = {}) {
    const url = buildPath(
      pathOf(contract.path, input.params),
      input.query as RequestOptions<undefined>['query'],
    );
    const init: RequestInit = { method: contract.method };
    if (input.signal) init.signal = input.signal;
    const headers: Record<string, string> = { ...input.headers };
    if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(input.body);
    }
    if (Object.keys(headers).length > 0) init.headers = headers;
    const res =
      contract.access === 'public' ? await send(url, init, null) : await authorised(url, init);
    if (!res.ok) throw await toApiError(res);
    const spec = contract.responses[res.status];
    // A success the contract does not declare is as wrong as a body that does not parse.
    if (!spec) throw invalidResponse(res.status);
    if (!spec.json) return undefined;
    const parsed = spec.json.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw invalidResponse(res.status);
    return parsed.data;
  }

  return {
    request: request as ApiClient['request'],
    call: call as ApiClient['call'],
    fetchRaw: (async (contract: RouteContract, input: CallInput<RouteContract> = {}) => {
      const res = await authorised(pathOf(contract.path, input.params), { method: 'GET' });
      if (!res.ok) throw await toApiError(res);
      return res;
    }) as ApiClient['fetchRaw'],
    startSession: adopt,
    refresh,
    async signOut() {
      try {
        await post(authContracts.logout.path, {});
      } catch {
        // Offline: the cookie is cleared by the next successful logout or expires on its own.
      } finally {
        end();
      }
    },
    forget: end,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get accessToken() {
      return accessToken;
    },
  };
}
