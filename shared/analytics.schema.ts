import { z } from 'zod';
import { CHANNELS, CONVERSATION_STATES } from './domain';

/**
 * api.md, "Analytics": `GET /api/analytics/summary` and the `analytics:updated` push carry the
 * same summary. Figures over a period use [from, to) (hour buckets, UTC); `byState` is now.
 */

export const analyticsQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: '`from` must be before `to`',
  });
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>;

const byChannel = z.record(z.enum(CHANNELS), z.number());

export const percentilesSchema = z.object({
  count: z.number().int(),
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
});

export const revenueRowSchema = z.object({
  currency: z.string(),
  channel: z.enum(CHANNELS),
  by: z.enum(['bot', 'human']),
  amountMinor: z.number().int(),
});

export const seriesPointSchema = z.object({
  /** Start of the hour, ISO 8601 UTC. */
  bucket: z.string(),
  channel: z.enum(CHANNELS),
  newConversations: z.number().int(),
  inboundMessages: z.number().int(),
  /** Verified revenue in that hour, per currency. */
  revenue: z.array(
    z.object({ currency: z.string(), by: z.enum(['bot', 'human']), amountMinor: z.number().int() }),
  ),
});

export const providerHealthSchema = z.object({
  provider: z.string(),
  calls: z.number().int(),
  failures: z.number().int(),
  /** This node's circuit breaker for the business, when it has one. */
  breaker: z.enum(['closed', 'open', 'half-open']).nullable(),
  lastFailureAt: z.string().nullable(),
});

export const analyticsSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  /** Conversations by current state and channel (now, not limited to the period). */
  byState: z.record(z.enum(CONVERSATION_STATES), byChannel),
  newConversations: z.object({ total: z.number().int(), byChannel }),
  inboundMessages: z.object({ total: z.number().int(), byChannel }),
  firstResponse: z.object({ bot: percentilesSchema, human: percentilesSchema }),
  /** Conversations handed to a human / new conversations, in the period. */
  handoffRate: z.number().nullable(),
  /** bot → checkout → paid, conversations in the period. */
  funnel: z.object({
    conversations: z.number().int(),
    checkout: z.number().int(),
    paid: z.number().int(),
  }),
  checkoutConversion: z.number().nullable(),
  revenue: z.array(revenueRowSchema),
  series: z.array(seriesPointSchema),
  aiProviders: z.array(providerHealthSchema),
});
export type AnalyticsSummary = z.infer<typeof analyticsSummarySchema>;
