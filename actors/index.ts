export { startConversation, stepConversation } from './conversation/conversation.step';
export { statePath, topLevel, topLevelOf } from './conversation/state-path';
export type { PersistedConversation, StepResult } from './conversation/conversation.step';
