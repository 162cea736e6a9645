import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeForm } from './form-encoding';
import { matches, matchPath, type RecordedRequest, type RequestMatcher } from './request-matching';

export type { RecordedRequest, RequestMatcher } from './request-matching';

/** What a fake answers. `body` is sent as JSON unless `raw` is given (SSE streams, media). */
export interface FakeResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly raw?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (
  request: RecordedRequest,
  params: Record<string, string>,
) => FakeResponse | Promise<FakeResponse>;

export interface Route {
  readonly method: string;
  readonly path: string | RegExp;
  readonly handle: RouteHandler;
}

/** The scripting surface every provider fake shares. */
export interface HttpFake extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Every request received, in order, including failed and hung ones. */
  readonly requests: readonly RecordedRequest[];
  /** The next `count` matching requests get `response` (default: the provider's 500). */
  failNext(count: number, response?: FakeResponse, match?: RequestMatcher): void;
  /** The next `count` matching requests are answered `ms` later. */
  delayNext(ms: number, count?: number, match?: RequestMatcher): void;
  /** The next `count` matching requests are never answered (until `close`): client timeouts. */
  hang(count?: number, match?: RequestMatcher): void;
  /** Latency added to every request from now on (benchmarks, slow-provider tests). */
  setLatency(ms: number): void;
  /** Replace the answer for matching requests until `reset`; later calls win. */
  setResponse(match: RequestMatcher, response: FakeResponse | RouteHandler): void;
  /** Forget scripts, overrides, latency and recorded requests (state such as sessions stays). */
  reset(): void;
  close(): Promise<void>;
}

export interface HttpFakeOptions {
  readonly routes: readonly Route[];
  /** Used by `failNext` when no response is given. */
  readonly defaultFailure: FakeResponse;
  /** Answer for a request no route matches, in the provider's error envelope. */
  readonly notFound: (request: RecordedRequest) => FakeResponse;
  /** Headers every answer carries (request ids and the like). */
  readonly headers?: () => Record<string, string>;
  readonly latencyMs?: number;
}

interface Script {
  readonly kind: 'fail' | 'delay' | 'hang';
  remaining: number;
  readonly match: RequestMatcher | undefined;
  readonly response?: FakeResponse;
  readonly ms?: number;
}

/** Starts a plain node:http server on 127.0.0.1, port 0, that routes, records and misbehaves. */
export async function startHttpFake(options: HttpFakeOptions): Promise<HttpFake> {
  const requests: RecordedRequest[] = [];
  let scripts: Script[] = [];
  let overrides: { match: RequestMatcher; response: FakeResponse | RouteHandler }[] = [];
  let latencyMs = options.latencyMs ?? 0;
  const closing = new AbortController();

  const take = (kind: Script['kind'], request: RecordedRequest): Script | undefined => {
    const script = scripts.find((s) => s.kind === kind && matches(s.match, request));
    if (!script) return undefined;
    script.remaining -= 1;
    if (script.remaining <= 0) scripts = scripts.filter((s) => s !== script);
    return script;
  };

  const answer = async (request: RecordedRequest): Promise<FakeResponse | 'hang'> => {
    if (take('hang', request)) return 'hang';
    const delay = (take('delay', request)?.ms ?? 0) + latencyMs;
    if (delay > 0) await sleep(delay, undefined, { signal: closing.signal });
    const failure = take('fail', request);
    if (failure) return failure.response ?? options.defaultFailure;
    const override = [...overrides].reverse().find((o) => matches(o.match, request));
    if (override) {
      const r = override.response;
      return typeof r === 'function' ? r(request, {}) : r;
    }
    for (const route of options.routes) {
      if (route.method !== request.method) continue;
      const params = matchPath(route.path, request.path);
      if (params) return route.handle(request, params);
    }
    return options.notFound(request);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = await readRequest(req);
    requests.push(request);
    try {
      const response = await answer(request);
      // A hung request keeps its socket open; close() destroys it.
      if (response !== 'hang') send(res, response, options.headers?.() ?? {});
    } catch (error) {
      if (closing.signal.aborted) return;
      send(res, { status: 500, body: { fake_error: String(error) } }, {});
    }
  };

  const server = http.createServer((req, res) => void onRequest(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      closing.abort();
      server.close(() => resolve());
      server.closeAllConnections();
    }));

  const script = (s: Omit<Script, 'remaining'>, count: number) => {
    if (count > 0) scripts.push({ ...s, remaining: count });
  };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (count, response, match) => script({ kind: 'fail', response, match }, count),
    delayNext: (ms, count = 1, match) => script({ kind: 'delay', ms, match }, count),
    hang: (count = 1, match) => script({ kind: 'hang', match }, count),
    setLatency(ms) {
      latencyMs = ms;
    },
    setResponse(match, response) {
      overrides.push({ match, response });
    },
    reset() {
      scripts = [];
      overrides = [];
      latencyMs = options.latencyMs ?? 0;
      requests.length = 0;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function readRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: parseBody(rawBody, req.headers['content-type'] ?? ''),
    rawBody,
    receivedAt: Date.now(),
  };
}

function parseBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType.includes('application/x-www-form-urlencoded')) return decodeForm(text);
  if (contentType.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text; // routes answer malformed JSON in their provider's envelope
    }
  }
  return text;
}

function send(res: ServerResponse, response: FakeResponse, common: Record<string, string>): void {
  if (res.destroyed) return;
  const isRaw = response.raw !== undefined;
  const payload = isRaw ? response.raw : JSON.stringify(response.body ?? null);
  res.writeHead(response.status, {
    // The SDKs JSON-parse only when the media type says JSON (wire-specs §7.3).
    ...(isRaw ? {} : { 'content-type': 'application/json' }),
    ...common,
    ...response.headers,
  });
  res.end(payload);
}
