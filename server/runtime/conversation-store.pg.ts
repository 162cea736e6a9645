import { startConversation, type PersistedConversation } from '../../actors';
import type { Channel } from '../../shared/domain';
import type { Database } from '../persistence/db';
import type { ConversationDefaults, InboxRow, LoadedConversation } from './conversation.types';

/** Reads of the engine: a conversation as the host caches it, and its pending inbox rows. */

export async function loadConversation(
  database: Database,
  id: string,
  defaults: ConversationDefaults,
): Promise<LoadedConversation | null> {
  const rows = await database.sql.query<{
    id: string;
    business_id: string;
    channel: Channel;
    shard: number;
    contact_id: string;
    snapshot: PersistedConversation | null;
    version: number;
    armed_timers: Record<string, number>;
    facts: unknown;
  }>(
    `select id, business_id, channel, shard, contact_id, snapshot, version::int as version, armed_timers, facts
       from conversations where id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    businessId: row.business_id,
    channel: row.channel,
    shard: row.shard,
    contactId: row.contact_id,
    snapshot:
      row.snapshot ??
      startConversation({
        conversationId: row.id,
        businessId: row.business_id,
        channel: row.channel,
        ...defaults,
      }).snapshot,
    version: row.version,
    armedTimers: row.armed_timers ?? {},
    facts: row.facts ?? {},
  };
}

export async function loadPending(
  database: Database,
  conversationId: string,
  limit: number,
): Promise<InboxRow[]> {
  const rows = await database.sql.query<{
    id: number;
    source: string;
    source_event_id: string;
    type: string;
    payload: Record<string, unknown>;
    received_ms: number;
  }>(
    `select id::float8 as id, source, source_event_id, type, payload,
            (extract(epoch from received_at) * 1000)::float8 as received_ms
       from inbox
      where conversation_id = $1 and processed_at is null and not dead_letter
      order by id limit $2`,
    [conversationId, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    sourceEventId: r.source_event_id,
    type: r.type,
    payload: r.payload ?? {},
    receivedAt: Math.round(Number(r.received_ms)),
  }));
}
