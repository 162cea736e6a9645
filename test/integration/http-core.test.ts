import http from 'node:http';
import { beforeAll, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { errorBodySchema } from '../../shared/errors';
import { AppError } from '../../server/errors';
import { defineContract, type RouteContract } from '../../shared/api/contract';
import { defineRoute, json, type Route } from '../../server/http/route';
import type { RunningNode } from '../../server/main';
import { captureLogs } from '../helpers/commerce';
import { request } from '../helpers/http';
import { describeModes } from '../helpers/modes';

const anything = { 200: { description: 'ok', json: z.object({}).loose() } } as const;
const probe = <const P extends string, const R extends RouteContract['responses']>(
  path: P,
  responses: R,
) =>
  defineContract({
    method: 'GET',
    path,
    access: 'public',
    tag: 'ops',
    summary: 'probe',
    responses,
  });

/** Routes that exercise the core's plumbing; the product's own routes are tested elsewhere. */
function probeRoutes(gate: { open: Promise<void> }): Route[] {
  return [
    defineRoute(
      defineContract({
        method: 'POST',
        path: '/api/probe/echo',
        access: 'public',
        tag: 'ops',
        summary: 'probe',
        body: { kind: 'json', schema: z.object({ name: z.string().min(1), n: z.number().int() }) },
        responses: anything,
      }),
      (ctx) => json({ got: ctx.body }),
    ),
    defineRoute(
      defineContract({
        method: 'GET',
        path: '/api/probe/items/:id',
        access: 'public',
        tag: 'ops',
        summary: 'probe',
        responses: anything,
      }),
      (ctx) => json({ id: ctx.params.id }),
    ),
    defineRoute(probe('/api/probe/boom', anything), () => {
      throw new Error('relation "secret_table" does not exist at /srv/parley/db.ts:42');
    }),
    defineRoute(probe('/api/probe/conflict', anything), () => {
      throw new AppError('conflict', { message: 'Already claimed.' });
    }),
    defineRoute({ ...probe('/api/probe/slow', anything), rateLimit: 'none' }, async () => {
      await gate.open;
      return json({ finished: true });
    }),
    // What a handler whose reply drifted from its contract looks like at run time (the type
    // check is bypassed here, as a handler built from untyped data would slip past it).
    defineRoute(
      probe('/api/probe/drifted', {
        200: { description: 'ok', json: z.object({ n: z.number() }) },
      }),
      () => json({ n: 'seven' }) as unknown as { status: 200; json: { n: number } },
    ),
    defineRoute(
      probe('/api/probe/undeclared', { 204: { description: 'nothing' } }),
      () => json({ surprise: true }) as unknown as { status: 204 },
    ),
  ];
}

function deferred() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describeModes('HTTP core', (cluster) => {
  let node: RunningNode;
  const gate = deferred();
  const logs = captureLogs();

  beforeAll(async () => {
    node = await cluster.start(
      {},
      { extraRoutes: probeRoutes({ open: gate.promise }), log: logs.log },
    );
  });

  it('serves /healthz and /readyz with security headers and a request id', async () => {
    const health = await request(node.url, '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok' });
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('x-frame-options')).toBe('DENY');
    expect(health.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const ready = await request(node.url, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      checks: { database: 'ok', redis: cluster.mode === 'full' ? 'ok' : 'absent' },
    });
  });

  it('answers unknown routes and scanner paths with a JSON 404, and counts scanners', async () => {
    for (const path of ['/api/nope', '/.env', '/wp-login.php', '/.git/config', '/x/%2eenv']) {
      const res = await request(node.url, path);
      expect(res.status, path).toBe(404);
      expect(errorBodySchema.parse(res.body).error.code).toBe('not_found');
    }
    const metrics = await request<string>(node.url, '/metrics');
    expect(metrics.text).toMatch(/parley_scanner_blocked_total\{[^}]*\} 3/);
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const res = await request(node.url, '/api/probe/echo');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('parses JSON bodies and path params', async () => {
    const echo = await request(node.url, '/api/probe/echo', { json: { name: 'ada', n: 3 } });
    expect(echo).toMatchObject({ status: 200, body: { got: { name: 'ada', n: 3 } } });
    const item = await request(node.url, '/api/probe/items/a%20b');
    expect(item.body).toEqual({ id: 'a b' });
  });

  it('refuses malformed JSON with 400 and a schema mismatch with 400 and issues', async () => {
    const malformed = await request(node.url, '/api/probe/echo', {
      body: '{"name": "ada",',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(errorBodySchema.parse(malformed.body).error.code).toBe('bad_request');

    const mismatch = await request(node.url, '/api/probe/echo', { json: { name: '', n: 1.5 } });
    expect(mismatch.status).toBe(400);
    const issues = errorBodySchema.parse(mismatch.body).error.issues ?? [];
    expect(issues.map((i) => i.path).sort()).toEqual(['body.n', 'body.name']);
  });

  it('refuses an unsupported content type with 415', async () => {
    const res = await request(node.url, '/api/probe/echo', {
      body: 'name=ada',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(errorBodySchema.parse(res.body).error.code).toBe('unsupported_media_type');
  });

  it('refuses a 3 MB body with 413, declared or streamed', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x20);
    const declared = await request(node.url, '/api/probe/echo', {
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    expect(errorBodySchema.parse(declared.body).error.code).toBe('payload_too_large');

    // Chunked: no Content-Length, so the cap is enforced while the body streams in.
    const streamed = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(node.url);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/probe/echo',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 12) {
          sent++;
          if (!req.write(chunk)) return req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(streamed).toBe(413);
  });

  it('turns a thrown error into a generic 500 that leaks nothing of the cause', async () => {
    const res = await request(node.url, '/api/probe/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: 'internal', message: 'Something went wrong on our side.' },
    });
    expect(res.text).not.toMatch(/secret_table|db\.ts|at \//);
  });

  it('answers 500 and logs the route when a reply breaks its contract', async () => {
    const drifted = await request(node.url, '/api/probe/drifted');
    expect(drifted.status).toBe(500);
    expect(errorBodySchema.parse(drifted.body).error.code).toBe('internal');
    expect((await request(node.url, '/api/probe/undeclared')).status).toBe(500);
    const violations = logs.lines.filter((l) => l.event === 'http.contract_violation');
    expect(violations.map((l) => l.route)).toEqual(['/api/probe/drifted', '/api/probe/undeclared']);
    expect(String(violations[0]?.problem)).toMatch(/reply\.n/);
    expect(String(violations[1]?.problem)).toMatch(/status 200 is not declared/);
  });

  it('maps an AppError to its status and safe message', async () => {
    const res = await request(node.url, '/api/probe/conflict');
    expect(res).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', message: 'Already claimed.' } },
    });
  });

  it('lets an in-flight request finish on shutdown and refuses new connections', async () => {
    // A failure before the gate opens must not leave the cluster's shutdown waiting on it.
    onTestFinished(() => gate.open());
    const drainNode = await cluster.start({}, { extraRoutes: probeRoutes({ open: gate.promise }) });
    const inFlight = request(drainNode.url, '/api/probe/slow');
    await waitFor(() => drainNode.app.http.inFlight === 1);
    const stopped = drainNode.shutdown();
    const ready = await Promise.race([
      stopped.then(() => 'stopped'),
      sleep(300).then(() => 'waiting'),
    ]);
    expect(ready).toBe('waiting');
    await expect(request(drainNode.url, '/healthz')).rejects.toThrow();
    gate.open();
    expect(await inFlight).toMatchObject({ status: 200, body: { finished: true } });
    await stopped;
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(10);
  }
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
