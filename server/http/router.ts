import type { HttpMethod, Route } from './route';

interface CompiledRoute {
  route: Route;
  /** A literal segment, or null for a `:param`. */
  segments: (string | null)[];
  paramNames: string[];
  /** Literal segments win over params, so `/orders/export` beats `/orders/:id`. */
  rank: number;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: HttpMethod[] }
  | { kind: 'not_found' }
  | { kind: 'bad_path' };

export interface Router {
  match(method: string, path: string): RouteMatch;
}

export function createRouter(routes: readonly Route[]): Router {
  const compiled = routes.map(compile).sort((a, b) => b.rank - a.rank);
  const seen = new Set<string>();
  for (const c of compiled) {
    const key = `${c.route.method} ${c.segments.map((s) => s ?? ':').join('/')}`;
    if (seen.has(key)) throw new Error(`Duplicate route ${c.route.method} ${c.route.path}`);
    seen.add(key);
  }

  return {
    match(method, path) {
      const parts = splitPath(path);
      if (!parts) return { kind: 'bad_path' };
      const allow: HttpMethod[] = [];
      for (const c of compiled) {
        const params = matchSegments(c, parts);
        if (!params) continue;
        if (c.route.method === method) return { kind: 'found', route: c.route, params };
        if (!allow.includes(c.route.method)) allow.push(c.route.method);
      }
      return allow.length > 0 ? { kind: 'method_not_allowed', allow } : { kind: 'not_found' };
    },
  };
}

function compile(route: Route): CompiledRoute {
  const segments: (string | null)[] = [];
  const paramNames: string[] = [];
  let rank = 0;
  for (const [i, seg] of route.path.split('/').filter(Boolean).entries()) {
    if (seg.startsWith(':')) {
      segments.push(null);
      paramNames.push(seg.slice(1));
    } else {
      segments.push(seg);
      rank += 2 ** (16 - Math.min(i, 16));
    }
  }
  return { route, segments, paramNames, rank };
}

/** Decoded path segments; null when the percent-encoding is broken. */
function splitPath(path: string): string[] | null {
  try {
    return path
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

function matchSegments(c: CompiledRoute, parts: string[]): Record<string, string> | null {
  if (parts.length !== c.segments.length) return null;
  const params: Record<string, string> = {};
  let p = 0;
  for (const [i, seg] of c.segments.entries()) {
    const part = parts[i] as string;
    if (seg === null) {
      if (part === '') return null;
      params[c.paramNames[p++] as string] = part;
    } else if (seg !== part) {
      return null;
    }
  }
  return params;
}
