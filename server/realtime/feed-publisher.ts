import type { Logger } from 'pino';
import { EventEmitter } from 'node:events';
import type { Message } from '../../shared/conversations.schema';
import { feedEntrySchema, type FeedEntry } from '../../shared/realtime.events';
import { loadConversationItems } from '../conversations/conversation-items.pg';
import type { Database } from '../persistence/db';
import type { Committed } from '../runtime/conversation.types';
import type { MessageStatusChange } from '../runtime/outbound';
import type { MessagesQueued, RuntimeEvents } from '../runtime/runtime';
import { appendFeed, type UnsequencedEntry } from './feed.pg';
import { loadMessages } from './messages.pg';

/**
 * Turns this node's runtime events into feed entries: stored with their seqs first, then
 * broadcast. Events of one business are handled one flush after another on this node, so what
 * this node broadcasts is in seq order; another node's entries may interleave out of order on
 * the wire, which the client's sequencer absorbs (client/src/realtime/feed-sequencer.ts).
 *
 * Coalescing: while a business's flush is in flight, its new events wait; the next flush takes
 * all of them and costs the same three queries (conversation items, messages, append) whether
 * it carries one commit or two hundred. Under load a business's feed therefore keeps up with
 * the commits instead of queueing one three-query round per commit, and a conversation that
 * committed several times since the last flush is sent once, at its latest version.
 */

export interface FeedPublisherDeps {
  database: Database;
  events: EventEmitter<RuntimeEvents>;
  log: Logger;
  /** Attempts at storing one flush before it is given up (dashboards then heal by resync). */
  attempts?: number;
}

export interface FeedPublisher {
  /**
   * `stored` entries, for the socket layer to broadcast to the business room. Until it listens
   * entries are only stored: the publisher listens before the runtime starts, so start-up
   * commits are in the feed too.
   */
  readonly events: EventEmitter<{ stored: [businessId: string, entries: FeedEntry[]] }>;
  /** Resolves once everything received so far is stored and broadcast. */
  idle(): Promise<void>;
  stop(): void;
}

type Job =
  | { kind: 'committed'; c: Committed }
  | { kind: 'queued'; q: MessagesQueued }
  | { kind: 'status'; s: MessageStatusChange };

/** Events per flush at most, so one flush's statement and broadcast stay small. */
const MAX_FLUSH = 500;

export function createFeedPublisher(deps: FeedPublisherDeps): FeedPublisher {
  const { database, log } = deps;
  const attempts = deps.attempts ?? 3;
  const pending = new Map<string, Job[]>();
  const flushing = new Map<string, Promise<void>>();
  const events = new EventEmitter<{ stored: [businessId: string, entries: FeedEntry[]] }>();

  function enqueue(businessId: string, job: Job) {
    const jobs = pending.get(businessId);
    if (jobs) jobs.push(job);
    else pending.set(businessId, [job]);
    if (flushing.has(businessId)) return;
    const run = flushAll(businessId).finally(() => flushing.delete(businessId));
    flushing.set(businessId, run);
  }

  async function flushAll(businessId: string): Promise<void> {
    for (;;) {
      const jobs = pending.get(businessId);
      if (!jobs || jobs.length === 0) {
        pending.delete(businessId);
        return;
      }
      const batch = jobs.splice(0, MAX_FLUSH);
      try {
        const entries = await entriesOf(businessId, batch);
        const stored = await appendWithRetry(businessId, entries);
        if (stored.length > 0) events.emit('stored', businessId, stored);
      } catch (err) {
        // The dashboards heal through `resync`/reset; the conversations themselves are committed.
        log.error(
          { event: 'realtime.feed_failed', businessId, events: batch.length, err },
          'feed publish failed',
        );
      }
    }
  }

  async function appendWithRetry(businessId: string, entries: UnsequencedEntry[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await appendFeed(database.sql, businessId, entries);
      } catch (err) {
        if (attempt >= attempts) throw err;
        log.warn(
          { event: 'realtime.feed_retry', businessId, attempt, err },
          'feed append failed; retrying',
        );
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  /** The entries of a flush, in the order the events arrived. */
  async function entriesOf(businessId: string, jobs: Job[]): Promise<UnsequencedEntry[]> {
    const conversationIds = new Set<string>();
    const messageIds: string[] = [];
    for (const job of jobs) {
      if (job.kind === 'status') continue;
      const { conversationId, messages } = job.kind === 'committed' ? job.c : job.q;
      conversationIds.add(conversationId);
      for (const m of messages) messageIds.push(m.id);
    }
    const [items, messages] = await Promise.all([
      loadConversationItems(database.db, businessId, [...conversationIds]),
      loadMessages(database.sql, businessId, messageIds),
    ]);
    const itemOf = new Map(items.map((i) => [i.id, i]));
    const messageOf = new Map(messages.map((m) => [m.id, m]));
    const created = new Set(
      jobs.flatMap((j) =>
        j.kind === 'committed' && j.c.previousVersion === 0 ? [j.c.conversationId] : [],
      ),
    );
    const sent = new Set<string>();
    const entries: UnsequencedEntry[] = [];
    for (const job of jobs) {
      if (job.kind === 'status') {
        const { conversationId, messageId, status, errorCode } = job.s;
        entries.push(statusEntry(conversationId, messageId, status, errorCode));
        continue;
      }
      const source = job.kind === 'committed' ? job.c : job.q;
      const item = itemOf.get(source.conversationId);
      // The latest state once per flush; `created` if the conversation is new since the last.
      if (job.kind === 'committed' && item && !sent.has(item.id)) {
        sent.add(item.id);
        const event = created.has(item.id) ? 'conversation:created' : 'conversation:updated';
        entries.push({ event, data: item });
      }
      const version = item?.version ?? (job.kind === 'committed' ? job.c.version : 0);
      for (const m of source.messages) {
        const message = messageOf.get(m.id);
        if (message) entries.push(messageCreated(message, version));
      }
      if (job.kind === 'committed') {
        for (const s of job.c.statuses) {
          entries.push(statusEntry(job.c.conversationId, s.messageId, s.status, s.errorCode));
        }
      }
    }
    return entries.filter(valid);
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

  const onCommitted = (c: Committed) => enqueue(c.businessId, { kind: 'committed', c });
  const onQueued = (q: MessagesQueued) => enqueue(q.businessId, { kind: 'queued', q });
  const onStatus = (s: MessageStatusChange) => enqueue(s.businessId, { kind: 'status', s });

  deps.events.on('committed', onCommitted);
  deps.events.on('messagesQueued', onQueued);
  deps.events.on('messageStatus', onStatus);

  return {
    events,
    async idle() {
      while (flushing.size > 0) await Promise.all([...flushing.values()]);
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
