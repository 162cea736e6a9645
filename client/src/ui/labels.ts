import type { Channel, ConversationState } from '../../../shared/domain';

export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  messenger: 'Messenger',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
};

export const STATE_LABELS: Readonly<Record<ConversationState, string>> = {
  bot: 'With the bot',
  handoff: 'Needs a person',
  checkout: 'At checkout',
  paid: 'Paid',
  closed: 'Closed',
  optedOut: 'Opted out',
};

/** The machine's sub-states in words (the header's detail under the state chip). */
const PATH_LABELS: Readonly<Record<string, string>> = {
  'bot.idle': 'The bot is waiting for the customer',
  'bot.thinking': 'The bot is writing a reply',
  'handoff.queued': 'Waiting for an agent',
  'handoff.overdue': 'Waiting too long for an agent',
  'handoff.assigned': 'An agent has it',
};

/** `"handoff.queued"` → "Waiting for an agent"; a top-level state reads as its label. */
export function pathLabel(path: string): string {
  return PATH_LABELS[path] ?? STATE_LABELS[path as ConversationState] ?? path;
}
