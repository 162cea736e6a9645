export {
  conversationMachine,
  MACHINE_VERSION,
  paymentMatches,
} from './conversation/conversation.machine';
export type { ConversationContext, PendingCheckout } from './conversation/conversation.machine';
export { startConversation, stepConversation } from './conversation/conversation.step';
export type { PersistedConversation, StepResult, TimerArm } from './conversation/conversation.step';
