import fc from 'fast-check';
import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../shared/conversation.events';
import { conversationMachine } from './conversation.machine';
import {
  startConversation,
  stepConversation,
  type PersistedConversation,
} from './conversation.step';

/**
 * Guarantee 6 (docs/architecture.md, "Guarantees"): persisting to JSON and restoring between any
 * two steps changes nothing. One run keeps the live snapshot object; the other goes through JSON
 * after every event, as the actor host does. They must agree on state, context and the effects
 * asked for, at every step.
 */

const AFTER_EVENTS = [
  'xstate.after.checkoutTtl.conversation.checkout',
  'xstate.after.handoffWait.conversation.handoff.queued',
];

type Draft =
  | { kind: 'event'; event: Omit<ConversationEvent, 'eventId' | 'at'>; currentRequest: boolean }
  | { kind: 'timer'; type: string };

const money = { amountMinor: fc.constantFrom(2400, 2300), currency: fc.constantFrom('USD', 'EUR') };
const orderId = fc.constantFrom('o1', 'o2');
const agentId = fc.constantFrom('u1', 'u2');
const aiAction = fc.oneof(
  fc.record({ type: fc.constant('handoff' as const), reason: fc.string({ maxLength: 5 }) }),
  fc.record({
    type: fc.constant('checkout' as const),
    items: fc.constant([{ sku: 'MUG', qty: 1 }]),
  }),
  fc.constant({ type: 'invoice' as const }),
  fc.constant({ type: 'order_status' as const }),
);

const draft: fc.Arbitrary<Draft> = fc.oneof(
  fc
    .record({
      type: fc.constant('customer.message' as const),
      messageId: fc.string({ maxLength: 3 }),
      text: fc.string({ maxLength: 8 }),
      attachments: fc.constant([]),
    })
    .map((event) => ({ kind: 'event' as const, event, currentRequest: false })),
  fc
    .tuple(fc.boolean(), fc.string({ maxLength: 8 }), fc.array(aiAction, { maxLength: 2 }))
    .map(([current, text, actions]) => ({
      kind: 'event' as const,
      event: { type: 'ai.replied' as const, requestId: 'stale', text, actions },
      currentRequest: current,
    })),
  fc.boolean().map((current) => ({
    kind: 'event' as const,
    event: { type: 'ai.failed' as const, requestId: 'stale', reason: 'down' },
    currentRequest: current,
  })),
  fc
    .tuple(
      fc.constantFrom('agent.claimed' as const, 'agent.released' as const, 'agent.closed' as const),
      agentId,
    )
    .map(([type, id]) => ({
      kind: 'event' as const,
      event: { type, agentId: id },
      currentRequest: false,
    })),
  agentId.map((id) => ({
    kind: 'event' as const,
    event: { type: 'agent.replied' as const, agentId: id, text: 'hello' },
    currentRequest: false,
  })),
  fc.record({ orderId, ...money }).map((m) => ({
    kind: 'event' as const,
    event: {
      type: 'checkout.created' as const,
      provider: 'stripe' as const,
      reference: `r_${m.orderId}`,
      url: 'https://pay',
      ...m,
    },
    currentRequest: false,
  })),
  fc.constant({
    kind: 'event' as const,
    event: { type: 'checkout.failed' as const, reason: 'provider down' },
    currentRequest: false,
  }),
  fc.record({ orderId, ...money }).map((m) => ({
    kind: 'event' as const,
    event: {
      type: 'payment.succeeded' as const,
      provider: 'stripe' as const,
      reference: `r_${m.orderId}`,
      ...m,
    },
    currentRequest: false,
  })),
  orderId.map((id) => ({
    kind: 'event' as const,
    event: {
      type: 'payment.failed' as const,
      orderId: id,
      reference: `r_${id}`,
      reason: 'declined',
    },
    currentRequest: false,
  })),
  fc
    .constantFrom('consent.withdrawn' as const, 'consent.granted' as const)
    .map((type) => ({ kind: 'event' as const, event: { type }, currentRequest: false })),
  fc.constantFrom(...AFTER_EVENTS).map((type) => ({ kind: 'timer' as const, type })),
);

const effectsOf = (actions: { type: string; params?: unknown }[]) =>
  actions
    .filter(
      (a) =>
        !a.type.startsWith('xstate.') || a.type === 'xstate.raise' || a.type === 'xstate.cancel',
    )
    .map((a) => ({ type: a.type, params: a.params }));

describe('conversation persistence', () => {
  it('persist → JSON → restore between any two steps changes nothing', () => {
    fc.assert(
      fc.property(fc.array(draft, { minLength: 1, maxLength: 40 }), (drafts) => {
        const input = {
          conversationId: 'c1',
          businessId: 'b1',
          channel: 'messenger' as const,
          checkoutTtlMs: 1000,
          handoffWaitMs: 500,
        };
        let [live] = initialTransition(conversationMachine, input);
        let stored: PersistedConversation = JSON.parse(
          JSON.stringify(startConversation(input).snapshot),
        );

        drafts.forEach((d, i) => {
          const event =
            d.kind === 'timer'
              ? { type: d.type }
              : ({
                  ...d.event,
                  eventId: `e${i}`,
                  at: 1000 + i,
                  ...(d.currentRequest ? { requestId: live.context.aiRequest ?? 'none' } : {}),
                } as ConversationEvent);
          const [nextLive, liveActions] = transition(
            conversationMachine,
            live,
            event as ConversationEvent,
          );
          const restored = stepConversation(stored, event);

          expect(restored.snapshot.value).toEqual(nextLive.value);
          expect(restored.snapshot.context).toEqual(nextLive.context);
          const expectedEffects = effectsOf(liveActions).filter(
            (a) => !a.type.startsWith('xstate.'),
          );
          expect(restored.effects).toEqual(expectedEffects);
          const raised = liveActions
            .filter((a) => (a.type as string) === 'xstate.raise')
            .map((a) => (a.params as { id: string }).id);
          expect(restored.armTimers.map((t) => t.id)).toEqual(raised);
          live = nextLive;
          stored = JSON.parse(JSON.stringify(restored.snapshot));
        });
      }),
      { numRuns: 300 },
    );
  });
});
