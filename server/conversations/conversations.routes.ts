import { conversationContracts } from '../../shared/api/conversations.contract';
import type { z } from 'zod';
import type {
  agentReplyResponseSchema,
  ConversationItem,
  ConversationListResponse,
  MessageListResponse,
} from '../../shared/conversations.schema';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, noContent, type AuthContext, type Route } from '../http/route';
import { parseIdempotencyKey, runAgentCommand, type AgentCommandDeps } from './agent-commands';
import type { AgentCommand } from './agent-refusals';
import { listConversationItems, loadConversationItem } from './conversation-items.pg';
import { listMessages, loadConversationDetail, markRead } from './conversation-detail.pg';

/**
 * docs/api.md, "Conversations" (any member): the inbox list, one conversation with its messages,
 * orders and timeline, and the agent's commands, which go through the conversation's actor.
 * `POST /api/conversations/:id/read` is an addition (docs/api.md, "Conversations").
 */
export function conversationRoutes(deps: AgentCommandDeps): Route[] {
  const { database } = deps;

  /**
   * The item after a command. It is at least at the command's version: the runtime marks the
   * inbox row processed in the same transaction that writes the conversation, and
   * `waitForOutcome` returned only after seeing that mark.
   */
  const itemAfter = async (auth: AuthContext, id: string): Promise<ConversationItem> => {
    const item = await database.transaction({ tenant: auth.businessId }, ({ db: tx }) =>
      loadConversationItem(tx, auth.businessId, id),
    );
    if (!item) throw new AppError('not_found');
    return item;
  };

  const command = (name: Exclude<AgentCommand, 'reply'>) =>
    defineRoute(conversationContracts[name], async (ctx) => {
      const id = uuidParam(ctx.params.id);
      await runAgentCommand(deps, {
        businessId: ctx.auth.businessId,
        conversationId: id,
        userId: ctx.auth.userId,
        command: name,
        idempotencyKey: parseIdempotencyKey(ctx.headers.get('idempotency-key')),
      });
      return json(await itemAfter(ctx.auth, id));
    });

  return [
    defineRoute(conversationContracts.list, (ctx) =>
      database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) =>
        json(
          (await listConversationItems(
            tx,
            ctx.auth.businessId,
            ctx.auth.userId,
            ctx.query,
          )) satisfies ConversationListResponse,
        ),
      ),
    ),

    defineRoute(conversationContracts.get, (ctx) =>
      database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
        const detail = await loadConversationDetail(
          tx,
          ctx.auth.businessId,
          uuidParam(ctx.params.id),
        );
        if (!detail) throw new AppError('not_found');
        return json(detail);
      }),
    ),

    defineRoute(conversationContracts.messages, (ctx) =>
      database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
        const { businessId } = ctx.auth;
        const id = uuidParam(ctx.params.id);
        // An empty list would not say "not yours"; a missing conversation is a 404.
        if (!(await loadConversationItem(tx, businessId, id))) throw new AppError('not_found');
        const items = await listMessages(tx, businessId, id, ctx.query);
        return json({ items } satisfies MessageListResponse);
      }),
    ),

    command('claim'),
    command('release'),
    command('close'),

    defineRoute(conversationContracts.reply, async (ctx) => {
      const id = uuidParam(ctx.params.id);
      // Accepted means the machine took it and the message is queued in the same commit;
      // the send to the channel follows (its status arrives on the message).
      await runAgentCommand(deps, {
        businessId: ctx.auth.businessId,
        conversationId: id,
        userId: ctx.auth.userId,
        command: 'reply',
        idempotencyKey: parseIdempotencyKey(ctx.headers.get('idempotency-key')),
        text: ctx.body.text,
      });
      return json(
        { accepted: true, conversationId: id } satisfies z.infer<typeof agentReplyResponseSchema>,
        202,
      );
    }),

    defineRoute(conversationContracts.markRead, (ctx) =>
      database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
        if (!(await markRead(tx, ctx.auth.businessId, uuidParam(ctx.params.id))))
          throw new AppError('not_found');
        return noContent();
      }),
    ),
  ];
}
