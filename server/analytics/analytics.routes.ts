import { analyticsQuerySchema } from '../../shared/analytics.schema';
import { defineRoute, json, type Route } from '../http/route';
import type { Summarize } from './analytics-summary.pg';

/** `GET /api/analytics/summary?from=&to=` (owner/admin; docs/api.md, "Analytics"). */
export function analyticsRoutes(deps: { summary: Summarize }): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/analytics/summary',
      access: 'admin',
      query: analyticsQuerySchema,
      handler: async (ctx) => json(await deps.summary(ctx.auth.businessId, ctx.query)),
    }),
  ];
}
