import type { Counter } from 'prom-client';
import type { Logger } from 'pino';
import type { Database } from '../persistence/db';
import { sqlStateOf } from '../persistence/pg-errors';
import { openConversation, upsertContact } from '../runtime/conversations.pg';
import type { InboxInput, InboxRef } from '../runtime/inbox';
import type { Runtime } from '../runtime/runtime';
import type { ContactProfiles } from './contact-profiles';
import type { NormalizedEvent } from './meta-normalize';

export interface IntakeResult {
  stored: number;
  duplicates: number;
  unrouted: number;
  /** Items the database refused (data it cannot hold); the rest of the delivery is stored. */
  refused: number;
}

interface Route {
  id: string;
  business_id: string;
  channel: string;
  external_id: string;
}

type IntakeDeps = {
  database: Database;
  runtime: Runtime;
  log: Logger;
  unrouted: Counter<'channel'>;
  /** Names for Messenger and Instagram customers, looked up after the commit. */
  profiles?: ContactProfiles;
};

/** What one transaction stored, and the new contacts Meta sent no name for. */
interface Stored {
  refs: InboxRef[];
  nameless: { businessId: string; contactId: string }[];
}

/**
 * Stores normalised Meta events in the inbox of their tenant: one transaction for the whole
 * delivery, committed before the caller answers 200 (docs/architecture.md, "One inbound message,
 * end to end", step 3). Events for a channel account no business has connected are dropped and
 * counted. If the database refuses one item (data it cannot hold: SQLSTATE classes 22 and 54), the
 * delivery is stored again item by item and only that one is left out, so it does not make Meta
 * redeliver, and fail, everyone else's.
 */
export async function ingestMetaEvents(
  deps: IntakeDeps,
  events: NormalizedEvent[],
): Promise<IntakeResult> {
  if (events.length === 0) return { stored: 0, duplicates: 0, unrouted: 0, refused: 0 };
  const byKey = await routesOf(deps.database, events);
  const routed: [NormalizedEvent, Route][] = [];
  let unrouted = 0;
  for (const event of events) {
    const integration = byKey.get(`${event.channel}\u0000${event.accountId}`);
    if (!integration || !event.contactId) {
      unrouted++;
      deps.unrouted.inc({ channel: event.channel });
      continue;
    }
    routed.push([event, integration]);
  }
  let refused = 0;
  const stored: Stored = { refs: [], nameless: [] };
  const add = (s: Stored) => {
    stored.refs.push(...s.refs);
    stored.nameless.push(...s.nameless);
  };
  try {
    add(await store(deps, routed));
  } catch (err) {
    if (!isRefusedData(err)) throw err;
    for (const item of routed) {
      try {
        add(await store(deps, [item]));
      } catch (itemErr) {
        if (!isRefusedData(itemErr)) throw itemErr;
        refused++;
        deps.log.warn(
          { event: 'meta.item_refused', channel: item[0].channel, sqlState: sqlStateOf(itemErr) },
          'the database refused one item of a delivery; the others are stored',
        );
      }
    }
  }
  const { refs } = stored;
  for (const contact of stored.nameless) await deps.profiles?.request(contact);
  const duplicates = refs.filter((r: InboxRef) => r.duplicate).length;
  if (unrouted > 0)
    deps.log.info(
      { event: 'meta.unrouted', count: unrouted },
      'events for unknown channel accounts',
    );
  return { stored: refs.length - duplicates, duplicates, unrouted, refused };
}

/** Class 22 (data exception) and 54 (a value past a limit, e.g. an index row too large). */
const isRefusedData = (err: unknown) => {
  const state = sqlStateOf(err);
  return state !== undefined && (state.startsWith('22') || state.startsWith('54'));
};

async function routesOf(database: Database, events: NormalizedEvent[]) {
  const pairs = [...new Map(events.map((e) => [`${e.channel}\u0000${e.accountId}`, e])).values()];
  const routes = await database.sql.query<Route>(
    `select i.id, i.business_id, i.channel, i.external_id
       from integrations i
       join unnest($1::text[], $2::text[]) as k(channel, external_id)
         on i.channel = k.channel and i.external_id = k.external_id`,
    [pairs.map((e) => e.channel), pairs.map((e) => e.accountId)],
  );
  return new Map(routes.map((r) => [`${r.channel}\u0000${r.external_id}`, r]));
}

function store(deps: IntakeDeps, routed: [NormalizedEvent, Route][]): Promise<Stored> {
  return deps.database.transaction(async (tx) => {
    const inputs: InboxInput[] = [];
    const nameless = new Map<string, { businessId: string; contactId: string }>();
    for (const [event, integration] of routed) {
      const contact = await upsertContact(tx, {
        businessId: integration.business_id,
        channel: event.channel,
        externalId: event.contactId,
        name: event.kind === 'message' ? (event.contactName ?? null) : null,
      });
      if (!contact.named && event.channel !== 'whatsapp' && event.kind === 'message') {
        nameless.set(contact.id, { businessId: integration.business_id, contactId: contact.id });
      }
      const conversation = await openConversation(tx, {
        businessId: integration.business_id,
        contactId: contact.id,
        channel: event.channel,
        integrationId: integration.id,
      });
      inputs.push(
        toInbox(event, {
          businessId: integration.business_id,
          conversationId: conversation.id,
          source: 'meta',
          sourceEventId: `${event.channel}:${event.eventKey}`,
        }),
      );
    }
    return { refs: await deps.runtime.inbox.append(tx, inputs), nameless: [...nameless.values()] };
  });
}

type Addressed = Pick<InboxInput, 'businessId' | 'conversationId' | 'sourceEventId'> & {
  source: 'meta';
};

function toInbox(event: NormalizedEvent, to: Addressed): InboxInput {
  switch (event.kind) {
    case 'message':
      return {
        ...to,
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
        ...to,
        type: 'message.reaction',
        payload: {
          providerMessageId: event.providerMessageId,
          action: event.action,
          emoji: event.emoji,
        },
      };
    case 'echo':
      return {
        ...to,
        type: 'message.echo',
        payload: { providerMessageId: event.providerMessageId, text: event.text, ours: event.ours },
      };
    case 'status':
      return {
        ...to,
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
