import type {
  ConversationDetail,
  ConversationItem,
  Message,
  TimelineEntry,
} from '../../../shared/conversations.schema';
import type { MessageStatus } from '../../../shared/domain';

/** Pure updates of an open conversation from feed events (unit-tested). */

/** Adopts a newer item (conversation:updated, an action's answer); older versions are ignored. */
export function mergeItem(detail: ConversationDetail, item: ConversationItem): ConversationDetail {
  if (item.id !== detail.id || item.version < detail.version) return detail;
  const { id, channel, contact, state, path, assigneeId, lastMessage, unread, version } = item;
  return {
    ...detail,
    id,
    channel,
    contact,
    state,
    path,
    assigneeId,
    lastMessage,
    unread,
    version,
    lastInboundAt: item.lastInboundAt,
    needsAttention: item.needsAttention,
    updatedAt: item.updatedAt,
  };
}

/** Adds or replaces messages by id, kept in `seq` order. */
export function mergeMessages(
  detail: ConversationDetail,
  messages: readonly Message[],
): ConversationDetail {
  if (messages.length === 0) return detail;
  const byId = new Map(detail.messages.map((m) => [m.id, m]));
  let changed = false;
  for (const m of messages) {
    if (m.conversationId !== detail.id) continue;
    const known = byId.get(m.id);
    if (known && known.status === m.status && known.seq === m.seq) continue;
    byId.set(m.id, m);
    changed = true;
  }
  if (!changed) return detail;
  const sorted = [...byId.values()].sort((a, b) => a.seq - b.seq);
  // A customer message moves the window even before the item's update arrives.
  const lastInbound = sorted.filter((m) => m.direction === 'in').at(-1)?.createdAt ?? null;
  const lastInboundAt =
    lastInbound && (!detail.lastInboundAt || lastInbound > detail.lastInboundAt)
      ? lastInbound
      : detail.lastInboundAt;
  return { ...detail, messages: sorted, lastInboundAt };
}

const STATUS_RANK: Readonly<Record<MessageStatus, number>> = {
  received: 0,
  pending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: 5,
};

/** A delivery status; never moves back (a late `delivered` after `read` is ignored). */
export function applyStatus(
  detail: ConversationDetail,
  messageId: string,
  status: MessageStatus,
  errorCode: string | null,
): ConversationDetail {
  let changed = false;
  const messages = detail.messages.map((m) => {
    if (m.id !== messageId || STATUS_RANK[status] <= STATUS_RANK[m.status]) return m;
    changed = true;
    return { ...m, status, errorCode };
  });
  return changed ? { ...detail, messages } : detail;
}

/** The highest message `seq` held, for `?after=`. */
export function lastSeq(detail: ConversationDetail): number {
  return detail.messages.reduce((max, m) => Math.max(max, m.seq), 0);
}

export type TimelineRow =
  | { kind: 'message'; key: string; at: string; message: Message }
  | { kind: 'transition'; key: string; at: string; entry: TimelineEntry };

/** Messages and state transitions in one time-ordered list (transitions between messages). */
export function timelineRows(detail: ConversationDetail): TimelineRow[] {
  const rows: TimelineRow[] = detail.messages.map((message) => ({
    kind: 'message',
    key: `m-${message.id}`,
    at: message.createdAt,
    message,
  }));
  for (const entry of detail.timeline) {
    if (!entry.to || entry.from === entry.to) continue;
    // The bot going from waiting to replying and back is every message: noise in a timeline.
    if (topOf(entry.from) === 'bot' && topOf(entry.to) === 'bot') continue;
    rows.push({ kind: 'transition', key: `t-${entry.version}-${entry.at}`, at: entry.at, entry });
  }
  // Stable: messages keep their seq order among themselves.
  return rows
    .map((row, index) => ({ row, index, t: Date.parse(row.at) }))
    .sort((a, b) => a.t - b.t || a.index - b.index)
    .map((x) => x.row);
}

const TOP_STATE_LABELS: Record<string, string> = {
  bot: 'the bot',
  handoff: 'the handoff queue',
  checkout: 'checkout',
  paid: 'paid',
  closed: 'closed',
  optedOut: 'opted out',
};

/** Moves inside the handoff state, in words. */
const HANDOFF_STEPS: Record<string, string> = {
  'handoff.assigned': 'Claimed by an agent',
  'handoff.queued': 'Back in the queue',
  'handoff.overdue': 'Waiting too long for an agent',
};

const topOf = (path: string | null | undefined) => (path ?? '').split('.')[0] ?? '';

/** `"handoff.queued"` → `"Moved to the handoff queue"`; unknown states read as themselves. */
export function describeTransition(entry: TimelineEntry): string {
  const to = entry.to ?? '';
  const top = topOf(to);
  const from = topOf(entry.from);
  if (top === 'closed') return 'Conversation closed';
  if (top === 'paid') return 'Payment verified';
  if (top === 'checkout') return 'Payment link sent';
  if (top === 'bot' && from === 'handoff') return 'Handed back to the bot';
  if (top === 'handoff' && from !== 'handoff') return 'Handed to a person';
  if (top === from) return HANDOFF_STEPS[to] ?? (to.split('.').slice(1).join(' ') || to);
  return `Moved to ${TOP_STATE_LABELS[top] ?? top}`;
}
