import type { Logger } from 'pino';
import { createAccessTokens } from './auth/access-tokens';
import { createAuthenticator } from './auth/authenticator';
import type { Config } from './config';
import { createHttpApp, type HttpApp } from './http/http-app';
import type { Route } from './http/route';
import { createMetrics, type Metrics } from './metrics';
import { opsRoutes } from './ops.routes';
import type { Database } from './persistence/db';
import type { Fabric } from './ports';

export interface AppDeps {
  config: Config;
  log: Logger;
  database: Database;
  fabric: Fabric;
  /** Extra routes, for tests of the HTTP core itself. */
  extraRoutes?: Route[];
}

export interface App {
  readonly http: HttpApp;
  readonly metrics: Metrics;
  /** Every route the node serves; the isolation test enumerates the non-public ones. */
  readonly routes: readonly Route[];
  readonly database: Database;
  /** Stop accepting, let in-flight requests finish (bounded), then close every pool. */
  shutdown(): Promise<void>;
}

/** Wires the product from already-opened adapters; `main.ts` opens them. */
export function createApp(deps: AppDeps): App {
  const { config, log, database, fabric } = deps;
  const metrics = createMetrics({ nodeId: config.nodeId });
  let draining = false;

  const ipLimiter = fabric.rateLimiter({
    name: 'ip',
    limit: config.http.rateLimitPerMinute,
    windowMs: 60_000,
  });

  const tokens = createAccessTokens({
    current: config.secrets.jwtSecret,
    previous: config.secrets.jwtPreviousSecrets,
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
    authenticator: createAuthenticator({ db: database.db, tokens }),
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
    routes,
    database,
    shutdown: () => (shuttingDown ??= shutdown()),
  };
}
