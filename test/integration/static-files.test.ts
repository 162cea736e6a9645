import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../../server/main';
import { createCluster, type Cluster } from '../helpers/test-node';

const INDEX_HTML = '<!doctype html><html><body><div id="root"></div></body></html>\n';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;
const SECRET = 'the-file-next-to-dist-that-must-never-be-served';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** GET with the path exactly as written: fetch would normalise `..` away before sending. */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** A built client as Vite lays it out, with a secret beside it and a symlink pointing at it. */
function writeDist(): string {
  const root = mkdtempSync(join(tmpdir(), 'parley-dist-'));
  writeFileSync(join(root, 'secret.txt'), SECRET);
  const dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX_HTML);
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, 'assets', 'index-3f2a9c1b.js'), SCRIPT);
  writeFileSync(join(dist, 'assets', 'index-77aa00bb.css'), 'body{margin:0}');
  writeFileSync(join(dist, '.hidden'), SECRET);
  symlinkSync(join(root, 'secret.txt'), join(dist, 'assets', 'leak.js'));
  return dist;
}

describe('the node serving the built client', () => {
  let cluster: Cluster;
  let node: RunningNode;
  let bare: RunningNode;

  beforeAll(async () => {
    cluster = await createCluster('embedded');
    [node, bare] = await Promise.all([
      cluster.start({ CLIENT_DIST_DIR: writeDist(), RATE_LIMIT_PER_MINUTE: '30' }),
      cluster.start({ CLIENT_DIST_DIR: join(tmpdir(), 'parley-no-such-dist') }),
    ]);
  });
  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
  });

  it('answers any non-API GET path with index.html, no-cache and the SPA policy', async () => {
    for (const path of [
      '/',
      '/inbox',
      '/settings/team',
      '/accept-invitation?token=abc',
      '/index.html',
    ]) {
      const res = await rawGet(node.url, path);
      expect(res.status, path).toBe(200);
      expect(res.body.toString(), path).toBe(INDEX_HTML);
      expect(res.headers['content-type'], path).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control'], path).toBe('no-cache');
      const csp = res.headers['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("connect-src 'self' ws: wss:");
      expect(csp).toContain("img-src 'self' data: https:");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('caches hashed assets for a year with their content type, gzipped when asked', async () => {
    const js = await rawGet(node.url, '/assets/index-3f2a9c1b.js', { 'accept-encoding': 'gzip' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(js.body).toString()).toBe(SCRIPT);

    const plain = await rawGet(node.url, '/assets/index-3f2a9c1b.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);

    const css = await rawGet(node.url, '/assets/index-77aa00bb.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = await rawGet(node.url, '/favicon.svg');
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset with a plain 404, never index.html', async () => {
    const res = await rawGet(node.url, '/assets/index-00000000.js');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'not_found' } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('revalidates index.html with its ETag', async () => {
    const first = await rawGet(node.url, '/');
    const etag = first.headers.etag ?? '';
    expect(etag).toMatch(/^W\//);
    const again = await rawGet(node.url, '/settings', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('never serves a file outside the folder, a hidden file or a symlink out of it', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets/leak.js',
      '/.hidden',
      '/assets/%00.js',
      '/../../../../../../etc/passwd',
    ]) {
      const res = await rawGet(node.url, path);
      expect(res.body.toString(), path).not.toContain(SECRET);
      expect(res.body.toString(), path).not.toContain('root:');
      expect([400, 404], path).toContain(res.status);
    }
  });

  it('leaves the API, scanner paths and other methods alone', async () => {
    const api = await rawGet(node.url, '/api/nope');
    expect(api.status).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/json/);
    expect(api.headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    for (const path of ['/.env', '/wp-login.php', '/index.php', '/.git/config']) {
      const res = await rawGet(node.url, path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString(), path).not.toContain('id="root"');
    }
    const post = await fetch(`${node.url}/settings`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect((await rawGet(node.url, '/healthz')).status).toBe(200);
  });

  it('does not count the app’s files against the per-IP API limit, but counts its misses', async () => {
    // The earlier tests spent about half of the 30 a minute on misses; files are free.
    for (let i = 0; i < 40; i++) expect((await rawGet(node.url, '/inbox')).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await rawGet(node.url, '/assets/nope.js')).status);
    expect(statuses).toContain(429);
  });

  it('without a built client answers non-API paths 404, as before', async () => {
    const res = await rawGet(bare.url, '/inbox');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'not_found' } });
    expect(bare.app.staticFiles.isBuilt()).toBe(false);
    expect(node.app.staticFiles.isBuilt()).toBe(true);
  });
});
