import type { Logger } from 'pino';
import type { Config } from './config';
import { createHttpApp, type HttpApp } from './http/http-app';
import type { Route } from './http/route';
import { createMetrics, type Metrics } from './metrics';
import { opsRoutes } from './ops.routes';
import type { Database } from './persistence/db';
import type { Fabric } from './ports';
import type { Runtime } from './runtime/runtime';

export interface AppDeps {
  config: Config;
  log: Logger;
  database: Database;
  fabric: Fabric;
  runtime: Runtime;
  /** The node's registry, when parts built before the app (the AI) register metrics on it. */
  metrics?: Metrics;
  /** Extra routes, for tests of the HTTP core itself. */
  extraRoutes?: Route[];
}

export interface App {
  readonly http: HttpApp;
  readonly metrics: Metrics;
  readonly runtime: Runtime;
  readonly database: Database;
  /** Stop accepting, let in-flight requests finish (bounded), then close every pool. */
  shutdown(): Promise<void>;
}

/** Wires the product from already-opened adapters; `main.ts` opens them. */
export function createApp(deps: AppDeps): App {
  const { config, log, database, fabric, runtime } = deps;
  const metrics = deps.metrics ?? createMetrics({ nodeId: config.nodeId });
  let draining = false;

  const ipLimiter = fabric.rateLimiter({
    name: 'ip',
    limit: config.http.rateLimitPerMinute,
    windowMs: 60_000,
  });

  const routes: Route[] = [
    ...opsRoutes({ nodeId: config.nodeId, database, fabric, metrics, isDraining: () => draining }),
    ...(deps.extraRoutes ?? []),
  ];

  const http = createHttpApp({
    log,
    metrics,
    ipLimiter,
    routes,
    trustedProxies: config.http.trustedProxies,
    publicUrl: config.publicUrl,
    bodyLimitBytes: config.http.bodyLimitBytes,
    uploadLimitBytes: config.http.uploadLimitBytes,
  });

  let shuttingDown: Promise<void> | null = null;
  async function shutdown() {
    draining = true;
    http.stopListening();
    // Leave a slice of the budget for closing pools after the drain.
    const drained = await http.drain(Math.max(100, config.shutdownTimeoutMs - 1500));
    if (!drained) {
      log.warn(
        { event: 'shutdown.drain_timeout', inFlight: http.inFlight },
        'requests still in flight at shutdown',
      );
    }
    await Promise.allSettled([fabric.close(), database.close()]);
  }

  return {
    http,
    metrics,
    runtime,
    database,
    shutdown: () => (shuttingDown ??= shutdown()),
  };
}
