import { healthSchema, readinessSchema } from '../ops.schema';
import { defineContract } from './contract';

/** Probes come from one address, so none of these is rate limited. */
export const opsContracts = {
  health: defineContract({
    method: 'GET',
    path: '/healthz',
    access: 'public',
    tag: 'ops',
    summary: 'Liveness: the process answers',
    rateLimit: 'none',
    responses: { 200: { description: 'The node is up.', json: healthSchema } },
  }),
  readiness: defineContract({
    method: 'GET',
    path: '/readyz',
    access: 'public',
    tag: 'ops',
    summary: 'Readiness: the database and Redis answer and the node is not draining',
    rateLimit: 'none',
    responses: {
      200: { description: 'Ready for traffic.', json: readinessSchema },
      503: { description: 'Not ready, or draining.', json: readinessSchema },
    },
  }),
  metrics: defineContract({
    method: 'GET',
    path: '/metrics',
    access: 'public',
    tag: 'ops',
    summary: 'Prometheus metrics of this node',
    rateLimit: 'none',
    responses: {
      200: {
        description: 'The text exposition format.',
        content: { 'text/plain': { description: 'Prometheus text format 0.0.4.' } },
      },
    },
  }),
} as const;
