import { and, assign, enqueueActions, setup } from 'xstate';
import type { ConversationEffect } from '../../shared/conversation.effects';
import type { ConversationEvent, ConversationInput } from '../../shared/conversation.events';
import type { Channel, PaymentProvider } from '../../shared/domain';
import { formatMoney } from '../../shared/money';

/**
 * One customer conversation: `bot → handoff → checkout → paid`, plus `closed` and `optedOut`.
 *
 * Pure by construction (docs/architecture.md, "The conversation machine"): no invoked promises, no
 * spawned children. Every side effect is a named action whose params the host reads from
 * `transition()`'s result and turns into a job; every `after` comes back as a delayed
 * `xstate.raise` that the host stores as a durable timer. A snapshot restored from JSON therefore
 * behaves exactly like a live one.
 */

export interface PendingCheckout {
  orderId: string;
  provider: PaymentProvider;
  reference: string;
  url: string;
  amountMinor: number;
  currency: string;
}

type Ev<T extends ConversationEvent['type']> = Extract<ConversationEvent, { type: T }>;
type Params<T extends ConversationEffect['type']> = Extract<
  ConversationEffect,
  { type: T }
>['params'];
type PaymentEvent = Ev<'payment.succeeded'>;

export interface ConversationContext {
  conversationId: string;
  businessId: string;
  channel: Channel;
  checkoutTtlMs: number;
  handoffWaitMs: number;
  assigneeId: string | null;
  /** The AI request whose reply we wait for; a reply to any other request is stale. */
  aiRequest: string | null;
  handoffReason: string | null;
  checkout: PendingCheckout | null;
  /** Payments that arrived before their checkout (providers do not promise order). */
  earlyPayments: PaymentEvent[];
  lastOrderId: string | null;
}

const checkoutOf = (e: Ev<'checkout.created'>): PendingCheckout => ({
  orderId: e.orderId,
  provider: e.provider,
  reference: e.reference,
  url: e.url,
  amountMinor: e.amountMinor,
  currency: e.currency,
});

/** Only the exact order, reference, amount and currency count as paying a checkout. */
export const paymentMatches = (c: PendingCheckout | null, p: PaymentEvent): boolean =>
  !!c &&
  c.orderId === p.orderId &&
  c.reference === p.reference &&
  c.provider === p.provider &&
  c.amountMinor === p.amountMinor &&
  c.currency.toUpperCase() === p.currency.toUpperCase();

/**
 * A checkout presented again for an earlier order that was paid after the conversation stopped
 * waiting for it, while another checkout is open: the fulfilment it asks for, and the early
 * payments without the one it uses.
 */
function lateFulfilment(context: ConversationContext, event: ConversationEvent) {
  if (event.type !== 'checkout.created') return null;
  const late = checkoutOf(event);
  const payment = context.earlyPayments.find((p) => paymentMatches(late, p));
  if (!payment) return null;
  const { orderId, reference, provider, amountMinor, currency } = late;
  return {
    params: { orderId, reference, provider, amountMinor, currency },
    remaining: context.earlyPayments.filter((p) => p !== payment),
  };
}

// Effect actions do nothing when run: the host reads their params from the transition result.
const describe =
  <T extends ConversationEffect['type']>() =>
  (_: unknown, _params: Params<T>) =>
    undefined;

export const conversationMachine = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
    input: {} as Required<ConversationInput>,
  },
  actions: {
    requestAiReply: describe<'requestAiReply'>(),
    sendMessage: describe<'sendMessage'>(),
    createCheckout: describe<'createCheckout'>(),
    issueInvoice: describe<'issueInvoice'>(),
    reportOrderStatus: describe<'reportOrderStatus'>(),
    fulfilOrder: describe<'fulfilOrder'>(),
    expireCheckout: describe<'expireCheckout'>(),
    cancelCheckout: describe<'cancelCheckout'>(),
    notifyTeam: describe<'notifyTeam'>(),

    askAi: enqueueActions(({ enqueue, event }) => {
      enqueue.assign({ aiRequest: event.eventId });
      enqueue({ type: 'requestAiReply', params: { requestId: event.eventId } });
    }),
    clearAiRequest: assign({ aiRequest: null }),

    /** Says the AI's text and runs its validated actions; handoff is a transition, not here. */
    applyAiReply: enqueueActions(({ enqueue, event, context }) => {
      if (event.type !== 'ai.replied') return;
      enqueue.assign({ aiRequest: null });
      if (event.text.trim())
        enqueue({ type: 'sendMessage', params: { author: 'bot', text: event.text } });
      const orderId = context.checkout?.orderId ?? context.lastOrderId;
      for (const action of event.actions) {
        if (action.type === 'checkout' && !context.checkout) {
          enqueue({
            type: 'createCheckout',
            params: { requestId: event.eventId, items: action.items },
          });
        } else if (action.type === 'invoice') {
          enqueue({ type: 'issueInvoice', params: { requestId: event.eventId, orderId } });
        } else if (action.type === 'order_status') {
          enqueue({ type: 'reportOrderStatus', params: { requestId: event.eventId, orderId } });
        } else if (action.type === 'handoff') {
          enqueue.assign({ handoffReason: action.reason || 'requested by the bot' });
        }
      }
    }),

    fallbackToHuman: enqueueActions(({ enqueue }) => {
      enqueue.assign({ aiRequest: null, handoffReason: 'ai_unavailable' });
      enqueue({ type: 'sendMessage', params: { author: 'bot', template: 'ai_fallback' } });
    }),

    openCheckout: enqueueActions(({ enqueue, event }) => {
      if (event.type !== 'checkout.created') return;
      const checkout = checkoutOf(event);
      enqueue.assign({ checkout, lastOrderId: checkout.orderId });
      enqueue({
        type: 'sendMessage',
        params: {
          author: 'bot',
          template: 'checkout_link',
          vars: { url: checkout.url, amount: formatMoney(checkout.amountMinor, checkout.currency) },
        },
      });
    }),

    /** Fulfils the paid order: from the pending checkout, or from a payment that came early. */
    completePayment: enqueueActions(({ enqueue, context, event }) => {
      const checkout = event.type === 'checkout.created' ? checkoutOf(event) : context.checkout;
      const payment =
        event.type === 'payment.succeeded'
          ? event
          : context.earlyPayments.find((p) => paymentMatches(checkout, p));
      if (!checkout || !payment) return;
      enqueue.assign({
        checkout: null,
        lastOrderId: checkout.orderId,
        earlyPayments: ({ context: c }) => c.earlyPayments.filter((p) => p !== payment),
      });
      enqueue({
        type: 'fulfilOrder',
        params: {
          orderId: checkout.orderId,
          reference: checkout.reference,
          provider: checkout.provider,
          amountMinor: checkout.amountMinor,
          currency: checkout.currency,
          silent: false,
        },
      });
    }),

    /**
     * A checkout that arrives while another is open, or for a contact who opted out: nobody is
     * sent its link, so it is cancelled and its link voided. A payment that still reaches it is
     * recorded as unmatched and the owner is told (the payment intake).
     */
    dropCheckout: enqueueActions(({ enqueue, event }) => {
      if (event.type !== 'checkout.created') return;
      enqueue({ type: 'cancelCheckout', params: { orderId: event.orderId } });
    }),

    /**
     * An earlier order, paid after the conversation stopped waiting for it, presented again
     * while another checkout is open: fulfilled, and the open checkout stays as it is.
     */
    fulfilLatePayment: enqueueActions(({ enqueue, context, event }) => {
      const late = lateFulfilment(context, event);
      if (!late) return;
      enqueue.assign({ earlyPayments: late.remaining });
      enqueue({ type: 'fulfilOrder', params: { ...late.params, silent: false } });
    }),
    fulfilLatePaymentSilently: enqueueActions(({ enqueue, context, event }) => {
      const late = lateFulfilment(context, event);
      if (!late) return;
      enqueue.assign({ earlyPayments: late.remaining });
      enqueue({ type: 'fulfilOrder', params: { ...late.params, silent: true } });
    }),

    keepEarlyPayment: assign({
      // Bounded, so a flood of unmatched payment events cannot grow the snapshot.
      earlyPayments: ({ context, event }) =>
        event.type === 'payment.succeeded'
          ? [...context.earlyPayments, event].slice(-5)
          : context.earlyPayments,
    }),

    assignAgent: assign({
      assigneeId: ({ event }) => ('agentId' in event ? event.agentId : null),
    }),
    unassign: assign({ assigneeId: null, handoffReason: null }),
    sayAgentText: enqueueActions(({ enqueue, event }) => {
      if (event.type !== 'agent.replied') return;
      enqueue({
        type: 'sendMessage',
        params: { author: 'agent', text: event.text, agentId: event.agentId },
      });
    }),
  },
  guards: {
    isCurrentAiRequest: ({ context, event }) =>
      (event.type === 'ai.replied' || event.type === 'ai.failed') &&
      event.requestId === context.aiRequest,
    aiWantsHandoff: ({ event }) =>
      event.type === 'ai.replied' && event.actions.some((a) => a.type === 'handoff'),
    isAssignee: ({ context, event }) => 'agentId' in event && event.agentId === context.assigneeId,
    isUnassigned: ({ context }) => context.assigneeId === null,
    isUnassignedOrAssignee: ({ context, event }) =>
      context.assigneeId === null || ('agentId' in event && event.agentId === context.assigneeId),
    paymentMatchesCheckout: ({ context, event }) =>
      event.type === 'payment.succeeded' && paymentMatches(context.checkout, event),
    paymentFailureMatches: ({ context, event }) =>
      event.type === 'payment.failed' && context.checkout?.orderId === event.orderId,
    earlyPaymentMatches: ({ context, event }) =>
      event.type === 'checkout.created' &&
      context.earlyPayments.some((p) => paymentMatches(checkoutOf(event), p)),
    isOpenCheckout: ({ context, event }) =>
      event.type === 'checkout.created' && context.checkout?.orderId === event.orderId,
  },
  delays: {
    checkoutTtl: ({ context }) => context.checkoutTtlMs,
    handoffWait: ({ context }) => context.handoffWaitMs,
  },
}).createMachine({
  id: 'conversation',
  context: ({ input }) => ({
    conversationId: input.conversationId,
    businessId: input.businessId,
    channel: input.channel,
    checkoutTtlMs: input.checkoutTtlMs,
    handoffWaitMs: input.handoffWaitMs,
    assigneeId: null,
    aiRequest: null,
    handoffReason: null,
    checkout: null,
    earlyPayments: [],
    lastOrderId: null,
  }),
  initial: 'bot',
  // Rules that hold in every state unless a state overrides them.
  on: {
    'consent.withdrawn': { target: '.optedOut' },
    'payment.succeeded': [
      { guard: 'paymentMatchesCheckout', target: '.paid', actions: 'completePayment' },
      { actions: 'keepEarlyPayment' },
    ],
    'checkout.created': [
      { guard: 'earlyPaymentMatches', target: '.paid', actions: 'completePayment' },
      { target: '.checkout', actions: 'openCheckout' },
    ],
    'checkout.failed': {
      target: '.handoff',
      actions: [
        assign({ handoffReason: 'checkout_failed' }),
        { type: 'sendMessage', params: { author: 'bot', template: 'checkout_failed' } },
      ],
    },
    // Anyone may close an unassigned conversation; an assigned one only its assignee.
    'agent.closed': { guard: 'isUnassignedOrAssignee', target: '.closed', actions: 'unassign' },
    'agent.replied': { guard: 'isAssignee', actions: 'sayAgentText' },
    'agent.released': { guard: 'isAssignee', actions: 'unassign' },
  },
  states: {
    bot: {
      initial: 'idle',
      on: { 'customer.message': { target: '.thinking', actions: 'askAi' } },
      states: {
        idle: {},
        thinking: {
          on: {
            'ai.replied': [
              {
                guard: and(['isCurrentAiRequest', 'aiWantsHandoff']),
                target: '#conversation.handoff',
                actions: 'applyAiReply',
              },
              { guard: 'isCurrentAiRequest', target: 'idle', actions: 'applyAiReply' },
            ],
            'ai.failed': {
              guard: 'isCurrentAiRequest',
              target: '#conversation.handoff',
              actions: 'fallbackToHuman',
            },
          },
        },
      },
    },

    handoff: {
      initial: 'queued',
      // The bot stops here: a reply still in flight is discarded when it arrives.
      entry: 'clearAiRequest',
      on: {
        'agent.claimed': { guard: 'isUnassigned', target: '.assigned', actions: 'assignAgent' },
      },
      states: {
        queued: {
          entry: {
            type: 'notifyTeam',
            params: ({ context }) => ({
              kind: 'handoff_requested',
              reason: context.handoffReason ?? 'requested',
            }),
          },
          after: { handoffWait: 'overdue' },
        },
        overdue: {
          entry: [
            {
              type: 'notifyTeam',
              params: ({ context }) => ({
                kind: 'handoff_overdue',
                reason: context.handoffReason ?? 'requested',
              }),
            },
            { type: 'sendMessage', params: { author: 'bot', template: 'handoff_overdue' } },
          ],
        },
        assigned: {
          on: {
            // Handing back to the bot.
            'agent.released': {
              guard: 'isAssignee',
              target: '#conversation.bot',
              actions: 'unassign',
            },
          },
        },
      },
    },

    checkout: {
      after: {
        checkoutTtl: {
          target: 'bot',
          actions: enqueueActions(({ enqueue, context }) => {
            if (context.checkout)
              enqueue({ type: 'expireCheckout', params: { orderId: context.checkout.orderId } });
            enqueue.assign({ checkout: null });
            enqueue({
              type: 'sendMessage',
              params: { author: 'bot', template: 'checkout_expired' },
            });
          }),
        },
      },
      on: {
        // The customer may ask questions while the link is out; the bot keeps answering.
        'customer.message': { actions: 'askAi' },
        'ai.replied': [
          {
            guard: and(['isCurrentAiRequest', 'aiWantsHandoff']),
            target: 'handoff',
            actions: 'applyAiReply',
          },
          { guard: 'isCurrentAiRequest', actions: 'applyAiReply' },
        ],
        'ai.failed': { guard: 'isCurrentAiRequest', target: 'handoff', actions: 'fallbackToHuman' },
        'payment.failed': {
          guard: 'paymentFailureMatches',
          target: 'bot',
          actions: [
            assign({ checkout: null }),
            { type: 'sendMessage', params: { author: 'bot', template: 'payment_failed' } },
          ],
        },
        // One checkout at a time: a second link replaces nothing, and is cancelled.
        'checkout.created': [
          { guard: 'isOpenCheckout' },
          {
            guard: 'earlyPaymentMatches',
            actions: 'fulfilLatePayment',
          },
          { actions: 'dropCheckout' },
        ],
      },
    },

    paid: {
      on: { 'customer.message': { target: 'bot.thinking', actions: 'askAi' } },
    },

    closed: {
      on: { 'customer.message': { target: 'bot.thinking', actions: 'askAi' } },
    },

    /** Nothing is sent to a contact who withdrew consent; a payment is still recorded. */
    optedOut: {
      entry: assign({ aiRequest: null, assigneeId: null }),
      on: {
        'consent.withdrawn': {},
        'consent.granted': { target: 'bot' },
        'checkout.created': [
          { guard: 'isOpenCheckout' },
          {
            guard: 'earlyPaymentMatches',
            actions: 'fulfilLatePaymentSilently',
          },
          { actions: 'dropCheckout' },
        ],
        'checkout.failed': {},
        // Sticky: closing would let the next customer message wake the bot.
        'agent.closed': {},
        'agent.replied': {},
        'payment.succeeded': {
          guard: 'paymentMatchesCheckout',
          actions: enqueueActions(({ enqueue, context, event }) => {
            if (!context.checkout || event.type !== 'payment.succeeded') return;
            const c = context.checkout;
            enqueue.assign({ checkout: null, lastOrderId: c.orderId });
            enqueue({
              type: 'fulfilOrder',
              params: {
                orderId: c.orderId,
                reference: c.reference,
                provider: c.provider,
                amountMinor: c.amountMinor,
                currency: c.currency,
                silent: true,
              },
            });
          }),
        },
      },
    },
  },
});
