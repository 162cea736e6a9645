import type { MessageTemplate } from '../../shared/conversation.effects';

/**
 * Default wording of the messages the machine asks for by name. Kept out of the machine so a
 * business can reword them without a machine version change.
 */
const TEMPLATES: Record<MessageTemplate, (vars: Record<string, string>) => string> = {
  ai_fallback: () =>
    "Sorry, I can't answer that right now. I've asked a member of our team to help you; they'll reply here shortly.",
  handoff_overdue: () =>
    'Thanks for your patience. Our team is busier than usual, but your conversation is in the queue and someone will reply soon.',
  checkout_link: (v) =>
    `Here is your secure payment link for ${v.amount ?? 'your order'}: ${v.url ?? ''}`,
  checkout_expired: () =>
    'Your payment link has expired. Just say the word if you would like a new one.',
  checkout_failed: () =>
    "I couldn't create a payment link just now. A member of our team will help you complete your order.",
  payment_failed: () =>
    "Your payment didn't go through. You can try again, or ask me for another way to pay.",
  payment_receipt: (v) =>
    `Payment received, thank you! ${v.amount ? `We got ${v.amount}. ` : ''}Your order ${v.order ?? ''} is confirmed.`.trim(),
  invoice_link: (v) => `Here is your invoice ${v.number ?? ''}: ${v.url ?? ''}`,
};

export function renderTemplate(
  template: MessageTemplate,
  vars: Record<string, string> = {},
): string {
  return TEMPLATES[template](vars);
}
