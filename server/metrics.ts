import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per app instance (not prom-client's global one), so several nodes can run in one
 * test process without their counters colliding.
 */
export function createMetrics(options: { nodeId: string; defaultMetrics?: boolean }) {
  const registry = new Registry();
  registry.setDefaultLabels({ node: options.nodeId });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  return {
    registry,
    httpRequests: new Counter({
      name: 'parley_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request latency by method and route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    scannerBlocked: new Counter({
      name: 'parley_scanner_blocked_total',
      help: 'Requests for scanner paths refused before routing',
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'parley_rate_limited_total',
      help: 'Requests refused with 429 by the per-IP limit',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
