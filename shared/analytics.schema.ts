import { z } from 'zod';
import { CHANNELS, CONVERSATION_STATES } from './domain';

/**
 * docs/api.md, "Analytics": `GET /api/analytics/summary` and the `analytics:updated` push carry the
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

/**
 * First response times are kept as a histogram (log-scale ms buckets), so a percentile is the
 * upper bound of the bucket that holds it (the largest finite bound for the overflow bucket).
 */
export const percentilesSchema = z.object({
  count: z.number().int(),
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
});

/**
 * Verified revenue (a payment matched to its order by the machine). `by` is the order's
 * attribution: `bot` for an order the bot's checkout created, `human` for one an agent created.
 */
export const revenueRowSchema = z.object({
  currency: z.string(),
  channel: z.enum(CHANNELS),
  by: z.enum(['bot', 'human']),
  amountMinor: z.number().int(),
});

/** Ranges up to 48 hours are charted per hour, longer ones per day (UTC). */
export const SERIES_HOURLY_MAX_MS = 48 * 60 * 60 * 1000;

export const seriesPointSchema = z.object({
  /** Start of the hour (or of the day, see `granularity`), ISO 8601 UTC. */
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
  /** The effective period: `from` rounded down and `to` rounded up to whole hours. */
  from: z.string(),
  to: z.string(),
  /** Of `series`: hours for a period up to 48 hours, days beyond. Only non-empty points. */
  granularity: z.enum(['hour', 'day']),
  generatedAt: z.string(),
  /** Conversations by current state and channel (now, not limited to the period). */
  byState: z.record(z.enum(CONVERSATION_STATES), byChannel),
  newConversations: z.object({ total: z.number().int(), byChannel }),
  inboundMessages: z.object({ total: z.number().int(), byChannel }),
  firstResponse: z.object({ bot: percentilesSchema, human: percentilesSchema }),
  /**
   * Handoffs / new conversations, in the period. A handoff is counted each time a conversation
   * enters `handoff` from another state, so a conversation handed over twice counts twice.
   */
  handoffRate: z.number().nullable(),
  /**
   * In the period: new conversations, checkouts opened and checkouts paid (each counted once per
   * conversation and order). `checkoutConversion` is paid / checkout.
   */
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

/**
 * `conversations.facts`: the milestones the analytics projection needs to count each thing once
 * (times are epoch ms on the database clock, from the inbox rows). Parsed when read.
 */
export const analyticsFactsSchema = z.object({
  firstInboundAt: z.number().optional(),
  firstBotReplyAt: z.number().optional(),
  /** Start of the current (or last) handoff; each entry into `handoff` resets the agent reply. */
  handoffAt: z.number().optional(),
  firstAgentReplyAt: z.number().nullable().optional(),
  handoffs: z.number().int().optional(),
  /** Orders that reached checkout / were paid in this conversation (latest few, for dedupe). */
  checkoutOrders: z.array(z.string()).optional(),
  paidOrders: z.array(z.string()).optional(),
});
export type AnalyticsFacts = z.infer<typeof analyticsFactsSchema>;
