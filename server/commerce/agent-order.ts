import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Order, OrderCreateRequest } from '../../shared/commerce.schema';
import { AppError } from '../errors';
import { conversations, orders } from '../persistence/schema';
import { LinkInProgressError, runCheckout } from './checkout';
import { orderViews } from './order-views.pg';
import { findOrder } from './orders.pg';
import type { OrderRouteDeps } from './orders.routes';

/**
 * Only the assignee may message a claimed conversation (the machine's `isAssignee` guard for
 * replies); a payment link or an invoice is a message too (security review L5). Unassigned
 * conversations stay open to any member, as the agent-order flow has always allowed.
 */
export function assertMayMessage(assigneeId: string | null, userId: string): void {
  if (assigneeId !== null && assigneeId !== userId) {
    throw new AppError('conflict', { message: 'This conversation is assigned to another agent.' });
  }
}

/** Checkout refusals an agent can act on, in words. */
const REFUSALS: Record<string, [AppError['code'], string]> = {
  unknown_product: ['bad_request', 'An item is not in the catalog (or is switched off).'],
  mixed_currency: ['bad_request', 'The items are priced in different currencies.'],
  amount_too_large: ['bad_request', 'The order total is too large.'],
  out_of_stock: ['conflict', 'There is not enough stock for this order.'],
  no_payment_provider: ['conflict', 'No payment provider is enabled for this currency.'],
  checkout_in_progress: ['conflict', 'A payment link is already out in this conversation.'],
  provider_unavailable: ['unavailable', 'The payment provider did not answer. Try again shortly.'],
};

async function orderView(deps: OrderRouteDeps, businessId: string, orderId: string) {
  return deps.database.transaction({ tenant: businessId }, async ({ db: tx }) => {
    const order = await findOrder(tx, businessId, orderId);
    return order ? (await orderViews(tx, businessId, [order]))[0] : undefined;
  });
}

/**
 * `POST /api/orders`: an agent sells from the catalog in a conversation. The same checkout as
 * the bot's (priced now, guardrail, idempotent link), keyed by the request's key; then the
 * conversation is told `checkout.created`, so it sends the link and arms the expiry itself.
 */
export async function createAgentOrder(
  deps: OrderRouteDeps,
  caller: { businessId: string; userId: string },
  body: OrderCreateRequest,
): Promise<{ status: 200 | 201; order: Order | undefined }> {
  const { businessId } = caller;
  const { conversationId, items } = body;
  const idempotencyKey = `agent:${body.idempotencyKey ?? randomUUID()}`;
  const [conversation, earlier] = await deps.database.transaction(
    { tenant: businessId },
    async ({ db: tx }) => {
      const [row] = await tx
        .select({ state: conversations.state, assigneeId: conversations.assigneeId })
        .from(conversations)
        .where(and(eq(conversations.id, conversationId), eq(conversations.businessId, businessId)));
      const [order] = await tx
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.businessId, businessId), eq(orders.idempotencyKey, idempotencyKey)));
      return [row, order] as const;
    },
  );
  if (!conversation) throw new AppError('not_found');
  // The same request again (a client retry): the order it made, not a second one.
  if (earlier) return { status: 200, order: await orderView(deps, businessId, earlier.id) };
  // The machine's rule for replies holds here too: a link is a message to the customer.
  assertMayMessage(conversation.assigneeId, caller.userId);
  // The machine keeps one checkout at a time; a second link would never be sent.
  if (conversation.state === 'checkout' || conversation.state === 'optedOut') {
    throw new AppError('conflict', {
      message:
        conversation.state === 'checkout'
          ? 'A payment link is already out in this conversation.'
          : 'This contact has opted out of messages.',
    });
  }
  const result = await runCheckout(
    deps.checkout,
    (work) => deps.database.transaction({ tenant: businessId }, ({ db: tx }) => work(tx)),
    {
      businessId,
      conversationId,
      items,
      idempotencyKey,
      attributedTo: 'agent',
    },
  ).catch((err: unknown) => {
    if (!(err instanceof LinkInProgressError)) throw err;
    throw new AppError('conflict', { message: 'A link for these items is being made right now.' });
  });
  if (!result.ok) {
    const [code, message] = REFUSALS[result.reason] ?? [
      'conflict',
      'The payment provider refused the payment link.',
    ];
    throw new AppError(code, { message });
  }
  const { ok: _ok, ...created } = result;
  await deps.database.transaction({ tenant: businessId }, (tx) =>
    deps.runtime.inbox.append(tx, [
      {
        businessId,
        conversationId,
        source: 'agent',
        sourceEventId: `order:${result.orderId}:${result.reference}`,
        type: 'checkout.created',
        payload: created,
      },
    ]),
  );
  return { status: 201, order: await orderView(deps, businessId, result.orderId) };
}
