import type { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { Database } from '../persistence/db';
import { openConversation, upsertContact } from '../runtime/conversations.pg';
import type { InboxInput, InboxRef, Runtime } from '../runtime/runtime';
import type { NormalizedEvent } from './meta-normalize';

export interface IntakeResult {
  stored: number;
  duplicates: number;
  unrouted: number;
}

/**
 * Stores normalised Meta events in the inbox of their tenant: one transaction for the whole
 * delivery, committed before the caller answers 200 (DESIGN.md step 3). Events for a channel
 * account no business has connected are dropped and counted.
 */
export async function ingestMetaEvents(
  deps: { database: Database; runtime: Runtime; log: Logger; unrouted: Counter<'channel'> },
  events: NormalizedEvent[],
): Promise<IntakeResult> {
  if (events.length === 0) return { stored: 0, duplicates: 0, unrouted: 0 };
  const pairs = [...new Map(events.map((e) => [`${e.channel}\u0000${e.accountId}`, e])).values()];
  const routes = await deps.database.sql.query<{
    id: string;
    business_id: string;
    channel: string;
    external_id: string;
  }>(
    `select i.id, i.business_id, i.channel, i.external_id
       from integrations i
       join unnest($1::text[], $2::text[]) as k(channel, external_id)
         on i.channel = k.channel and i.external_id = k.external_id`,
    [pairs.map((e) => e.channel), pairs.map((e) => e.accountId)],
  );
  const byKey = new Map(routes.map((r) => [`${r.channel}\u0000${r.external_id}`, r]));

  let unrouted = 0;
  const refs = await deps.database.transaction(async (tx) => {
    const inputs: InboxInput[] = [];
    for (const event of events) {
      const integration = byKey.get(`${event.channel}\u0000${event.accountId}`);
      if (!integration || !event.contactId) {
        unrouted++;
        deps.unrouted.inc({ channel: event.channel });
        continue;
      }
      const contact = await upsertContact(tx, {
        businessId: integration.business_id,
        channel: event.channel,
        externalId: event.contactId,
        name: event.kind === 'message' ? (event.contactName ?? null) : null,
      });
      const conversation = await openConversation(tx, {
        businessId: integration.business_id,
        contactId: contact.id,
        channel: event.channel,
        integrationId: integration.id,
      });
      inputs.push({
        businessId: integration.business_id,
        conversationId: conversation.id,
        source: 'meta',
        sourceEventId: `${event.channel}:${event.eventKey}`,
        ...toInbox(event),
      });
    }
    return deps.runtime.insertInbox(tx, inputs);
  });
  await deps.runtime.hint(refs);
  const duplicates = refs.filter((r: InboxRef) => r.duplicate).length;
  if (unrouted > 0)
    deps.log.info(
      { event: 'meta.unrouted', count: unrouted },
      'events for unknown channel accounts',
    );
  return { stored: refs.length - duplicates, duplicates, unrouted };
}

function toInbox(event: NormalizedEvent): { type: string; payload: Record<string, unknown> } {
  switch (event.kind) {
    case 'message':
      return {
        type: 'customer.message',
        payload: {
          messageId: event.providerMessageId,
          providerMessageId: event.providerMessageId,
          text: event.text,
          attachments: event.attachments,
          ...(event.choice ? { choice: event.choice } : {}),
          ...(event.replyTo ? { replyTo: event.replyTo } : {}),
          sentAt: event.at,
        },
      };
    case 'reaction':
      return {
        type: 'message.reaction',
        payload: {
          providerMessageId: event.providerMessageId,
          action: event.action,
          emoji: event.emoji,
        },
      };
    case 'echo':
      return {
        type: 'message.echo',
        payload: { providerMessageId: event.providerMessageId, text: event.text, ours: event.ours },
      };
    case 'status':
      return {
        type: 'message.status',
        payload: {
          status: event.status,
          providerMessageIds: event.providerMessageIds,
          ...(event.watermark !== undefined ? { watermark: event.watermark } : {}),
          ...(event.errorCode ? { errorCode: event.errorCode } : {}),
        },
      };
  }
}
