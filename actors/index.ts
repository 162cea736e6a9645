export {
  conversationMachine,
  MACHINE_VERSION,
  paymentMatches,
} from './conversation/conversation.machine';
export type { ConversationContext, PendingCheckout } from './conversation/conversation.machine';
export { startConversation, stepConversation } from './conversation/conversation.step';
export { statePath, topLevel, topLevelOf } from './conversation/state-path';
export type { PersistedConversation, StepResult, TimerArm } from './conversation/conversation.step';
