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
