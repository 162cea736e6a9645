import { opsContracts } from '../shared/api/ops.contract';
import type { Health, Readiness } from '../shared/ops.schema';
import { content, defineRoute, json, type Route } from './http/route';
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
    defineRoute(opsContracts.health, () =>
      json({ status: 'ok', node: deps.nodeId } satisfies Health),
    ),
    defineRoute(opsContracts.readiness, async () => {
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
    }),
    defineRoute(opsContracts.metrics, async () =>
      content(await deps.metrics.registry.metrics(), deps.metrics.registry.contentType),
    ),
  ];
}
