import type { Logger } from 'pino';
import type { Route } from '../http/route';
import type { Database } from '../persistence/db';
import type { Fabric } from '../ports';
import type { Runtime } from '../runtime/runtime';
import { createAnalyticsPusher, type AnalyticsPusher } from './analytics-pusher';
import { createAnalyticsSummary, type BreakerView, type Summarize } from './analytics-summary.pg';
import { analyticsRoutes } from './analytics.routes';

export interface AnalyticsDeps {
  database: Database;
  fabric: Fabric;
  runtime: Pick<Runtime, 'events'>;
  log: Logger;
  /** This node's AI breakers, read-only, for the provider health in the summary. */
  breakers?: BreakerView | null;
}

export interface Analytics {
  readonly summary: Summarize;
  readonly routes: Route[];
  /** `analytics:updated` pushes; the socket layer listens to its `summary` events. */
  readonly pusher: AnalyticsPusher;
}

/**
 * The analytics of a node: the summary reader, its route, and the pusher, which every commit
 * touches. The counters themselves are written by the analytics projector inside the commit (runtime/commit.ts).
 */
export function createAnalytics(deps: AnalyticsDeps): Analytics {
  const summary = createAnalyticsSummary({ database: deps.database, breakers: deps.breakers });
  const pusher = createAnalyticsPusher({
    summary,
    fabric: deps.fabric,
    log: deps.log.child({ component: 'analytics' }),
  });
  deps.runtime.events.on('committed', (change) => pusher.touch(change.businessId));
  return { summary, routes: analyticsRoutes({ summary }), pusher };
}
