import type { Tx } from '../persistence/db';
import type { CreatedMessage, InboxRow, LoadedConversation } from './apply';
import { uuidFromName } from './ids';

/** Order of outbound delivery statuses: a late "delivered" never overwrites "read". */
const STATUS_RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

export interface StatusChange {
  messageId: string;
  status: string;
  errorCode: string | null;
}

/**
 * The read models an inbox event updates, in the transition's transaction: the message
 * timeline, delivery statuses, reactions, and the conversation's list fields. Runs for every
 * event, whether or not the machine took it.
 */
export async function projectEvent(
  tx: Tx,
  conversation: LoadedConversation,
  row: InboxRow,
  messages: CreatedMessage[],
  statuses: StatusChange[],
): Promise<void> {
  const p = row.payload;
  switch (row.type) {
    case 'customer.message': {
      const text = String(p.text ?? '');
      const id = uuidFromName(`in:${row.id}`);
      await tx.sql.query(
        `insert into messages (id, business_id, conversation_id, direction, author, text, attachments, status, provider_message_id)
         values ($1, $2, $3, 'in', 'customer', $4, $5::text::jsonb, 'received', $6)
         on conflict do nothing`,
        [
          id,
          conversation.businessId,
          conversation.id,
          text,
          JSON.stringify(p.attachments ?? []),
          p.providerMessageId ?? null,
        ],
      );
      await tx.sql.query(
        `update conversations
            set last_message_preview = left($2, 200), last_message_author = 'customer', last_message_at = now(), last_inbound_at = now(), unread = unread + 1
          where id = $1`,
        [conversation.id, text || '[attachment]'],
      );
      messages.push({ id, direction: 'in', author: 'customer', text, status: 'received' });
      return;
    }
    case 'message.status': {
      const ids = Array.isArray(p.providerMessageIds) ? (p.providerMessageIds as string[]) : [];
      const status = String(p.status);
      const errorCode = typeof p.errorCode === 'string' ? p.errorCode : null;
      // Exact ids (WhatsApp, Messenger `mids`), or every outbound message up to the watermark.
      const rows = await tx.sql.query<{ id: string; status: string }>(
        ids.length > 0
          ? `select id, status from messages where conversation_id = $1 and direction = 'out' and provider_message_id = any($2::text[])`
          : `select id, status from messages where conversation_id = $1 and direction = 'out'
              and status in ('sent', 'delivered') and created_at <= to_timestamp($2::float8 / 1000)`,
        [conversation.id, ids.length > 0 ? ids : Number(p.watermark ?? 0)],
      );
      for (const m of rows) {
        const failed = status === 'failed';
        if (!failed && (STATUS_RANK[status] ?? 0) <= (STATUS_RANK[m.status] ?? 0)) continue;
        await tx.sql.query(
          `update messages set status = $2, error_code = coalesce($3, error_code) where id = $1`,
          [m.id, status, errorCode],
        );
        statuses.push({ messageId: m.id, status, errorCode });
      }
      return;
    }
    case 'message.failed': {
      // A send that failed for good: the agent reads why in the timeline, as an internal note.
      const id = uuidFromName(`note:${row.id}`);
      const text = failureNote(String(p.errorCode ?? 'unknown'));
      await tx.sql.query(
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
        p.action === 'react'
          ? JSON.stringify([{ emoji: String(p.emoji ?? ''), at: row.receivedAt }])
          : '[]';
      await tx.sql.query(
        `update messages set reactions = $3::text::jsonb where conversation_id = $1 and provider_message_id = $2`,
        [conversation.id, String(p.providerMessageId ?? ''), reactions],
      );
      return;
    }
    case 'message.echo': {
      // Our own sends are already in the timeline; a human's reply from Meta's inbox is not.
      if (p.ours === true) return;
      const id = uuidFromName(`echo:${row.id}`);
      const text = String(p.text ?? '');
      await tx.sql.query(
        `insert into messages (id, business_id, conversation_id, direction, author, text, status, provider_message_id)
         values ($1, $2, $3, 'out', 'agent', $4, 'sent', $5) on conflict do nothing`,
        [id, conversation.businessId, conversation.id, text, p.providerMessageId ?? null],
      );
      messages.push({ id, direction: 'out', author: 'agent', text, status: 'sent' });
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
