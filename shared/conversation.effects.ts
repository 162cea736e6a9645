import type { CheckoutItem } from './conversation.events';
import type { PaymentProvider } from './domain';

/**
 * Side effects the conversation machine asks for. The machine only names them; the actor host
 * turns each into a job, committed with the transition, that runs at least once with the
 * idempotency key `<inbox event id>:<index>`.
 */

/** Texts the host renders (in the business's words) instead of the machine hard-coding them. */
export const MESSAGE_TEMPLATES = [
  'ai_fallback',
  'handoff_overdue',
  'checkout_link',
  'checkout_expired',
  'checkout_failed',
  'payment_failed',
  'payment_receipt',
  'invoice_link',
] as const;
export type MessageTemplate = (typeof MESSAGE_TEMPLATES)[number];

export type SendMessageParams = {
  author: 'bot' | 'agent' | 'system';
  text?: string;
  template?: MessageTemplate;
  vars?: Record<string, string>;
  agentId?: string;
};

export type ConversationEffect =
  | { type: 'requestAiReply'; params: { requestId: string } }
  | { type: 'sendMessage'; params: SendMessageParams }
  | { type: 'createCheckout'; params: { requestId: string; items: CheckoutItem[] } }
  | { type: 'issueInvoice'; params: { requestId: string; orderId: string | null } }
  | { type: 'reportOrderStatus'; params: { requestId: string; orderId: string | null } }
  | {
      type: 'fulfilOrder';
      params: {
        orderId: string;
        reference: string;
        provider: PaymentProvider;
        amountMinor: number;
        currency: string;
        /** The contact opted out: record the sale, send nothing. */
        silent: boolean;
      };
    }
  | { type: 'expireCheckout'; params: { orderId: string } }
  /** A checkout the conversation did not take (another one is open): cancel it, void its link. */
  | { type: 'cancelCheckout'; params: { orderId: string } }
  | {
      type: 'notifyTeam';
      params: { kind: 'handoff_requested' | 'handoff_overdue'; reason: string };
    };

export type ConversationEffectType = ConversationEffect['type'];
export const CONVERSATION_EFFECT_TYPES = [
  'requestAiReply',
  'sendMessage',
  'createCheckout',
  'issueInvoice',
  'reportOrderStatus',
  'fulfilOrder',
  'expireCheckout',
  'cancelCheckout',
  'notifyTeam',
] as const satisfies readonly ConversationEffectType[];
