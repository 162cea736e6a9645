import type { InboxEvent } from '../../shared/inbox.events';
import type { InboxRow } from '../runtime/conversation.types';
import { uuidFromName } from '../runtime/ids';
import type { BatchSink, Projector } from '../runtime/projector';

/** Rank of outbound delivery statuses, so a late "delivered" never overwrites "read". */
const RANK = `coalesce(array_position(array['sent', 'delivered', 'read']::text[], %), 0)`;
const rank = (expr: string) => RANK.replace('%', expr);
const STATUS_SET = `update messages m set status = $3, error_code = coalesce($4, m.error_code)
  where m.conversation_id = $1 and m.direction = 'out'
    and ($3 = 'failed' or ${rank('$3')} > ${rank('m.status')})`;

/**
 * The read models an inbox event updates, in the transition's transaction: the message
 * timeline, delivery statuses, reactions, and (through `patch`) the conversation's list fields.
 * Runs for every event, whether or not the machine took it. Every statement goes into the
 * batch's pipeline; `statuses` are filled in when it settles.
 */
function projectEvent(sink: BatchSink, row: InboxRow, event: InboxEvent): void {
  const { pipe, conversation, patch, messages, statuses } = sink;
  switch (event.type) {
    case 'customer.message': {
      const { text } = event;
      const id = uuidFromName(`in:${row.id}`);
      pipe.query(
        `insert into messages (id, business_id, conversation_id, direction, author, text, attachments, status, provider_message_id)
         values ($1, $2, $3, 'in', 'customer', $4, $5::text::jsonb, 'received', $6)
         on conflict do nothing`,
        [
          id,
          conversation.businessId,
          conversation.id,
          text,
          JSON.stringify(event.attachments),
          event.providerMessageId ?? null,
        ],
      );
      patch.preview = { text: text || '[attachment]', author: 'customer' };
      patch.inbound = true;
      patch.unreadAdd += 1;
      messages.push({ id, direction: 'in', author: 'customer', text, status: 'received' });
      return;
    }
    case 'message.status': {
      const { status, providerMessageIds: ids } = event;
      const errorCode = event.errorCode ?? null;
      // Exact ids (WhatsApp, Messenger `mids`), or every outbound message up to the watermark.
      pipe.query<{ id: string }>(
        ids.length > 0
          ? `${STATUS_SET} and m.provider_message_id = any($2::text[]) returning m.id`
          : `${STATUS_SET} and m.status in ('sent', 'delivered')
               and m.created_at <= to_timestamp($2::float8 / 1000) returning m.id`,
        [conversation.id, ids.length > 0 ? ids : (event.watermark ?? 0), status, errorCode],
        (rows) => {
          for (const m of rows) statuses.push({ messageId: m.id, status, errorCode });
        },
      );
      return;
    }
    case 'message.failed': {
      // A send that failed for good: the agent reads why in the timeline, as an internal note.
      const id = uuidFromName(`note:${row.id}`);
      const text = failureNote(event.errorCode ?? 'unknown');
      pipe.query(
        `insert into messages (id, business_id, conversation_id, direction, author, text, status)
         values ($1, $2, $3, 'in', 'system', $4, 'received') on conflict do nothing`,
        [id, conversation.businessId, conversation.id, text],
      );
      messages.push({ id, direction: 'in', author: 'system', text, status: 'received' });
      return;
    }
    case 'message.reaction': {
      // The latest reaction of the customer to a message replaces the previous one.
      const reactions =
        event.action === 'react'
          ? JSON.stringify([{ emoji: event.emoji, at: row.receivedAt }])
          : '[]';
      pipe.query(
        `update messages set reactions = $3::text::jsonb where conversation_id = $1 and provider_message_id = $2`,
        [conversation.id, event.providerMessageId, reactions],
      );
      return;
    }
    case 'message.echo': {
      // Our own sends are already in the timeline; a human's reply from Meta's inbox is not.
      if (event.ours) return;
      const id = uuidFromName(`echo:${row.id}`);
      pipe.query(
        `insert into messages (id, business_id, conversation_id, direction, author, text, status, provider_message_id)
         values ($1, $2, $3, 'out', 'agent', $4, 'sent', $5) on conflict do nothing`,
        [id, conversation.businessId, conversation.id, event.text, event.providerMessageId],
      );
      messages.push({ id, direction: 'out', author: 'agent', text: event.text, status: 'sent' });
      return;
    }
  }
}

/** What an agent should know about a send that did not go out. */
export function failureNote(errorCode: string): string {
  if (errorCode === 'whatsapp_window_closed' || errorCode === '131047') {
    return "Not delivered: WhatsApp allows free-form messages only within 24 hours of the customer's last message. Send an approved template or wait for the customer to write.";
  }
  if (errorCode === 'messaging_window_closed') {
    return "Not delivered: the messaging window has closed (24 hours after the customer's last message, or 7 days for a reply typed by an agent).";
  }
  if (errorCode === 'token_unreadable') {
    return 'Not delivered: the stored access token for this channel cannot be decrypted. Reconnect the channel in Settings.';
  }
  if (errorCode === 'no_integration')
    return 'Not delivered: this channel account is no longer connected.';
  return `Not delivered: the channel refused the message (error ${errorCode}).`;
}

/** The conversation's timeline: messages in and out, delivery statuses, reactions, notes. */
export const timelineProjector: Projector = {
  name: 'timeline',
  event: (sink, { row, event }) => {
    if (event) projectEvent(sink, row, event);
  },
};
