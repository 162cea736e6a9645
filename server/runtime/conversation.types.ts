import type { PersistedConversation, StepResult } from '../../actors';
import type { Channel, ConversationState } from '../../shared/domain';
import type { InboxEvent } from '../../shared/inbox.events';
import type { StatusChange } from './projector';

/** The shapes the engine's parts hand each other: loaded conversations, rows, plans, commits. */

/** A conversation as the host keeps it between events (the LRU cache holds these). */
export interface LoadedConversation {
  id: string;
  businessId: string;
  channel: Channel;
  shard: number;
  contactId: string;
  snapshot: PersistedConversation;
  version: number;
  armedTimers: Record<string, number>;
  /**
   * `conversations.facts` (analytics) as of `version`. Only a commit writes them, under the
   * same version check as the snapshot, so the cached copy is the stored one.
   */
  facts: unknown;
}

export interface InboxRow {
  id: number;
  source: string;
  sourceEventId: string;
  type: string;
  payload: Record<string, unknown>;
  receivedAt: number;
}

export interface AppliedEvent {
  inboxId: number;
  type: string;
  version: number;
  /** False when the machine ignored it (a refused agent command is a conflict). */
  accepted: boolean;
}

export interface CreatedMessage {
  id: string;
  direction: 'in' | 'out';
  author: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  status: string;
}

export interface Committed {
  businessId: string;
  conversationId: string;
  state: ConversationState;
  path: string;
  assigneeId: string | null;
  version: number;
  previousVersion: number;
  events: AppliedEvent[];
  messages: CreatedMessage[];
  /** Delivery statuses of outbound messages that changed (receipts from the channel). */
  statuses: StatusChange[];
}

export interface ConversationDefaults {
  checkoutTtlMs: number;
  handoffWaitMs: number;
}

export interface PlannedEvent {
  row: InboxRow;
  /**
   * The row parsed once, for the machine and the projectors; null for a timer row (its type is
   * the machine's own delayed event) or a row that does not parse (it is logged and skipped).
   */
  event: InboxEvent | null;
  version: number;
  fromPath: string;
  result: StepResult | null;
}
