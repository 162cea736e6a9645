import type { ConversationEffect, ConversationEffectType } from '../../shared/conversation.effects';
import type { InboxEventInput, InboxEventType, SourceOf } from '../../shared/inbox.events';

/**
 * Effect queues: each effect type the machine names runs as a pg-boss job on its queue.
 * `sendMessage` is special: the transition writes the outbound message row, and the
 * `outbound` queue drains a conversation's pending messages in order.
 */
export const EFFECT_QUEUES = {
  requestAiReply: 'ai-reply',
  createCheckout: 'checkout',
  issueInvoice: 'invoice',
  reportOrderStatus: 'order-status',
  fulfilOrder: 'fulfil-order',
  expireCheckout: 'expire-checkout',
  cancelCheckout: 'cancel-checkout',
  notifyTeam: 'notify-team',
} as const satisfies Record<Exclude<ConversationEffectType, 'sendMessage'>, string>;

export const OUTBOUND_QUEUE = 'outbound';

export type EffectQueue = (typeof EFFECT_QUEUES)[keyof typeof EFFECT_QUEUES];

export interface EffectJob<T extends ConversationEffect['type'] = ConversationEffect['type']> {
  /** `<inbox id>:<index>`: the idempotency key for everything the effect does outside. */
  effectId: string;
  businessId: string;
  conversationId: string;
  type: T;
  params: Extract<ConversationEffect, { type: T }>['params'];
}

/** An event an effect hands back to its conversation (it goes through the inbox). */
export type EffectResult<T extends InboxEventType = InboxEventType> = T extends InboxEventType
  ? {
      source: SourceOf<T>;
      /** Omit to use the effect's own id: a retried job then cannot deliver its result twice. */
      sourceEventId?: string;
      event: InboxEventInput<T>;
    }
  : never;

export type EffectHandler<T extends ConversationEffect['type'] = ConversationEffect['type']> = (
  job: EffectJob<T>,
) => Promise<EffectResult | EffectResult[] | void>;

export interface OutboundMessage {
  id: string;
  businessId: string;
  conversationId: string;
  author: 'bot' | 'agent' | 'system';
  authorUserId: string | null;
  text: string;
}

export type SendOutcome =
  | { ok: true; providerMessageId: string | null }
  /** `retry`: a transient failure (5xx, rate limit); the drain stops and the job retries. */
  | { ok: false; retry: boolean; errorCode: string };

/** The channel side of outbound messages; the Graph API sender implements it. */
export interface OutboundSender {
  send(message: OutboundMessage): Promise<SendOutcome>;
}
