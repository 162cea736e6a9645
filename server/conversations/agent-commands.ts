import { randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import type { Database } from '../persistence/db';
import type { InboxInput } from '../runtime/inbox';
import type { Runtime } from '../runtime/runtime';
import { AGENT_COMMAND_EVENTS, refusalMessage, type AgentCommand } from './agent-refusals';
import { loadConversationItem } from './conversation-items.pg';

export interface AgentCommandDeps {
  database: Database;
  runtime: Runtime;
}

export interface AgentCommandRequest {
  businessId: string;
  conversationId: string;
  /** The caller; the event names them as `agentId`, and the machine's guards judge them. */
  userId: string;
  command: AgentCommand;
  /** The client's `Idempotency-Key`: the same key is the same command, applied once. */
  idempotencyKey: string | undefined;
  /** The reply's text (`reply` only). */
  text?: string;
}

/** `Idempotency-Key` as Stripe and the IETF draft use it: an opaque, printable token. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header))
    throw new AppError('bad_request', {
      message: 'Idempotency-Key must be 1 to 200 printable ASCII characters.',
    });
  return header;
}

/**
 * Runs one agent command through the conversation's actor: the event is committed to the inbox
 * (source `agent`), the shard's owner is hinted, and the answer waits until the machine has
 * applied it. Returns the version the event was applied at; a refusal is a `409` with the
 * reason in words.
 *
 * Nobody bypasses the machine, whatever their role: an owner or admin is an agent here too, so
 * they may close an unassigned conversation but not release or close one assigned to someone
 * else, and may reply only to a conversation they claimed (the `isAssignee` and
 * `isUnassignedOrAssignee` guards). Taking a conversation over from a colleague is that
 * colleague's release followed by a claim.
 */
export async function runAgentCommand(
  deps: AgentCommandDeps,
  req: AgentCommandRequest,
): Promise<{ version: number }> {
  const { businessId, conversationId, userId, command } = req;
  const type = AGENT_COMMAND_EVENTS[command];
  // Tenant-scoped: the lookup and the inbox row are both under RLS.
  const ref = await deps.database.transaction({ tenant: businessId }, async (tx) => {
    const found = await tx.sql.query(
      `select 1 from conversations where id = $1 and business_id = $2`,
      [conversationId, businessId],
    );
    if (found.length === 0) throw new AppError('not_found');
    const address = {
      businessId,
      conversationId,
      source: 'agent' as const,
      // Scoped to the conversation, the caller and the command: a key reused elsewhere is a
      // different request, the same request retried finds its first event.
      sourceEventId: `${conversationId}:${userId}:${type}:${req.idempotencyKey ?? randomUUID()}`,
    };
    const event: InboxInput =
      type === 'agent.replied'
        ? { ...address, type, payload: { agentId: userId, text: req.text ?? '' } }
        : { ...address, type, payload: { agentId: userId } };
    const [inserted] = await deps.runtime.inbox.append(tx, [event]);
    if (!inserted) throw new Error('agent command: inbox insert returned nothing');
    return inserted;
  });

  const outcome = await deps.runtime.waitForOutcome(ref.inboxId).catch((err: unknown) => {
    // Still in the inbox: it will be applied; a retry with the same key waits for it.
    throw new AppError('unavailable', {
      message: 'The conversation is busy. Try again with the same Idempotency-Key.',
      cause: err,
    });
  });
  if (outcome.deadLetter)
    throw new AppError('internal', { cause: new Error(`agent command ${ref.inboxId} failed`) });
  if (outcome.accepted) return { version: outcome.version };

  const seen = await deps.database.transaction({ tenant: businessId }, ({ db: tx }) =>
    loadConversationItem(tx, businessId, conversationId),
  );
  if (!seen) throw new AppError('not_found');
  throw new AppError('conflict', { message: refusalMessage(command, seen, userId) });
}
