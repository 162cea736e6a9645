import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Reply } from './route';

/**
 * The built web app (`client/dist`), served by the node itself in single-node mode; behind
 * nginx the edge serves it with the same rules (nginx/parley.conf). Only GET paths that no
 * route claims arrive here, and never `/api/*` or `/socket.io/*`.
 *
 * - `/assets/*` are content-hashed by Vite: cached for a year; a missing one is a plain 404.
 * - other existing root files (`/favicon.svg`) and `index.html` itself: `no-cache`.
 * - any other path is a client-side route (`/settings/team`): `index.html`.
 */
export interface StaticFiles {
  readonly root: string;
  /** Whether a built client is there; checked on every request, so a later build is picked up. */
  isBuilt(): boolean;
  serve(path: string, requestHeaders: ReadonlyMap<string, string>): Promise<Reply | null>;
}

/**
 * The SPA's policy: its own scripts only (Vite emits no inline script), its own origin for REST
 * and the socket.io websocket, and images from HTTPS for attachments and `data:` for the 2FA QR
 * code. Inline styles stay allowed for chart libraries, as at the edge.
 */
export const SPA_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);
/** Files above this are streamed from disk every time instead of being kept in memory. */
const MAX_CACHED_BYTES = 4 * 1024 * 1024;
const MAX_CACHED_FILES = 200;

interface CachedFile {
  version: string;
  body: Buffer;
  gzip: Buffer | null;
}

const isApiPath = (path: string) =>
  path === '/api' || path.startsWith('/api/') || path.startsWith('/socket.io');

/**
 * Decoded path segments, or null when one could step outside the folder or name a hidden file:
 * `..`, `.`, a dotfile, an encoded slash or backslash, a NUL byte or broken percent-encoding.
 */
export function safeSegments(path: string): string[] | null {
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment.startsWith('.') || /[\\/\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

export function createStaticFiles(root: string): StaticFiles {
  const cache = new Map<string, CachedFile>();

  /** The real path of an existing regular file strictly inside the real root, or null. */
  async function resolveFile(realRoot: string, segments: readonly string[]) {
    const candidate = join(realRoot, ...segments);
    if (!candidate.startsWith(realRoot + sep)) return null;
    try {
      // A symlink inside the folder must not lead out of it either.
      const real = await realpath(candidate);
      if (!real.startsWith(realRoot + sep)) return null;
      const info = await stat(real);
      return info.isFile() ? { path: real, size: info.size, mtimeMs: info.mtimeMs } : null;
    } catch {
      return null;
    }
  }

  async function load(file: { path: string; size: number; mtimeMs: number }) {
    const version = `${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}`;
    const hit = cache.get(file.path);
    if (hit?.version === version) return hit;
    const body = await readFile(file.path);
    const ext = extname(file.path).toLowerCase();
    const entry: CachedFile = {
      version,
      body,
      gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body) : null,
    };
    if (body.length <= MAX_CACHED_BYTES) {
      if (cache.size >= MAX_CACHED_FILES) cache.clear();
      cache.set(file.path, entry);
    }
    return entry;
  }

  async function fileReply(
    file: { path: string; size: number; mtimeMs: number },
    cacheControl: string,
    requestHeaders: ReadonlyMap<string, string>,
  ): Promise<Reply> {
    const entry = await load(file);
    const etag = `W/"${entry.version}"`;
    const headers: Record<string, string> = {
      'cache-control': cacheControl,
      'content-security-policy': SPA_CONTENT_SECURITY_POLICY,
      etag,
      vary: 'accept-encoding',
    };
    if (requestHeaders.get('if-none-match') === etag) return { status: 304, headers, body: '' };
    const contentType =
      CONTENT_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
    const gzipOk = /\bgzip\b/.test(requestHeaders.get('accept-encoding') ?? '');
    if (entry.gzip && gzipOk) headers['content-encoding'] = 'gzip';
    return {
      status: 200,
      headers,
      contentType,
      body: entry.gzip && gzipOk ? entry.gzip : entry.body,
    };
  }

  return {
    root,
    isBuilt: () => existsSync(join(root, 'index.html')),
    async serve(path, requestHeaders) {
      if (isApiPath(path)) return null;
      const segments = safeSegments(path);
      if (!segments) return null;
      let realRoot: string;
      try {
        realRoot = await realpath(root);
      } catch {
        return null; // not built
      }
      if (segments[0] === 'assets') {
        const asset = await resolveFile(realRoot, segments);
        return asset ? fileReply(asset, IMMUTABLE, requestHeaders) : null;
      }
      const file = segments.length > 0 ? await resolveFile(realRoot, segments) : null;
      const target = file ?? (await resolveFile(realRoot, ['index.html']));
      return target ? fileReply(target, 'no-cache', requestHeaders) : null;
    },
  };
}
