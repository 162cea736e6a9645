import { statePath, stepConversation, type PersistedConversation } from '../../actors';
import { conversationEventSchema, type ConversationEvent } from '../../shared/conversation.events';
import { inboxEventSchema, type InboxEvent } from '../../shared/inbox.events';
import type { InboxRow, LoadedConversation, PlannedEvent } from './conversation.types';

/**
 * Runs the pure machine over the pending events, in inbox order. Throws for an event the
 * machine cannot take (the caller charges it as a poison attempt).
 */
export function plan(
  conversation: LoadedConversation,
  rows: InboxRow[],
): { planned: PlannedEvent[]; next: LoadedConversation } {
  let snapshot = conversation.snapshot;
  let version = conversation.version;
  const armedTimers = { ...conversation.armedTimers };
  const planned: PlannedEvent[] = [];
  let path = pathOf(snapshot);
  for (const row of rows) {
    version += 1;
    const event = row.source === 'timer' ? null : parseInboxEvent(row);
    const input = machineInput(row, event, armedTimers);
    const result = input ? stepConversation(snapshot, input) : null;
    if (result) {
      for (const id of result.cancelTimers) delete armedTimers[id];
      for (const t of result.armTimers) armedTimers[t.id] = version;
      snapshot = result.snapshot;
    }
    planned.push({ row, event, version, fromPath: path, result });
    if (result) path = result.path;
  }
  return { planned, next: { ...conversation, snapshot, version, armedTimers } };
}

/** The row as the typed event it stores; null when it does not parse. */
function parseInboxEvent(row: InboxRow): InboxEvent | null {
  const parsed = inboxEventSchema.safeParse({
    ...row.payload,
    type: row.type,
    eventId: String(row.id),
    at: row.receivedAt,
  });
  return parsed.success ? parsed.data : null;
}

/**
 * What the machine is given for a row, or null for rows it does not take: a timer that was
 * cancelled or re-armed since it fired, or a projection-only event (message status…).
 */
function machineInput(
  row: InboxRow,
  event: InboxEvent | null,
  armedTimers: Record<string, number>,
): ConversationEvent | { type: string } | null {
  if (row.source === 'timer') {
    const timerId = String(row.payload.timerId ?? '');
    return armedTimers[timerId] === Number(row.payload.armedVersion) ? { type: row.type } : null;
  }
  return event && MACHINE_EVENTS.has(event.type) ? (event as ConversationEvent) : null;
}

const MACHINE_EVENTS = new Set<string>(
  conversationEventSchema.options.map((o) => o.shape.type.value),
);

const pathOf = (snapshot: PersistedConversation) => statePath(snapshot.value);
