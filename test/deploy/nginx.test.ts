import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isScannerPath } from '../../server/http/scanner-paths';
import { DEFAULT_ERROR_MESSAGE, type ErrorCode } from '../../shared/errors';
import {
  metaTextMessage,
  signMetaDelivery,
  startFakeMetaGraph,
  type FakeMetaGraph,
} from '../fakes';
import { PASSWORD } from '../helpers/auth';
import { requireBinaries } from '../helpers/binaries';
import { createTestDatabase, type TestDatabase } from '../helpers/databases';
import { requireServices, TEST_REDIS_URL } from '../helpers/services';
import { spawnNode, type SpawnedNode } from '../helpers/spawn-node';
import { TEST_SECRETS } from '../helpers/test-node';
import { metricSum, send, type RawResponse } from './http-client';
import { NGINX_DIR, startNginx, type RunningNginx } from './nginx-site';

/**
 * The committed nginx/parley.conf, run by Debian's real nginx in front of three real node
 * processes on PostgreSQL and Redis, driven the way browsers, providers and scanners would.
 * Test order matters only at the end: the last tests kill nodes.
 */
const SUITE = 'deploy: nginx in front of three nodes';
const binaries = requireBinaries(SUITE, 'nginx');
const ready = binaries !== null && (await requireServices(SUITE, 'postgres', 'redis'));

/** Low, so a test can reach it; the window is shared by all nodes through Redis. */
const NODE_LIMIT_PER_MINUTE = 10;
const INDEX_HTML = '<!doctype html><html><body><div id="root"></div></body></html>\n';
const ASSET = '/assets/index-3f2a9c1b.js';

const edgeError = (code: ErrorCode) => ({
  error: { code, message: DEFAULT_ERROR_MESSAGE[code] },
});

/** A response a node produced (nodes always echo the request id); nginx's own have none. */
const fromNode = (res: RawResponse) => typeof res.headers['x-request-id'] === 'string';

describe.skipIf(!ready)(SUITE, () => {
  let database: TestDatabase;
  let nodes: SpawnedNode[] = [];
  let edge: RunningNginx;
  let graph: FakeMetaGraph;

  const get = (path: string, from?: string, headers?: Record<string, string>) =>
    send(edge.port, path, { from, headers });
  const nodeMetrics = () =>
    Promise.all(nodes.map(async (n) => (await fetch(`${n.url}/metrics`)).text()));
  /** Requests the nodes have answered, not counting our own reads of /metrics. */
  const requestsSeenByNodes = async () =>
    (await nodeMetrics())
      .map((m) => metricSum(m, 'parley_http_requests_total', {}, { route: '/metrics' }))
      .reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    database = await createTestDatabase();
    graph = await startFakeMetaGraph();
    const redisPrefix = `parley-test:${randomBytes(4).toString('hex')}:`;
    nodes = await Promise.all(
      [1, 2, 3].map((i) =>
        spawnNode({
          ...TEST_SECRETS,
          NODE_ENV: 'test',
          NODE_ID: `node${i}`,
          HOST: '127.0.0.1',
          PORT: '0',
          DEMO: '0',
          DATABASE_URL: database.url,
          DATABASE_POOL_SIZE: '4',
          REDIS_URL: TEST_REDIS_URL,
          REDIS_PREFIX: redisPrefix,
          // nginx reaches the nodes from 127.0.0.1; clients come from other loopback addresses.
          TRUSTED_PROXIES: '127.0.0.1',
          RATE_LIMIT_PER_MINUTE: String(NODE_LIMIT_PER_MINUTE),
          ...graph.env,
        }),
      ),
    );
    edge = await startNginx(binaries?.nginx ?? 'nginx', {
      upstreams: nodes.map((n) => new URL(n.url).host),
      root: writeSpaFixture(),
    });
  });

  afterAll(async () => {
    await graph?.close();
    await edge?.stop();
    await Promise.allSettled(nodes.map((n) => n[Symbol.asyncDispose]()));
    await database?.drop();
  });

  describe('the SPA', () => {
    it('serves index.html with no-cache and the security headers', async () => {
      const res = await get('/');
      expect(res.status).toBe(200);
      expect(res.text).toBe(INDEX_HTML);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['server']).toBe('nginx'); // no version
    });

    it('answers client-side routes with index.html', async () => {
      for (const path of ['/inbox/123', '/settings/environment', '/index.html']) {
        const res = await get(path);
        expect(res.status, path).toBe(200);
        expect(res.text, path).toBe(INDEX_HTML);
        expect(res.headers['cache-control'], path).toBe('no-cache');
      }
    });

    it('caches hashed assets for a year, and a missing asset is a plain 404', async () => {
      const res = await get(ASSET);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['x-content-type-options']).toBe('nosniff');

      const missing = await get('/assets/index-00000000.js');
      expect(missing.status).toBe(404);
      expect(missing.text).not.toContain('id="root"');
      expect(missing.headers['cache-control']).toBeUndefined();
    });
  });

  describe('the API through the edge', () => {
    it('reaches a node: health, readiness and a JSON 404 with the node security headers', async () => {
      const health = await get('/healthz');
      expect(health.status).toBe(200);
      expect(health.json<{ node: string }>().node).toMatch(/^node[123]$/);
      const readiness = await get('/readyz');
      expect(readiness.status).toBe(200);
      expect(readiness.json()).toMatchObject({ status: 'ready', checks: { database: 'ok' } });

      const api = await get('/api/nope', '127.0.0.1', { 'x-request-id': 'spoofed' });
      expect(api.status).toBe(404);
      expect(api.json()).toEqual(edgeError('not_found'));
      expect(fromNode(api)).toBe(true);
      // nginx's own $request_id replaced the client's, and the node echoed it.
      expect(api.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      // The node's stricter API policy, sent once: nginx adds none of its own to proxied answers.
      expect(api.headers['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(api.headers['x-content-type-options']).toBe('nosniff');
    });

    it('spreads requests over all three nodes', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 12; i++) seen.add((await get('/healthz')).json<{ node: string }>().node);
      expect([...seen].sort()).toEqual(['node1', 'node2', 'node3']);
    });

    it('proxies /socket.io/ to the nodes with a read timeout above ping interval + timeout', async () => {
      // A plain GET (no upgrade) reaches engine.io on a node, which refuses it in its own words.
      const res = await get('/socket.io/?EIO=4&transport=websocket', '127.0.0.4');
      expect(res.status).toBe(400);
      expect(res.json<{ code: number; message: string }>()).toMatchObject({ code: 3 });
      const site = readFileSync(join(NGINX_DIR, 'parley.conf'), 'utf8');
      const block = /location \/socket\.io\/ \{([^}]*)\}/.exec(site)?.[1] ?? '';
      const readTimeout = Number(/proxy_read_timeout (\d+)s;/.exec(block)?.[1]);
      expect(readTimeout).toBeGreaterThan(25 + 20);
    });

    it('a socket.io dashboard connected through nginx receives the update for a webhook nginx sent to another node', async () => {
      const from = '127.0.0.61';
      const json = (method: string, path: string, body: unknown, token?: string) =>
        send(edge.port, path, {
          method,
          from,
          body: JSON.stringify(body),
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        });
      const registered = await json('POST', '/api/auth/register', {
        businessName: 'Edge Shop',
        email: `edge-${randomBytes(4).toString('hex')}@example.com`,
        password: PASSWORD,
      });
      expect(registered.status).toBe(201);
      const { accessToken } = registered.json<{ accessToken: string }>();
      const phoneId = String(100_000_000_000 + Math.floor(Math.random() * 1e9));
      graph.grant('EAAGedge0000token', {
        kind: 'whatsapp',
        phoneNumberId: phoneId,
        businessAccountId: 'waba-edge',
      });
      const integration = await json(
        'POST',
        '/api/integrations',
        {
          channel: 'whatsapp',
          externalId: phoneId,
          businessAccountId: 'waba-edge',
          accessToken: 'EAAGedge0000token',
        },
        accessToken,
      );
      expect(integration.status).toBe(201);

      const socket: Socket = io(`http://127.0.0.1:${edge.port}`, {
        transports: ['websocket'],
        auth: { token: accessToken },
        reconnection: false,
      });
      try {
        const hello = await new Promise<{ nodeId: string }>((resolve, reject) => {
          socket.once('hello', resolve);
          socket.once('connect_error', reject);
        });
        const seen: { lastMessage: { text: string } | null }[] = [];
        socket.on('conversation:created', (c) => seen.push(c));
        socket.on('conversation:updated', (c) => seen.push(c));

        // nginx round-robins: within three webhooks, at least one lands on another node.
        const webhookCount = async () =>
          (await nodeMetrics()).map((m) =>
            metricSum(m, 'parley_http_requests_total', { route: '/api/webhooks/meta' }),
          );
        let servedElsewhere: string | null = null;
        for (let i = 0; i < 3 && !servedElsewhere; i++) {
          const text = `through the edge ${i} ${randomBytes(3).toString('hex')}`;
          const signed = signMetaDelivery(
            metaTextMessage({
              channel: 'whatsapp',
              pageOrPhoneId: phoneId,
              from: '2348000000001',
              text,
            }),
            TEST_SECRETS.META_APP_SECRET,
          );
          const before = await webhookCount();
          const res = await send(edge.port, '/api/webhooks/meta', {
            method: 'POST',
            body: signed.body,
            headers: signed.headers,
          });
          expect(res.status).toBe(200);
          const after = await webhookCount();
          const served = after.findIndex((n, k) => n > (before[k] ?? 0));
          if (served >= 0 && `node${served + 1}` !== hello.nodeId) servedElsewhere = text;
        }
        expect(servedElsewhere).not.toBeNull();
        await expect
          .poll(() => seen.some((c) => c.lastMessage?.text === servedElsewhere), {
            timeout: 15_000,
          })
          .toBe(true);
      } finally {
        socket.close();
      }
    });

    it('hides the nodes’ /metrics', async () => {
      const res = await get('/metrics');
      expect(res.status).toBe(404);
      expect(res.json()).toEqual(edgeError('not_found'));
      expect(fromNode(res)).toBe(false);
    });
  });

  describe('client addresses', () => {
    it('nodes key their rate limit on the address nginx saw, which a client cannot forge', async () => {
      const alice = '127.0.0.2';
      const bob = '127.0.0.3';
      for (let i = 0; i < NODE_LIMIT_PER_MINUTE; i++) {
        expect((await get('/api/nope', alice)).status).toBe(404);
      }
      const limited = await get('/api/nope', alice);
      expect(limited.status).toBe(429);
      expect(limited.json()).toEqual(edgeError('rate_limited'));
      expect(fromNode(limited)).toBe(true);
      // A forged X-Forwarded-For is overwritten at the edge, so it buys no fresh window.
      const forged = await get('/api/nope', alice, { 'x-forwarded-for': '198.51.100.7' });
      expect(forged.status).toBe(429);
      // Another client, behind the same nginx, is unaffected.
      expect((await get('/api/nope', bob)).status).toBe(404);

      // The nodes' request logs name the addresses nginx saw (log lines arrive through a pipe).
      const logs = () => nodes.flatMap((n) => n.output).join('\n');
      await expect.poll(logs).toContain(`"ip":"${bob}"`);
      expect(logs()).toContain(`"ip":"${alice}"`);
      expect(logs()).not.toContain('"ip":"198.51.100.7"');
    });

    it('an outer per-IP limit refuses a flood before it reaches the nodes', async () => {
      const before = await requestsSeenByNodes();
      const flood = await Promise.all(
        Array.from({ length: 200 }, () => get('/api/nope', '127.0.0.5')),
      );
      const seen = (await requestsSeenByNodes()) - before;
      const refused = flood.filter((r) => r.status === 429);
      expect(flood.every((r) => r.status === 404 || r.status === 429)).toBe(true);
      for (const r of refused) expect(r.json()).toEqual(edgeError('rate_limited'));
      const atEdge = refused.filter((r) => !fromNode(r));
      expect(atEdge.length).toBeGreaterThan(0);
      expect(atEdge[0]?.headers['retry-after']).toBe('1');
      expect(atEdge[0]?.json()).toEqual(edgeError('rate_limited'));
      expect(seen).toBe(200 - atEdge.length);
    });
  });

  describe('refusals at the edge', () => {
    it('refuses a 3 MB body with 413 before any node sees it', async () => {
      const before = await requestsSeenByNodes();
      const res = await send(edge.port, '/api/nope', {
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(3 * 1024 * 1024, 0x20),
        from: '127.0.0.6',
      });
      expect(res.status).toBe(413);
      expect(res.json()).toEqual(edgeError('payload_too_large'));
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(await requestsSeenByNodes()).toBe(before);
    });

    it('lets up to 10 MB through on upload routes only', async () => {
      const upload = (mb: number) =>
        send(edge.port, '/api/uploads/test', {
          headers: { 'content-type': 'application/octet-stream' },
          body: Buffer.alloc(mb * 1024 * 1024, 1),
          from: '127.0.0.7',
        });
      const three = await upload(3);
      expect(fromNode(three)).toBe(true);
      expect(three.status).toBe(404); // no upload route exists yet; the node answered
      const eleven = await upload(11);
      expect(eleven.status).toBe(413);
      expect(fromNode(eleven)).toBe(false);
    });

    it('answers scanner paths 404 itself; the nodes never count them', async () => {
      const paths = [
        '/.env',
        '/.env.production',
        '/%2eenv',
        '/.git/config',
        '/wp-login.php',
        '/wp-admin/setup.php',
        '/phpmyadmin/index.php',
        '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
        '/cgi-bin/luci',
        '/index.php',
        '/api/conversations.php',
        '/.aws/credentials',
        '/actuator/health',
        '/xmlrpc.php',
      ];
      const before = await requestsSeenByNodes();
      for (const path of paths) {
        // The edge and the nodes agree on what a scanner path is.
        expect(isScannerPath(path), path).toBe(true);
        const res = await get(path, '127.0.0.8');
        expect(res.status, path).toBe(404);
        expect(res.json(), path).toEqual(edgeError('not_found'));
        expect(fromNode(res), path).toBe(false);
        expect(res.headers['x-frame-options'], path).toBe('DENY');
      }
      expect(await requestsSeenByNodes()).toBe(before);
      for (const metrics of await nodeMetrics()) {
        expect(metricSum(metrics, 'parley_scanner_blocked_total')).toBe(0);
        expect(metricSum(metrics, 'parley_http_requests_total', { route: 'scanner' })).toBe(0);
      }
    });
  });

  describe('losing nodes', () => {
    it('keeps answering when a node is killed, and stops sending to it', async () => {
      const victim = nodes[1] as SpawnedNode;
      victim.kill('SIGKILL');
      await victim.exited;

      const answered = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const res = await get('/readyz');
        expect(res.status).toBe(200);
        answered.add(res.json<{ node: string }>().node);
      }
      expect([...answered].sort()).toEqual(['node1', 'node3']);
      const api = await get('/api/nope', '127.0.0.9');
      expect(api.status).toBe(404);
      expect(fromNode(api)).toBe(true);
      // max_fails reached: nginx took node2 out of rotation instead of trying it every time.
      expect(edge.errorLog()).toContain('upstream server temporarily disabled');
    });

    it('answers 503 in the API error shape when every node is down', async () => {
      for (const node of nodes) {
        node.kill('SIGKILL');
        await node.exited;
      }
      const res = await get('/api/nope', '127.0.0.10');
      expect(res.status).toBe(503);
      expect(res.json()).toEqual(edgeError('unavailable'));
      expect(res.headers['retry-after']).toBe('5');
    });
  });
});

/** A built SPA in miniature: index.html and one content-hashed asset, as Vite lays them out. */
function writeSpaFixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'parley-spa-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), INDEX_HTML);
  writeFileSync(join(root, ASSET), 'document.getElementById("root").textContent = "Parley";\n');
  // nginx workers under root run as `nobody`; mkdtemp folders are 0700.
  chmodSync(root, 0o755);
  chmodSync(join(root, 'assets'), 0o755);
  return root;
}
