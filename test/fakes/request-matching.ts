import type { IncomingHttpHeaders } from 'node:http';

/** One request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/v23.0/106540352242922/messages`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Node's lower-cased header map. */
  readonly headers: IncomingHttpHeaders;
  /** JSON or form bodies parsed (form keys with brackets nested), other text as a string. */
  readonly body: unknown;
  readonly rawBody: Buffer;
  readonly receivedAt: number;
}

/**
 * Which requests a script applies to: a predicate, or a method and a path. A string path is an
 * exact path or a pattern with `:name` segments (`/v1/checkout/sessions/:id`); a RegExp is tested
 * against the path.
 */
export type RequestMatcher =
  | ((request: RecordedRequest) => boolean)
  | { readonly method?: string; readonly path?: string | RegExp };

/** Named parameters when `pattern` matches `path`, else null. Named RegExp groups count too. */
export function matchPath(pattern: string | RegExp, path: string): Record<string, string> | null {
  if (pattern instanceof RegExp) {
    const m = pattern.exec(path);
    return m ? { ...m.groups } : null;
  }
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return null;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}

export function matches(matcher: RequestMatcher | undefined, request: RecordedRequest): boolean {
  if (!matcher) return true;
  if (typeof matcher === 'function') return matcher(request);
  if (matcher.method && matcher.method.toUpperCase() !== request.method) return false;
  return matcher.path === undefined || matchPath(matcher.path, request.path) !== null;
}

/** The bearer token of `Authorization: Bearer …`, if any. */
export function bearerToken(request: RecordedRequest): string | undefined {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return m?.[1]?.trim() || undefined;
}
