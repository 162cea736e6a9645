import type { Health, Readiness } from '../shared/ops.schema';
import { defineRoute, json, type Route } from './http/route';
import type { Metrics } from './metrics';
import type { Database } from './persistence/db';
import type { Fabric } from './ports';

export interface OpsDeps {
  nodeId: string;
  database: Database;
  fabric: Fabric;
  metrics: Metrics;
  isDraining: () => boolean;
}

/** Health, readiness and metrics; never rate limited, since probes come from one address. */
export function opsRoutes(deps: OpsDeps): Route[] {
  const probe = async (check: () => Promise<void>) => {
    try {
      await check();
      return 'ok' as const;
    } catch {
      return 'down' as const;
    }
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      access: 'public',
      rateLimit: 'none',
      handler: () => json({ status: 'ok', node: deps.nodeId } satisfies Health),
    }),
    defineRoute({
      method: 'GET',
      path: '/readyz',
      access: 'public',
      rateLimit: 'none',
      async handler() {
        const [database, redis] = await Promise.all([
          probe(() => deps.database.ping(1000)),
          deps.fabric.kind === 'redis' ? probe(() => deps.fabric.ping()) : ('absent' as const),
        ]);
        const draining = deps.isDraining();
        const ready = !draining && database === 'ok' && redis !== 'down';
        const body: Readiness = {
          status: draining ? 'draining' : ready ? 'ready' : 'not_ready',
          node: deps.nodeId,
          checks: { database, redis },
        };
        return json(body, ready ? 200 : 503);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/metrics',
      access: 'public',
      rateLimit: 'none',
      async handler() {
        return {
          body: await deps.metrics.registry.metrics(),
          contentType: deps.metrics.registry.contentType,
        };
      },
    }),
  ];
}
