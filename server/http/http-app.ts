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
import type { Authenticator, HttpMethod, Reply, RequestContext, Route } from './route';
import { createRouter } from './router';
import {
  authenticateGuard,
  bodyLimitGuard,
  bodyLimitOf,
  contentTypeGuard,
  matchGuard,
  rateLimited,
  rateLimitGuard,
  scannerGuard,
  signedRefusalGuard,
  type Refusal,
} from './guards';
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

/** What the core read of a request inside the uWS callback (`req` is gone after it). */
interface Incoming {
  readonly ex: Exchange;
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Map<string, string>;
  readonly ip: string;
  readonly requestId: string;
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

  /** Guards 5 and 6 (they may wait), then the body, the handler and the reply check. */
  async function handle(
    req: Incoming,
    route: Route,
    params: Record<string, string>,
    body: Promise<Buffer> | null,
  ): Promise<number> {
    const reqLog = log.child({ requestId: req.requestId });
    const limited = await rateLimitGuard(options.ipLimiter, route, req.ip);
    if (limited) throw counted(limited.error);
    const auth = await authenticateGuard(options.authenticator, route, req.headers);
    const raw = body ? await body : Buffer.alloc(0);
    const ctx: RequestContext = {
      method: req.method as HttpMethod,
      path: req.path,
      route: route.path,
      params,
      query: parseQuery(route.query, req.rawQuery),
      body: route.body ? parseBody(route.body, raw) : undefined,
      headers: req.headers,
      ip: req.ip,
      requestId: req.requestId,
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
      if (!req.ex.aborted) sendReply(req.ex, reply, req.requestId);
      return reply.status ?? 200;
    } catch (err) {
      const refused = await signedRefusalGuard(options.ipLimiter, route, req.ip, err);
      throw refused ? counted(refused.error) : err;
    }
  }

  /** A refusal as sent; rate limiting is counted in the metrics. */
  function counted(error: AppError): AppError {
    if (error.code === 'rate_limited') metrics.rateLimited.inc();
    return error;
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

  app.any('/*', (res: HttpResponse, uwsReq: HttpRequest) => {
    // Everything from `uwsReq` must be read now: it is stack-allocated and gone after this callback.
    const started = performance.now();
    const method = uwsReq.getMethod().toUpperCase();
    const path = uwsReq.getUrl();
    const rawQuery = uwsReq.getQuery() ?? '';
    const headers = new Map<string, string>();
    uwsReq.forEach((k, v) => headers.set(k, v));
    const peer = Buffer.from(res.getRemoteAddressAsText()).toString();
    const ip = clientIp(peer, headers.get('x-forwarded-for'));
    const requestId = pickRequestId(headers.get('x-request-id'));

    const ex: Exchange = { res, aborted: false, done: false, onAbort: undefined };
    res.onAborted(() => {
      ex.aborted = true;
      ex.onAbort?.();
    });
    inFlight++;

    const req: Incoming = { ex, method, path, rawQuery, headers, ip, requestId };
    let routeLabel = 'unmatched';
    const fail = (refusal: Refusal) => {
      sendError(ex, counted(refusal.error), requestId, refusal.close);
      finish(ex, method, routeLabel, refusal.error.status, started, requestId, ip);
    };
    // Misses count against the limit too, or probing for routes would be free.
    const miss = (refusal: Refusal) =>
      options.ipLimiter.hit(ip).then(
        (verdict) => fail(verdict.allowed ? refusal : { error: rateLimited(verdict.retryAfterMs) }),
        () => fail(refusal),
      );

    const scanner = scannerGuard(path);
    if (scanner) {
      metrics.scannerBlocked.inc();
      routeLabel = 'scanner';
      return fail(scanner);
    }
    const match = METHODS.has(method)
      ? router.match(method, path)
      : ({ kind: 'not_found' } as const);
    if (match.kind === 'not_found' && method === 'GET' && options.staticFiles) {
      serveStatic(req, started, (label) => (routeLabel = label), miss, fail);
      return;
    }
    if (match.kind !== 'found') {
      void miss(matchGuard(match)!);
      return;
    }
    const { route, params } = match;
    routeLabel = route.path;

    // Cheap refusals before a single body byte is buffered.
    const early = bodyLimitGuard(route, headers, options) ?? contentTypeGuard(route, headers);
    if (early) return fail(early);
    // onData must be attached synchronously, or uWS drops the chunks that arrive meanwhile.
    const body = route.body
      ? collectBody(res, bodyLimitOf(route.body, options), (cb) => (ex.onAbort = cb))
      : null;

    handle(req, route, params, body).then(
      (status) => finish(ex, method, routeLabel, status, started, requestId, ip),
      (err: unknown) => {
        const appErr = toAppError(err);
        if (appErr.code === 'internal') {
          log.error({ event: 'http.error', requestId, route: routeLabel, err }, 'request failed');
        }
        // A body cut off at the cap is still streaming in; closing is the only way to stop it.
        fail({ error: appErr, close: appErr.code === 'payload_too_large' });
      },
    );
  });

  /**
   * The web app's files and client-side routes are not counted, as nginx serves them without
   * asking a node in the full deployment; everything else it declines is a miss.
   */
  function serveStatic(
    req: Incoming,
    started: number,
    label: (routeLabel: string) => void,
    miss: (refusal: Refusal) => Promise<void>,
    fail: (refusal: Refusal) => void,
  ) {
    options.staticFiles!.serve(req.path, req.headers).then(
      (reply) => {
        if (!reply) return miss({ error: new AppError('not_found') });
        label('static');
        sendReply(req.ex, reply, req.requestId);
        finish(req.ex, req.method, 'static', reply.status ?? 200, started, req.requestId, req.ip);
      },
      (err: unknown) => {
        log.error(
          { event: 'http.static_failed', requestId: req.requestId, err },
          'static file failed',
        );
        fail({ error: toAppError(err) });
      },
    );
  }

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

/** Echo a sane incoming ID (a proxy's), else mint one. */
function pickRequestId(incoming: string | undefined): string {
  return incoming && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
}
