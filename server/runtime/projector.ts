import type { Pipeline } from '../persistence/pipeline';
import type { CreatedMessage, LoadedConversation, PlannedEvent } from './conversation.types';

export interface StatusChange {
  messageId: string;
  status: string;
  errorCode: string | null;
}

/**
 * What a batch changes in the conversation's list fields (preview, unread, last inbound),
 * folded into the batch's one `update conversations` instead of one update per message.
 */
export interface ConversationPatch {
  preview: { text: string; author: CreatedMessage['author'] } | null;
  inbound: boolean;
  /** Unread is set to 0 (we answered), then `unreadAdd` customer messages are added. */
  resetUnread: boolean;
  unreadAdd: number;
}

export const emptyPatch = (): ConversationPatch => ({
  preview: null,
  inbound: false,
  resetUnread: false,
  unreadAdd: 0,
});

/** A message we queued: the customer has their answer, so nothing is unread any more. */
export function patchOutbound(patch: ConversationPatch, message: CreatedMessage): void {
  patch.preview = { text: message.text, author: message.author };
  patch.resetUnread = true;
  patch.unreadAdd = 0;
}

/** Where a batch's projections go: its pipeline, and what they tell the commit. */
export interface BatchSink {
  readonly pipe: Pipeline;
  readonly conversation: LoadedConversation;
  readonly patch: ConversationPatch;
  /** Messages the batch created, for the feed. */
  readonly messages: CreatedMessage[];
  /** Delivery statuses that moved, for the feed (known once the pipeline settles). */
  readonly statuses: StatusChange[];
}

/**
 * A read model the commit keeps, plugged in by the composition root: the runtime runs every
 * registered projector inside the transition's transaction, so a committed batch is projected
 * exactly once and a rolled-back one not at all. Projectors only add statements to the batch's
 * pipeline (no reads, no waits), so the commit stays one round trip.
 */
export interface Projector {
  readonly name: string;
  /** Per event, in inbox order, whether or not the machine took it (before its effects). */
  event?(sink: BatchSink, planned: PlannedEvent): void;
  /**
   * Once per batch, after its events. What it returns as `facts` is stored on the
   * conversation with the snapshot (one projector may keep facts; see `createRuntime`).
   */
  batch?(batch: ProjectionBatch): { facts: unknown } | null;
}

/** The batch as the commit sees it: the conversation before and after, and its events. */
export interface ProjectionBatch {
  readonly pipe: Pipeline;
  readonly before: LoadedConversation;
  readonly after: LoadedConversation;
  readonly events: readonly PlannedEvent[];
}
