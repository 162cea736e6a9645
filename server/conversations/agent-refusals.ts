import type { ConversationItem } from '../../shared/conversations.schema';

/** What an agent asks a conversation to do over HTTP; each is one machine event. */
export const AGENT_COMMAND_EVENTS = {
  claim: 'agent.claimed',
  release: 'agent.released',
  close: 'agent.closed',
  reply: 'agent.replied',
} as const;
export type AgentCommand = keyof typeof AGENT_COMMAND_EVENTS;

type Seen = Pick<ConversationItem, 'state' | 'assigneeId'>;

/**
 * Why the machine refused an agent's command, in words for the `409`. The machine decides
 * (actors/conversation/conversation.machine.ts guards); this only explains, from the
 * conversation as it is after the refusal.
 */
export function refusalMessage(command: AgentCommand, seen: Seen, userId: string): string {
  const mine = seen.assigneeId === userId;
  const someoneElse = seen.assigneeId !== null && !mine;
  if (seen.state === 'optedOut' && command !== 'claim' && command !== 'release')
    return 'This contact has opted out of messages; the conversation cannot be answered or closed.';
  switch (command) {
    case 'claim':
      if (someoneElse) return 'Another agent already claimed this conversation.';
      if (mine) return 'You have already claimed this conversation.';
      return 'Only a conversation waiting for a human can be claimed.';
    case 'release':
      if (someoneElse) return 'This conversation is assigned to another agent.';
      return 'This conversation is not assigned to you.';
    case 'close':
      if (someoneElse) return 'This conversation is assigned to another agent.';
      if (seen.state === 'closed') return 'This conversation is already closed.';
      break;
    case 'reply':
      if (someoneElse) return 'This conversation is assigned to another agent.';
      if (!mine) return 'Claim this conversation before replying.';
      break;
  }
  return 'The conversation cannot do this in its current state.';
}
