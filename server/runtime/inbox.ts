import {
  mayComeFrom,
  type InboxEventInput,
  type InboxEventType,
  type SourceOf,
} from '../../shared/inbox.events';
import type { SqlExecutor } from '../persistence/sql';
import type { Tx } from '../persistence/db';
import { shardOf } from './shards';

/** One event for a conversation, typed by its `type`: the payload and the sources it may have. */
export type InboxInput<T extends InboxEventType = InboxEventType> = T extends InboxEventType
  ? {
      businessId: string;
      conversationId: string;
      source: SourceOf<T>;
      /** The source's own id of the event: with the source, the dedupe key. */
      sourceEventId: string;
      type: T;
      payload: Omit<InboxEventInput<T>, 'type'>;
    }
  : never;

export interface InboxRef {
  inboxId: number;
  conversationId: string;
  shard: number;
  /** The same source event was already in the inbox: nothing new was stored. */
  duplicate: boolean;
}

/** The one entrance to the inbox table (a lint rule and a test fail any other writer). */
export interface Inbox {
  /**
   * Stores the events in the caller's transaction (duplicates of a stored source event are
   * skipped and reported) and, once it commits, tells the conversations' owners.
   */
  append(tx: Tx, inputs: readonly InboxInput[]): Promise<InboxRef[]>;
  /** Due timers of the shards become inbox events, in the statement that removes them. */
  fireDueTimers(sql: SqlExecutor, shards: readonly number[]): Promise<Scheduled[]>;
}

export interface Scheduled {
  conversationId: string;
  shard: number;
}

/**
 * A conversation's inbox lock, on the SQL expression of its id as text. An inbox id is drawn
 * when the row is inserted, but the row is seen when its transaction commits: two inserts for
 * one conversation (a customer message and an AI reply, say) could commit in the other order,
 * and the owner would apply the higher id first (found by the chaos test). The lock, held to
 * the commit, makes id order the commit order. Every writer takes it in byte order of the ids
 * (`collate "C"`), so two writers never wait on each other in a circle.
 */
const INBOX_LOCK = (conversationIdText: string) =>
  `pg_advisory_xact_lock(hashtextextended(${conversationIdText}, 0))`;

/** `hint` runs after the commit with the rows that are new. */
export function createInbox(hint: (fresh: InboxRef[]) => Promise<void>): Inbox {
  return {
    async append(tx, inputs) {
      const refs: InboxRef[] = [];
      if (inputs.length === 0) return refs;
      for (const i of inputs) {
        // A writer's bug, not the sender's: refused before anything is stored.
        if (!mayComeFrom(i.type, i.source))
          throw new Error(`inbox: ${i.type} may not come from ${i.source}`);
      }
      await tx.sql.query(`select ${INBOX_LOCK('c')} from unnest($1::text[]) as c`, [
        [...new Set(inputs.map((i) => i.conversationId))].sort(),
      ]);
      for (const input of inputs) {
        const shard = shardOf(input.conversationId);
        const rows = await tx.sql.query<{ id: number }>(
          `insert into inbox (business_id, conversation_id, shard, source, source_event_id, type, payload)
           values ($1, $2, $3, $4, $5, $6, $7::text::jsonb)
           on conflict (source, source_event_id) do nothing
           returning id::float8 as id`,
          [
            input.businessId,
            input.conversationId,
            shard,
            input.source,
            input.sourceEventId,
            input.type,
            JSON.stringify(input.payload),
          ],
        );
        const inserted = rows[0];
        if (inserted) {
          refs.push({
            inboxId: Number(inserted.id),
            conversationId: input.conversationId,
            shard,
            duplicate: false,
          });
        } else {
          const existing = await tx.sql.query<{ id: number }>(
            `select id::float8 as id from inbox where source = $1 and source_event_id = $2`,
            [input.source, input.sourceEventId],
          );
          refs.push({
            inboxId: Number(existing[0]?.id ?? 0),
            conversationId: input.conversationId,
            shard,
            duplicate: true,
          });
        }
      }
      const fresh = refs.filter((r) => !r.duplicate);
      if (fresh.length > 0) tx.afterCommit(() => hint(fresh));
      return refs;
    },

    async fireDueTimers(sql, shards) {
      if (shards.length === 0) return [];
      const rows = await sql.query<{ conversation_id: string; shard: number }>(
        `with due as (
           delete from timers t using (
             select conversation_id, timer_id from timers
              where shard = any($1::int[]) and fire_at <= now()
              order by fire_at limit 500 for update skip locked) d
            where t.conversation_id = d.conversation_id and t.timer_id = d.timer_id
            returning t.*),
         -- The conversations' inbox locks, in the same order as append takes them, before any id.
         locked as (
           select count(*) as n from (
             select ${INBOX_LOCK('c')}
               from (select distinct conversation_id::text collate "C" as c from due order by c) s) l)
         insert into inbox (business_id, conversation_id, shard, source, source_event_id, type, payload)
         select business_id, conversation_id, shard, 'timer',
                conversation_id || ':' || timer_id || ':' || armed_version,
                event->>'type',
                jsonb_build_object('timerId', timer_id, 'armedVersion', armed_version)
           from due, locked
         on conflict (source, source_event_id) do nothing
         returning conversation_id, shard`,
        [shards],
      );
      return rows.map((r) => ({ conversationId: r.conversation_id, shard: r.shard }));
    },
  };
}
