import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldExchange {
  /** The request body as the client sent it, parsed when JSON. */
  readonly body: unknown;
  /** Lets the provider's answer (already received) through to the client. */
  release(): void;
}

export interface HoldingProxy extends AsyncDisposable {
  readonly url: string;
  /**
   * The next `method path` exchange is forwarded, answered by the target, and then held: the
   * target has done its work but the client does not know yet. Resolves once it is held.
   */
  holdNext(method: string, path: string): Promise<HeldExchange>;
}

/**
 * A pass-through HTTP proxy in front of a fake provider that can hold one answer back. This
 * is how a test makes a provider's webhook arrive before Parley has heard the answer to its own
 * request (a payment before its checkout event), without touching Parley's code.
 */
export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const holds: { method: string; path: string; held: (e: HeldExchange) => void }[] = [];
  const releases: (() => void)[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        }
        const upstream = await fetch(`${target}${req.url ?? '/'}`, {
          method: req.method,
          headers,
          body: body.length > 0 ? body : undefined,
        });
        const payload = Buffer.from(await upstream.arrayBuffer());
        const path = (req.url ?? '').split('?')[0];
        const i = holds.findIndex((h) => h.method === req.method && h.path === path);
        if (i >= 0) {
          const [hold] = holds.splice(i, 1);
          let parsed: unknown = body.toString('utf8');
          try {
            parsed = JSON.parse(parsed as string);
          } catch {
            // not JSON: keep the text
          }
          await new Promise<void>((release) => {
            releases.push(release);
            hold?.held({ body: parsed, release });
          });
        }
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/json',
        });
        res.end(payload);
      })().catch(() => {
        res.writeHead(502);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const close = () =>
    new Promise<void>((resolve) => {
      for (const release of releases) release();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    holdNext: (method, path) => new Promise((held) => holds.push({ method, path, held })),
    [Symbol.asyncDispose]: close,
  };
}
