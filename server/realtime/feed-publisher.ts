import type { Logger } from 'pino';
import type { EventEmitter } from 'node:events';
import type { Message } from '../../shared/conversations.schema';
import { feedEntrySchema, type FeedEntry } from '../../shared/realtime.events';
import { loadConversationItems } from '../conversations/conversation-items.pg';
import type { Database } from '../persistence/db';
import type { Committed } from '../runtime/apply';
import type { MessageStatusChange } from '../runtime/outbound';
import type { MessagesQueued, RuntimeEvents } from '../runtime/runtime';
import { appendFeed, type UnsequencedEntry } from './feed.pg';
import { loadMessages } from './messages.pg';

/**
 * Turns this node's runtime events into feed entries: stored with their seqs first, then
 * broadcast. Events of one business are handled one after another on this node, so what this
 * node broadcasts is in seq order; another node's entries may interleave out of order on the
 * wire, which the client's sequencer absorbs (client/src/realtime/feed-sequencer.ts).
 */

export interface FeedPublisherDeps {
  database: Database;
  events: EventEmitter<RuntimeEvents>;
  log: Logger;
}

export interface FeedPublisher {
  /**
   * Where stored entries go (the business room). Until it is set entries are only stored:
   * the publisher listens before the runtime starts, so start-up commits are in the feed too.
   */
  setBroadcast(broadcast: (businessId: string, entries: FeedEntry[]) => void): void;
  /** Resolves once everything received so far is stored and broadcast. */
  idle(): Promise<void>;
  stop(): void;
}

export function createFeedPublisher(deps: FeedPublisherDeps): FeedPublisher {
  const { database, log } = deps;
  const chains = new Map<string, Promise<void>>();
  let broadcast: (businessId: string, entries: FeedEntry[]) => void = () => {};

  function enqueue(businessId: string, build: () => Promise<UnsequencedEntry[]>) {
    const previous = chains.get(businessId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const entries = await build();
        const stored = await appendFeed(database.sql, businessId, entries);
        if (stored.length > 0) broadcast(businessId, stored);
      })
      .catch((err: unknown) => {
        // The dashboards heal through `resync`/reset; the conversation itself is committed.
        log.error({ event: 'realtime.feed_failed', businessId, err }, 'feed publish failed');
      });
    chains.set(businessId, next);
    void next.then(() => {
      if (chains.get(businessId) === next) chains.delete(businessId);
    });
  }

  async function conversationEntries(c: Committed): Promise<UnsequencedEntry[]> {
    const [item] = await loadConversationItems(database.db, c.businessId, [c.conversationId]);
    const messages = await loadMessages(
      database.sql,
      c.businessId,
      c.messages.map((m) => m.id),
    );
    const entries: UnsequencedEntry[] = [];
    if (item) {
      const event = c.previousVersion === 0 ? 'conversation:created' : 'conversation:updated';
      entries.push({ event, data: item });
    }
    for (const message of messages) {
      entries.push(messageCreated(message, item?.version ?? c.version));
    }
    for (const s of c.statuses) {
      entries.push(statusEntry(c.conversationId, s.messageId, s.status, s.errorCode));
    }
    return entries.filter(valid);
  }

  async function queuedEntries(q: MessagesQueued): Promise<UnsequencedEntry[]> {
    const [item] = await loadConversationItems(database.db, q.businessId, [q.conversationId]);
    const messages = await loadMessages(
      database.sql,
      q.businessId,
      q.messages.map((m) => m.id),
    );
    return messages.map((m) => messageCreated(m, item?.version ?? 0)).filter(valid);
  }

  function valid(entry: UnsequencedEntry): boolean {
    const checked = feedEntrySchema.safeParse({
      event: entry.event,
      data: { ...entry.data, seq: 0 },
    });
    if (!checked.success) {
      log.error(
        { event: 'realtime.invalid_entry', feedEvent: entry.event, issues: checked.error.issues },
        'feed entry does not match the shared schema; not published',
      );
    }
    return checked.success;
  }

  const onCommitted = (c: Committed) => enqueue(c.businessId, () => conversationEntries(c));
  const onQueued = (q: MessagesQueued) => enqueue(q.businessId, () => queuedEntries(q));
  const onStatus = (s: MessageStatusChange) =>
    enqueue(s.businessId, () =>
      Promise.resolve(
        [statusEntry(s.conversationId, s.messageId, s.status, s.errorCode)].filter(valid),
      ),
    );

  deps.events.on('committed', onCommitted);
  deps.events.on('messagesQueued', onQueued);
  deps.events.on('messageStatus', onStatus);

  return {
    setBroadcast(fn) {
      broadcast = fn;
    },
    async idle() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
    stop() {
      deps.events.off('committed', onCommitted);
      deps.events.off('messagesQueued', onQueued);
      deps.events.off('messageStatus', onStatus);
    },
  };
}

function messageCreated(message: Message, version: number): UnsequencedEntry {
  return {
    event: 'message:created',
    data: { conversationId: message.conversationId, version, message },
  };
}

function statusEntry(
  conversationId: string,
  messageId: string,
  status: string,
  errorCode: string | null,
): UnsequencedEntry {
  return {
    event: 'message:status',
    data: { conversationId, messageId, status: status as Message['status'], errorCode },
  };
}
