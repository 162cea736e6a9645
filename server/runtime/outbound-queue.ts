import type PgBoss from 'pg-boss';
import type { Tx } from '../persistence/db';
import type { Pipeline } from '../persistence/pipeline';
import type { CreatedMessage } from './conversation.types';
import { OUTBOUND_QUEUE } from './effects';
import { uuidFromName } from './ids';

export interface OutboundInput {
  businessId: string;
  conversationId: string;
  author: 'bot' | 'agent' | 'system';
  text: string;
  agentId?: string | null;
  /**
   * What makes this message unique (an effect id, `receipt:<orderId>`…): the row id is derived
   * from it, so a retried transaction or job writes the message once and it is sent once.
   */
  key: string;
}

export const DEFAULT_JOB_RETRY = { retryLimit: 5, retryDelay: 2, retryBackoff: true } as const;

/**
 * Writes a pending outbound message and wakes the conversation's outbound drain, inside the
 * caller's transaction: the message exists, and goes out, only if that transaction commits.
 * Used by the transition commit (`sendMessage` effects) and by effect handlers that answer the
 * customer themselves (receipts, invoice links, order status). Returns null when the message was
 * already written by an earlier attempt.
 */
export async function queueOutboundMessage(
  tx: Tx,
  boss: PgBoss,
  input: OutboundInput,
): Promise<CreatedMessage | null> {
  const { id, text, params } = insertPending(input);
  const inserted = await tx.sql.query<{ id: string }>(text, params);
  if (inserted.length === 0) return null;
  await tx.sql.query(
    `update conversations set last_message_preview = left($2, 200), last_message_author = $3, last_message_at = now(), unread = 0
      where id = $1`,
    [input.conversationId, input.text, input.author],
  );
  await wakeOutbound(tx, boss, input.businessId, input.conversationId);
  return { id, direction: 'out', author: input.author, text: input.text, status: 'pending' };
}

/**
 * `queueOutboundMessage` for the transition commit's pipeline: the insert and the wake are sent
 * without waiting, and the caller folds the conversation's list fields into its own update
 * (`patchOutbound`). Returns the message at once; `onExisting` runs at settle time if an earlier
 * attempt had already written it. The wake is sent either way (a drain with nothing pending is
 * a no-op).
 */
export function queueOutboundInPipeline(
  pipe: Pipeline,
  tx: Tx,
  boss: PgBoss,
  input: OutboundInput,
  onExisting: (id: string) => void,
): CreatedMessage {
  const { id, text, params } = insertPending(input);
  pipe.query<{ id: string }>(text, params, (rows) => {
    if (rows.length === 0) onExisting(id);
  });
  pipe.add(() => wakeOutbound(tx, boss, input.businessId, input.conversationId));
  return { id, direction: 'out', author: input.author, text: input.text, status: 'pending' };
}

function insertPending(input: OutboundInput) {
  const id = uuidFromName(`out:${input.key}`);
  return {
    id,
    text: `insert into messages (id, business_id, conversation_id, direction, author, author_user_id, text, status)
     values ($1, $2, $3, 'out', $4, $5::uuid, $6, 'pending') on conflict do nothing returning id`,
    params: [
      id,
      input.businessId,
      input.conversationId,
      input.author,
      input.agentId ?? null,
      input.text,
    ],
  };
}

/** One drain job per conversation at a time (stately queue): sends go out in order. */
export async function wakeOutbound(
  tx: Tx,
  boss: PgBoss,
  businessId: string,
  conversationId: string,
): Promise<void> {
  await boss.send(
    OUTBOUND_QUEUE,
    { businessId, conversationId },
    { singletonKey: conversationId, db: tx.boss, ...DEFAULT_JOB_RETRY },
  );
}
