import { feedEntrySchema, type FeedEntry, type ResyncResult } from '../../shared/realtime.events';
import type { SqlExecutor } from '../persistence/sql';

/**
 * The business feed in PostgreSQL (`feed_events`, `feed_counters`, migration 0006).
 *
 * `appendFeed` allocates seqs and inserts the rows in ONE statement: the upsert on the
 * business's counter row takes its row lock until the statement commits, so two nodes appending
 * for one business are serialised and seqs become visible in seq order with no holes. A reader
 * that sees counter N therefore sees every entry ≤ N (pruning aside).
 */

/** An entry before it has a seq: the payload without `seq`. */
export type UnsequencedEntry = {
  [E in FeedEntry as E['event']]: { event: E['event']; data: Omit<E['data'], 'seq'> };
}[FeedEntry['event']];

const conversationOf = (e: UnsequencedEntry): string | null =>
  'conversationId' in e.data ? e.data.conversationId : 'id' in e.data ? e.data.id : null;

export async function appendFeed(
  sql: SqlExecutor,
  businessId: string,
  entries: readonly UnsequencedEntry[],
): Promise<FeedEntry[]> {
  if (entries.length === 0) return [];
  const rows = await sql.query<{ last: number }>(
    `with counter as (
       insert into feed_counters as c (business_id, seq) values ($1, $2)
       on conflict (business_id) do update set seq = c.seq + excluded.seq
       returning seq
     ), added as (
       insert into feed_events (business_id, seq, event, conversation_id, payload)
       select $1, counter.seq - $2 + e.ord, e.value->>'event', (e.value->>'conversationId')::uuid,
              (e.value->'data') || jsonb_build_object('seq', counter.seq - $2 + e.ord)
         from counter, jsonb_array_elements($3::text::jsonb) with ordinality as e(value, ord)
       returning 1
     )
     select (select seq from counter)::float8 as last, (select count(*) from added) as n`,
    [
      businessId,
      entries.length,
      JSON.stringify(
        entries.map((e) => ({ event: e.event, conversationId: conversationOf(e), data: e.data })),
      ),
    ],
  );
  const last = Number(rows[0]?.last);
  const first = last - entries.length + 1;
  return entries.map(
    (e, i) => ({ event: e.event, data: { ...e.data, seq: first + i } }) as FeedEntry,
  );
}

export async function currentFeedSeq(sql: SqlExecutor, businessId: string): Promise<number> {
  const rows = await sql.query<{ seq: number }>(
    `select seq::float8 as seq from feed_counters where business_id = $1`,
    [businessId],
  );
  return Number(rows[0]?.seq ?? 0);
}

/**
 * What a client missed after `sinceSeq` (docs/style.md rule 14: the socket is already in the
 * business room when this runs, so anything committed after the read reaches it live, and the
 * client drops duplicates by seq). Too far behind, or behind what is retained → `reset`.
 */
export async function readFeedSince(
  sql: SqlExecutor,
  businessId: string,
  sinceSeq: number,
  limit: number,
): Promise<ResyncResult> {
  // The counter first: every entry ≤ it is committed (see above), so the range read is whole.
  const seq = await currentFeedSeq(sql, businessId);
  if (sinceSeq >= seq) return { reset: false, entries: [], seq };
  if (seq - sinceSeq > limit) return { reset: true, seq };
  const rows = await sql.query<{ seq: number; event: string; payload: unknown }>(
    `select seq::float8 as seq, event, payload from feed_events
      where business_id = $1 and seq > $2 and seq <= $3 order by seq`,
    [businessId, sinceSeq, seq],
  );
  // The oldest wanted entry was pruned: the client cannot be brought up to date from the feed.
  if (Number(rows[0]?.seq) !== sinceSeq + 1) return { reset: true, seq };
  const entries = rows.map((r) => feedEntrySchema.parse({ event: r.event, data: r.payload }));
  return { reset: false, entries, seq };
}

/** Deletes entries older than `retentionMs`, keeping at least the last `keepMin` per business. */
export async function pruneFeed(
  sql: SqlExecutor,
  retentionMs: number,
  keepMin: number,
): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `with gone as (
       delete from feed_events f using feed_counters c
        where f.business_id = c.business_id
          and f.created_at < now() - ($1::float8 * interval '1 millisecond')
          and f.seq <= c.seq - $2
       returning 1
     ) select count(*)::int as n from gone`,
    [retentionMs, keepMin],
  );
  return Number(rows[0]?.n ?? 0);
}
