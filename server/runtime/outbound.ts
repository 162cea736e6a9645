import type { Database } from '../persistence/db';
import type { OutboundMessage, OutboundSender } from './effects';

export interface MessageStatusChange {
  businessId: string;
  conversationId: string;
  messageId: string;
  status: 'sent' | 'failed';
  providerMessageId: string | null;
  errorCode: string | null;
}

/** A send that may be retried (5xx, rate limit); the job fails and pg-boss retries it. */
export class RetryableSendError extends Error {
  constructor(readonly errorCode: string) {
    super(`send failed, will retry (${errorCode})`);
    this.name = 'RetryableSendError';
  }
}

/**
 * Sends a conversation's pending outbound messages oldest first. Stops at the first transient
 * failure so nothing overtakes it; a permanent failure marks that message failed and moves on.
 * One drain runs per conversation at a time (stately queue), which is what keeps the order.
 */
export async function drainOutbound(
  database: Database,
  sender: OutboundSender,
  conversationId: string,
): Promise<MessageStatusChange[]> {
  const changes: MessageStatusChange[] = [];
  for (;;) {
    const pending = await database.sql.query<{
      id: string;
      business_id: string;
      author: 'bot' | 'agent' | 'system';
      author_user_id: string | null;
      text: string;
    }>(
      `select id, business_id, author, author_user_id, text from messages
        where conversation_id = $1 and direction = 'out' and status = 'pending'
        order by seq limit 20`,
      [conversationId],
    );
    if (pending.length === 0) return changes;
    for (const row of pending) {
      const message: OutboundMessage = {
        id: row.id,
        businessId: row.business_id,
        conversationId,
        author: row.author,
        authorUserId: row.author_user_id,
        text: row.text,
      };
      const outcome = await sender.send(message);
      if (!outcome.ok && outcome.retry) throw new RetryableSendError(outcome.errorCode);
      const status = outcome.ok ? 'sent' : 'failed';
      const providerMessageId = outcome.ok ? outcome.providerMessageId : null;
      const errorCode = outcome.ok ? null : outcome.errorCode;
      await database.sql.query(
        `update messages set status = $2, provider_message_id = coalesce($3, provider_message_id), error_code = $4
          where id = $1 and status = 'pending'`,
        [row.id, status, providerMessageId, errorCode],
      );
      changes.push({
        businessId: row.business_id,
        conversationId,
        messageId: row.id,
        status,
        providerMessageId,
        errorCode,
      });
    }
  }
}
