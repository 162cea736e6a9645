import { analyticsFactsSchema, type AnalyticsFacts } from '../../shared/analytics.schema';
import type { Channel, ConversationState } from '../../shared/domain';
import { topLevel, topLevelOf } from '../../actors';
import type { Pipeline } from '../persistence/pipeline';
import type { LoadedConversation } from '../runtime/conversation.types';
import type { Projector } from '../runtime/projector';
import { isUuid } from '../persistence/tenant';
import { frtMetric } from './histogram';

/**
 * The analytics read model, a projector kept inside the transition's transaction: a
 * committed batch counts exactly once, a rolled-back one not at all, and nothing lives only in
 * memory, so the figures survive restarts and failovers.
 *
 * What is counted, and when (the hour of the inbox row that caused it, on the database clock):
 * - `conversations.new`: the conversation's first event ever (its version was 0).
 * - `messages.inbound`: every customer message.
 * - `handoffs`: each entry into `handoff` from another top-level state (an episode; a
 *   conversation handed back to the bot and over again counts twice).
 * - `checkouts` / `paid`: once per conversation and order: a checkout the machine opened (or
 *   paid at once for a payment that came early), a payment the machine matched (`fulfilOrder`).
 * - `revenue.<CURRENCY>.<bot|human>`: the paid amount, attributed by the order's
 *   `attributed_to` (the bot's checkout → bot, an agent's order → human).
 * - `frt.bot.le_*`: first bot message − first customer message, once per conversation.
 * - `frt.human.le_*`: first agent message (ours or typed in Meta's inbox) − handoff start,
 *   once per handoff episode.
 * Gauges (`analytics_gauges`) hold conversations by current top-level state and channel.
 */

/** Rows of a business spread over this many slots, so conversations do not queue on one lock. */
export const ANALYTICS_SLOTS = 8;
const HOUR_MS = 3_600_000;
/** Placeholder in a revenue metric, resolved from the order's attribution in SQL. */
const BY = '{by}';
/** Dedupe lists in the facts keep this many order ids. */
const KEEP_ORDERS = 20;

export interface ProjectedEvent {
  row: { id: number; type: string; payload: Record<string, unknown>; receivedAt: number };
  fromPath: string;
  result: {
    state: ConversationState;
    changed: boolean;
    effects: readonly { type: string; params: unknown }[];
  } | null;
}

export interface AnalyticsBatch {
  businessId: string;
  conversationId: string;
  channel: Channel;
  shard: number;
  /** The version before the batch; 0 for a conversation that never saw an event. */
  previousVersion: number;
  /** Top-level state before and after the batch. */
  fromState: ConversationState;
  toState: ConversationState;
  events: readonly ProjectedEvent[];
  /** `conversations.facts` as stored before the batch. */
  facts: unknown;
}

export interface BucketIncrement {
  hour: number;
  metric: string;
  value: number;
  /** For revenue: the order whose attribution fills in `{by}`. */
  orderId: string | null;
}

export interface AnalyticsDelta {
  buckets: BucketIncrement[];
  gauges: { state: ConversationState; delta: number }[];
  /** The new facts, or null when they did not change. */
  facts: AnalyticsFacts | null;
}

/** The batch as `commit` has it: the conversation before and after, the planned events. */
export function analyticsBatch(
  before: LoadedConversation,
  after: LoadedConversation,
  planned: readonly ProjectedEvent[],
  facts: unknown,
): AnalyticsBatch {
  return {
    businessId: before.businessId,
    conversationId: before.id,
    channel: before.channel,
    shard: before.shard,
    previousVersion: before.version,
    fromState: topLevel(before.snapshot.value),
    toState: topLevel(after.snapshot.value),
    events: planned,
    facts,
  };
}
const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const keep = (list: string[] | undefined, id: string) => [...(list ?? []), id].slice(-KEEP_ORDERS);

/** Pure: what a batch adds to the counters, gauges and facts. */
export function deriveAnalytics(batch: AnalyticsBatch): AnalyticsDelta {
  const parsed = analyticsFactsSchema.safeParse(batch.facts ?? {});
  const before: AnalyticsFacts = parsed.success ? parsed.data : {};
  const facts: AnalyticsFacts = { ...before };
  const sums = new Map<string, BucketIncrement>();
  const add = (at: number, metric: string, value: number, orderId: string | null = null) => {
    const key = `${hourOf(at)}|${metric}|${orderId ?? ''}`;
    const hit = sums.get(key);
    if (hit) hit.value += value;
    else sums.set(key, { hour: hourOf(at), metric, value, orderId });
  };

  const first = batch.events[0];
  if (batch.previousVersion === 0 && first) add(first.row.receivedAt, 'conversations.new', 1);

  const agentSpoke = (at: number) => {
    if (facts.handoffAt === undefined || facts.firstAgentReplyAt != null) return;
    facts.firstAgentReplyAt = at;
    add(at, frtMetric('human', Math.max(0, at - facts.handoffAt)), 1);
  };

  for (const { row, fromPath, result } of batch.events) {
    const at = row.receivedAt;
    const p = row.payload;
    if (row.type === 'customer.message') {
      add(at, 'messages.inbound', 1);
      facts.firstInboundAt ??= at;
    }
    if (row.type === 'message.echo' && p.ours !== true) agentSpoke(at);
    if (!result) continue;

    const from = topLevelOf(fromPath);
    if (result.state === 'handoff' && from !== 'handoff') {
      add(at, 'handoffs', 1);
      facts.handoffs = (facts.handoffs ?? 0) + 1;
      facts.handoffAt = at;
      facts.firstAgentReplyAt = null;
    }
    if (
      row.type === 'checkout.created' &&
      result.changed &&
      (result.state === 'checkout' || result.state === 'paid') &&
      typeof p.orderId === 'string' &&
      !facts.checkoutOrders?.includes(p.orderId)
    ) {
      add(at, 'checkouts', 1);
      facts.checkoutOrders = keep(facts.checkoutOrders, p.orderId);
    }
    for (const effect of result.effects) {
      if (effect.type === 'sendMessage') {
        const author = (effect.params as { author?: string }).author;
        if (author === 'bot' && facts.firstInboundAt !== undefined && !facts.firstBotReplyAt) {
          facts.firstBotReplyAt = at;
          add(at, frtMetric('bot', Math.max(0, at - facts.firstInboundAt)), 1);
        }
        if (author === 'agent') agentSpoke(at);
      }
      if (effect.type === 'fulfilOrder') {
        const paid = effect.params as { orderId: string; amountMinor: number; currency: string };
        if (facts.paidOrders?.includes(paid.orderId)) continue;
        facts.paidOrders = keep(facts.paidOrders, paid.orderId);
        add(at, 'paid', 1);
        const orderId = isUuid(paid.orderId) ? paid.orderId : null;
        add(at, `revenue.${paid.currency.toUpperCase()}.${BY}`, paid.amountMinor, orderId);
      }
    }
  }

  const gauges: AnalyticsDelta['gauges'] = [];
  if (batch.previousVersion === 0) {
    gauges.push({ state: batch.toState, delta: 1 });
  } else if (batch.fromState !== batch.toState) {
    gauges.push({ state: batch.fromState, delta: -1 }, { state: batch.toState, delta: 1 });
  }
  const changed = JSON.stringify(facts) !== JSON.stringify(before);
  return { buckets: [...sums.values()], gauges, facts: changed ? facts : null };
}

/**
 * Writes a batch's counters in the caller's transaction pipeline: at most one upsert of hour
 * buckets and one of gauges. The new facts (`delta.facts`) go into the caller's own
 * `update conversations`, with the snapshot.
 */
export function writeAnalytics(pipe: Pipeline, batch: AnalyticsBatch, delta: AnalyticsDelta): void {
  const slot = batch.shard % ANALYTICS_SLOTS;
  if (delta.buckets.length > 0) {
    // Grouped, because two orders may resolve to the same `{by}` (one row may not be hit twice).
    pipe.query(
      `insert into analytics_buckets (business_id, bucket, channel, metric, slot, value)
       select $1::uuid, to_timestamp(x.hour / 1000), $2, x.metric, $3, sum(x.value)
         from (select r.hour, r.value,
                      replace(r.metric, '${BY}', coalesce(
                        (select case o.attributed_to when 'agent' then 'human' else 'bot' end
                           from orders o where o.id = r.order_id and o.business_id = $1::uuid),
                        'bot')) as metric
                 from unnest($4::float8[], $5::text[], $6::bigint[], $7::uuid[])
                      as r(hour, metric, value, order_id)) x
        group by x.hour, x.metric
       on conflict (business_id, bucket, channel, metric, slot)
       do update set value = analytics_buckets.value + excluded.value`,
      [
        batch.businessId,
        batch.channel,
        slot,
        delta.buckets.map((b) => b.hour),
        delta.buckets.map((b) => b.metric),
        delta.buckets.map((b) => b.value),
        delta.buckets.map((b) => b.orderId),
      ],
    );
  }
  if (delta.gauges.length > 0) {
    pipe.query(
      `insert into analytics_gauges (business_id, channel, state, slot, count)
       select $1::uuid, $2, g.state, $3, g.delta
         from unnest($4::text[], $5::bigint[]) as g(state, delta)
       on conflict (business_id, channel, state, slot)
       do update set count = analytics_gauges.count + excluded.count`,
      [
        batch.businessId,
        batch.channel,
        slot,
        delta.gauges.map((g) => g.state),
        delta.gauges.map((g) => g.delta),
      ],
    );
  }
}

/** Counters and gauges per batch; keeps the conversation's facts (what has been counted). */
export const analyticsProjector: Projector = {
  name: 'analytics',
  batch({ pipe, before, after, events }) {
    const batch = analyticsBatch(before, after, events, before.facts);
    const delta = deriveAnalytics(batch);
    writeAnalytics(pipe, batch, delta);
    return delta.facts ? { facts: delta.facts } : null;
  },
};
