import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import uws from 'uWebSockets.js';
import type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import { AppError, toAppError, toErrorBody } from '../errors';
import type { Metrics } from '../metrics';
import type { RateLimiter } from '../ports';
import { collectBody } from './body';
import { createClientIpResolver } from './client-ip';
import { parseBody, parseQuery } from './parse';
import { replyProblem } from './reply-check';
import type {
  Authenticator,
  AuthContext,
  BodySpec,
  HttpMethod,
  Reply,
  RequestContext,
  Route,
} from './route';
import { createRouter } from './router';
import { isScannerPath } from './scanner-paths';
import { securityHeaders } from './security-headers';
import type { StaticFiles } from './static-files';

export interface HttpAppOptions {
  log: Logger;
  metrics: Metrics;
  /** Per-client-IP limit for everything except `rateLimit: 'none'` routes. */
  ipLimiter: RateLimiter;
  routes: readonly Route[];
  /** Resolves the caller of every non-public route before its body is read. */
  authenticator: Authenticator;
  trustedProxies: readonly string[];
  publicUrl: string | undefined;
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** Parse each reply with its contract's response schema; a mismatch is a 500 (not production). */
  checkReplies?: boolean;
  /** The built web app, for GET paths no route claims (single-node mode). */
  staticFiles?: StaticFiles;
}

export interface HttpApp {
  /** The uWS app, for socket.io's `attachApp` and static files. */
  readonly app: TemplatedApp;
  /** Listens; resolves to the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting connections; requests already received carry on. */
  stopListening(): void;
  /** Resolves true once no request is in flight, false if `timeoutMs` passed first. */
  drain(timeoutMs: number): Promise<boolean>;
  readonly inFlight: number;
}

/** One request/response pair; uWS forbids touching `res` after abort or end. */
interface Exchange {
  readonly res: HttpResponse;
  aborted: boolean;
  done: boolean;
  onAbort: (() => void) | undefined;
}

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics', 'static']);

export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { log, metrics } = options;
  const app = uws.App();
  const router = createRouter(options.routes);
  const clientIp = createClientIpResolver(options.trustedProxies);
  const baseHeaders = securityHeaders(options.publicUrl);
  let listenSocket: us_listen_socket | null = null;
  let inFlight = 0;
  let draining = false;
  const idleWaiters = new Set<() => void>();

  const limitOf = (spec: BodySpec) =>
    spec.limit === 'upload' ? options.uploadLimitBytes : options.bodyLimitBytes;

  function send(
    ex: Exchange,
    status: number,
    headers: Record<string, string>,
    body: string | Buffer,
    close = false,
  ) {
    if (ex.aborted || ex.done) return;
    ex.done = true;
    ex.res.cork(() => {
      ex.res.writeStatus(`${status} ${STATUS_CODES[status] ?? ''}`);
      for (const [name, value] of Object.entries({ ...baseHeaders, ...headers })) {
        ex.res.writeHeader(name, value);
      }
      // While draining, tell keep-alive clients to reconnect (to another node).
      ex.res.end(body, close || draining);
    });
  }

  function sendReply(ex: Exchange, reply: Reply, requestId: string) {
    const headers: Record<string, string> = {
      'cache-control': 'no-store',
      'x-request-id': requestId,
      ...reply.headers,
    };
    if (reply.json !== undefined) {
      headers['content-type'] = 'application/json; charset=utf-8';
      send(ex, reply.status ?? 200, headers, JSON.stringify(reply.json));
    } else {
      if (reply.contentType) headers['content-type'] = reply.contentType;
      send(ex, reply.status ?? 200, headers, reply.body ?? '');
    }
  }

  function sendError(ex: Exchange, err: AppError, requestId: string, close = false) {
    const headers = {
      'cache-control': 'no-store',
      'x-request-id': requestId,
      'content-type': 'application/json; charset=utf-8',
      ...err.headers,
    };
    send(ex, err.status, headers, JSON.stringify(toErrorBody(err)), close);
  }

  async function handle(
    ex: Exchange,
    method: HttpMethod,
    path: string,
    rawQuery: string,
    headers: Map<string, string>,
    ip: string,
    requestId: string,
    route: Route,
    params: Record<string, string>,
    body: Promise<Buffer> | null,
  ): Promise<number> {
    const reqLog = log.child({ requestId });
    const mode = route.rateLimit ?? 'ip';
    if (mode === 'ip') {
      const verdict = await options.ipLimiter.hit(ip);
      if (!verdict.allowed) throw rateLimitError(verdict.retryAfterMs);
    }
    // Before the body: an anonymous caller learns nothing from validation errors.
    let auth: AuthContext | undefined;
    if (route.access !== 'public') {
      auth = await options.authenticator.authenticate(bearerToken(headers), route.access);
    }
    const raw = body ? await body : Buffer.alloc(0);
    const ctx: RequestContext = {
      method,
      path,
      route: route.path,
      params,
      query: parseQuery(route.query, rawQuery),
      body: route.body ? parseBody(route.body, raw) : undefined,
      headers,
      ip,
      requestId,
      log: auth ? reqLog.child({ userId: auth.userId, businessId: auth.businessId }) : reqLog,
      auth,
    };
    try {
      const reply = await route.handler(ctx as RequestContext<never, never, never, never>);
      if (options.checkReplies) {
        const problem = replyProblem(route.contract, reply);
        if (problem) {
          reqLog.error(
            { event: 'http.contract_violation', route: route.path, status: reply.status, problem },
            'the reply does not match the route contract',
          );
          throw new AppError('internal');
        }
      }
      if (!ex.aborted) sendReply(ex, reply, requestId);
      return reply.status ?? 200;
    } catch (err) {
      // A failed signature counts against the limit even on signed routes (docs/api.md,
      // "Conventions").
      if (mode === 'signed' && err instanceof AppError && err.code === 'unauthorized') {
        const verdict = await options.ipLimiter.hit(ip);
        if (!verdict.allowed) throw rateLimitError(verdict.retryAfterMs);
      }
      throw err;
    }
  }

  function rateLimitError(retryAfterMs: number) {
    metrics.rateLimited.inc();
    return new AppError('rate_limited', {
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
    });
  }

  function finish(
    ex: Exchange,
    method: string,
    routeLabel: string,
    status: number,
    started: number,
    requestId: string,
    ip: string,
  ) {
    const seconds = (performance.now() - started) / 1000;
    metrics.httpRequests.inc({ method, route: routeLabel, status: String(status) });
    metrics.httpDuration.observe({ method, route: routeLabel }, seconds);
    const level = QUIET_ROUTES.has(routeLabel) ? 'debug' : 'info';
    log[level](
      {
        event: 'http.request',
        requestId,
        method,
        route: routeLabel,
        status,
        ms: Math.round(seconds * 1000),
        ip,
        aborted: ex.aborted || undefined,
      },
      'request',
    );
    inFlight--;
    if (inFlight === 0) for (const wake of idleWaiters) wake();
  }

  app.any('/*', (res: HttpResponse, req: HttpRequest) => {
    // Everything from `req` must be read now: it is stack-allocated and gone after this callback.
    const started = performance.now();
    const method = req.getMethod().toUpperCase();
    const path = req.getUrl();
    const rawQuery = req.getQuery() ?? '';
    const headers = new Map<string, string>();
    req.forEach((k, v) => headers.set(k, v));
    const peer = Buffer.from(res.getRemoteAddressAsText()).toString();
    const ip = clientIp(peer, headers.get('x-forwarded-for'));
    const requestId = pickRequestId(headers.get('x-request-id'));

    const ex: Exchange = { res, aborted: false, done: false, onAbort: undefined };
    res.onAborted(() => {
      ex.aborted = true;
      ex.onAbort?.();
    });
    inFlight++;

    let routeLabel = 'unmatched';
    const fail = (err: AppError, close = false) => {
      sendError(ex, err, requestId, close);
      finish(ex, method, routeLabel, err.status, started, requestId, ip);
    };

    if (isScannerPath(path)) {
      metrics.scannerBlocked.inc();
      routeLabel = 'scanner';
      return fail(new AppError('not_found'), true);
    }
    const match = METHODS.has(method)
      ? router.match(method, path)
      : ({ kind: 'not_found' } as const);
    // Misses count against the limit too, or probing for routes would be free.
    const miss = (err: AppError) =>
      options.ipLimiter.hit(ip).then(
        (verdict) => fail(verdict.allowed ? err : rateLimitError(verdict.retryAfterMs)),
        () => fail(err),
      );
    if (match.kind === 'not_found' && method === 'GET' && options.staticFiles) {
      // The web app's files and client-side routes are not counted, as nginx serves them
      // without asking a node in the full deployment; everything else it declines is a miss.
      options.staticFiles.serve(path, headers).then(
        (reply) => {
          if (!reply) return miss(new AppError('not_found'));
          routeLabel = 'static';
          sendReply(ex, reply, requestId);
          finish(ex, method, routeLabel, reply.status ?? 200, started, requestId, ip);
        },
        (err: unknown) => {
          log.error({ event: 'http.static_failed', requestId, err }, 'static file failed');
          fail(toAppError(err));
        },
      );
      return;
    }
    if (match.kind !== 'found') {
      const err =
        match.kind === 'bad_path'
          ? new AppError('bad_request', { message: 'The URL is not valid.' })
          : match.kind === 'method_not_allowed'
            ? new AppError('method_not_allowed', { headers: { allow: match.allow.join(', ') } })
            : new AppError('not_found');
      void miss(err);
      return;
    }
    const { route, params } = match;
    routeLabel = route.path;

    // Cheap refusals before a single body byte is buffered.
    let body: Promise<Buffer> | null = null;
    if (route.body) {
      const limit = limitOf(route.body);
      const declared = Number(headers.get('content-length') ?? '0');
      if (declared > limit) return fail(new AppError('payload_too_large'), true);
      const typeError = checkContentType(route.body, headers.get('content-type'));
      if (typeError) return fail(typeError);
      // onData must be attached synchronously, or uWS drops the chunks that arrive meanwhile.
      body = collectBody(res, limit, (cb) => (ex.onAbort = cb));
    }

    handle(
      ex,
      method as HttpMethod,
      path,
      rawQuery,
      headers,
      ip,
      requestId,
      route,
      params,
      body,
    ).then(
      (status) => finish(ex, method, routeLabel, status, started, requestId, ip),
      (err: unknown) => {
        const appErr = toAppError(err);
        if (appErr.code === 'internal') {
          log.error({ event: 'http.error', requestId, route: routeLabel, err }, 'request failed');
        }
        // A body cut off at the cap is still streaming in; closing is the only way to stop it.
        fail(appErr, appErr.code === 'payload_too_large');
      },
    );
  });

  return {
    app,
    get inFlight() {
      return inFlight;
    },
    listen(host, port) {
      return new Promise((resolve, reject) => {
        app.listen(host, port, (socket) => {
          if (!socket) return reject(new Error(`Cannot listen on ${host}:${port}`));
          listenSocket = socket;
          resolve(uws.us_socket_local_port(socket));
        });
      });
    },
    stopListening() {
      draining = true;
      if (listenSocket) uws.us_listen_socket_close(listenSocket);
      listenSocket = null;
    },
    drain(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          idleWaiters.delete(wake);
          resolve(true);
        };
        const timer = setTimeout(() => {
          idleWaiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        idleWaiters.add(wake);
      });
    },
  };
}

/** `Authorization: Bearer <token>`; anything else counts as no token. */
function bearerToken(headers: ReadonlyMap<string, string>): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return match?.[1];
}

/** Echo a sane incoming ID (a proxy's), else mint one. */
function pickRequestId(incoming: string | undefined): string {
  return incoming && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
}

function checkContentType(spec: BodySpec, header: string | undefined): AppError | null {
  const type = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const accepted = spec.kind === 'json' ? ['application/json'] : spec.contentTypes;
  if (accepted.includes(type)) return null;
  // No header and no body (e.g. a POST action without payload) is fine for JSON routes.
  if (type === '' && spec.kind === 'json') return null;
  return new AppError('unsupported_media_type', {
    message: `Send the body as ${accepted.join(' or ')}.`,
  });
}
