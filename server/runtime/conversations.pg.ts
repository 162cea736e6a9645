import type { Channel } from '../../shared/domain';
import type { Tx } from '../persistence/db';
import { shardOf } from './shards';

/**
 * The conversation of a contact, created on first contact. One per contact: a customer who
 * comes back reopens it rather than starting a second one.
 */
export async function openConversation(
  tx: Tx,
  input: { businessId: string; contactId: string; channel: Channel; integrationId?: string | null },
): Promise<{ id: string; shard: number; created: boolean }> {
  const existing = await tx.sql.query<{ id: string; shard: number }>(
    `select id, shard from conversations where contact_id = $1`,
    [input.contactId],
  );
  if (existing[0]) return { ...existing[0], created: false };
  const id = crypto.randomUUID();
  const shard = shardOf(id);
  const rows = await tx.sql.query<{ id: string; shard: number }>(
    `insert into conversations (id, business_id, contact_id, integration_id, channel, shard)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (contact_id) do nothing
     returning id, shard`,
    [id, input.businessId, input.contactId, input.integrationId ?? null, input.channel, shard],
  );
  if (rows[0]) return { ...rows[0], created: true };
  // Lost a race with another delivery for the same new contact.
  const winner = await tx.sql.query<{ id: string; shard: number }>(
    `select id, shard from conversations where contact_id = $1`,
    [input.contactId],
  );
  return { ...(winner[0] as { id: string; shard: number }), created: false };
}

/** A contact by its channel identity (PSID, IGSID or wa_id), created on first sight. */
export async function upsertContact(
  tx: Tx,
  input: { businessId: string; channel: Channel; externalId: string; name?: string | null },
): Promise<{ id: string; named: boolean }> {
  const rows = await tx.sql.query<{ id: string; named: boolean }>(
    `insert into contacts (business_id, channel, external_id, name)
     values ($1, $2, $3, $4)
     on conflict (business_id, channel, external_id)
     do update set name = coalesce(contacts.name, excluded.name)
     returning id, name is not null as named`,
    [input.businessId, input.channel, input.externalId, input.name ?? null],
  );
  return rows[0] as { id: string; named: boolean };
}
