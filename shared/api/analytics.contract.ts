import { analyticsQuerySchema, analyticsSummarySchema } from '../analytics.schema';
import { defineContract } from './contract';

export const analyticsContracts = {
  summary: defineContract({
    method: 'GET',
    path: '/api/analytics/summary',
    access: 'admin',
    tag: 'analytics',
    summary: 'Conversion, revenue and provider health over [from, to)',
    query: analyticsQuerySchema,
    responses: { 200: { description: 'The summary.', json: analyticsSummarySchema } },
  }),
} as const;
