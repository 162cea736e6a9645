import { describe, expect, it } from 'vitest';
import type { ConversationState } from '../../shared/domain';
import {
  deriveAnalytics,
  type AnalyticsBatch,
  type AnalyticsDelta,
  type ProjectedEvent,
} from './analytics.projection';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T10:15:00Z');
const ORDER = '6f1c2a0e-1111-4a2b-8c3d-000000000001';

let nextId = 1;
const event = (
  type: string,
  at: number,
  fromPath: string,
  result: {
    state: ConversationState;
    effects?: { type: string; params: unknown }[];
    changed?: boolean;
  } | null,
  payload: Record<string, unknown> = {},
): ProjectedEvent => ({
  row: { id: nextId++, type, payload, receivedAt: at },
  fromPath,
  result: result && { changed: true, effects: [], ...result },
});
const say = (author: string) => ({ type: 'sendMessage', params: { author, text: 'x' } });

const batch = (events: ProjectedEvent[], over: Partial<AnalyticsBatch> = {}): AnalyticsBatch => ({
  businessId: 'b',
  conversationId: 'c',
  channel: 'whatsapp',
  shard: 3,
  previousVersion: 4,
  fromState: 'bot',
  toState: 'bot',
  events,
  facts: {},
  ...over,
});

const metrics = (delta: AnalyticsDelta) =>
  Object.fromEntries(delta.buckets.map((x) => [`${x.metric}@${x.hour}`, x.value]));

describe('analytics projection (pure part)', () => {
  it('counts a new conversation, its inbound messages and the first bot reply once', () => {
    const delta = deriveAnalytics(
      batch(
        [
          event('customer.message', T0, 'bot.idle', { state: 'bot' }),
          event('customer.message', T0 + 100, 'bot.thinking', { state: 'bot' }),
          event('ai.replied', T0 + 1_800, 'bot.thinking', { state: 'bot', effects: [say('bot')] }),
          event('ai.replied', T0 + 2_500, 'bot.thinking', { state: 'bot', effects: [say('bot')] }),
        ],
        { previousVersion: 0 },
      ),
    );
    const hour = Math.floor(T0 / HOUR) * HOUR;
    expect(delta.buckets).toEqual(
      expect.arrayContaining([
        { hour, metric: 'conversations.new', value: 1, orderId: null },
        { hour, metric: 'messages.inbound', value: 2, orderId: null },
        { hour, metric: 'frt.bot.le_2000', value: 1, orderId: null },
      ]),
    );
    expect(delta.buckets).toHaveLength(3);
    expect(delta.gauges).toEqual([{ state: 'bot', delta: 1 }]);
    expect(delta.facts).toEqual({ firstInboundAt: T0, firstBotReplyAt: T0 + 1_800 });
  });

  it('moves the gauge once per batch, and counts each handoff episode with its own agent reply', () => {
    const facts = { firstInboundAt: T0, firstBotReplyAt: T0 + 1000 };
    const first = deriveAnalytics(
      batch(
        [
          event('ai.failed', T0 + HOUR, 'bot.thinking', {
            state: 'handoff',
            effects: [say('bot')],
          }),
          event('agent.claimed', T0 + HOUR + 10, 'handoff.queued', { state: 'handoff' }),
          event('agent.replied', T0 + HOUR + 45_000, 'handoff.assigned', {
            state: 'handoff',
            effects: [say('agent')],
          }),
          event('agent.replied', T0 + HOUR + 90_000, 'handoff.assigned', {
            state: 'handoff',
            effects: [say('agent')],
          }),
        ],
        { facts, toState: 'handoff' },
      ),
    );
    const hour = Math.floor((T0 + HOUR) / HOUR) * HOUR;
    expect(metrics(first)).toEqual({
      [`handoffs@${hour}`]: 1,
      [`frt.human.le_60000@${hour}`]: 1,
    });
    expect(first.gauges).toEqual([
      { state: 'bot', delta: -1 },
      { state: 'handoff', delta: 1 },
    ]);

    // Released to the bot, handed off again: a second episode, measured from its own start.
    const second = deriveAnalytics(
      batch(
        [
          event('agent.released', T0 + 2 * HOUR, 'handoff.assigned', { state: 'bot' }),
          event('checkout.failed', T0 + 2 * HOUR + 5, 'bot.idle', { state: 'handoff' }),
          event('message.echo', T0 + 2 * HOUR + 1_005, 'handoff.queued', null, { ours: false }),
        ],
        { facts: first.facts, fromState: 'handoff', toState: 'handoff' },
      ),
    );
    expect(second.gauges).toEqual([]);
    expect(second.buckets.map((b) => [b.metric, b.value])).toEqual([
      ['handoffs', 1],
      ['frt.human.le_1000', 1],
    ]);
    expect(second.facts).toMatchObject({ handoffs: 2, firstAgentReplyAt: T0 + 2 * HOUR + 1_005 });
  });

  it('counts a checkout and a payment once per order, with the revenue left to the order', () => {
    const pay = {
      type: 'fulfilOrder',
      params: { orderId: ORDER, amountMinor: 6200, currency: 'usd' },
    };
    const opened = deriveAnalytics(
      batch(
        [
          event('checkout.created', T0, 'bot.idle', { state: 'checkout' }, { orderId: ORDER }),
          event('payment.succeeded', T0 + 10, 'checkout', { state: 'paid', effects: [pay] }),
        ],
        { toState: 'paid' },
      ),
    );
    expect(opened.buckets.map((b) => [b.metric, b.value, b.orderId])).toEqual([
      ['checkouts', 1, null],
      ['paid', 1, null],
      ['revenue.USD.{by}', 6200, ORDER],
    ]);
    // The same order again (a replayed effect, a second checkout.created): nothing more.
    const again = deriveAnalytics(
      batch(
        [
          event('checkout.created', T0 + 20, 'paid', { state: 'checkout' }, { orderId: ORDER }),
          event('payment.succeeded', T0 + 30, 'checkout', { state: 'paid', effects: [pay] }),
        ],
        { facts: opened.facts, fromState: 'paid', toState: 'paid' },
      ),
    );
    expect(again.buckets).toEqual([]);
    expect(again.facts).toBeNull();
  });

  it('survives facts it cannot read (treated as none)', () => {
    const delta = deriveAnalytics(
      batch([event('customer.message', T0, 'bot.idle', { state: 'bot' })], {
        facts: { firstInboundAt: 'yesterday' },
      }),
    );
    expect(delta.facts).toEqual({ firstInboundAt: T0 });
  });
});
