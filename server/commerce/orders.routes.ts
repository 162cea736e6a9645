import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import {
  orderCreateRequestSchema,
  orderListQuerySchema,
  type OrderListResponse,
} from '../../shared/commerce.schema';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, type Route } from '../http/route';
import type { Db } from '../persistence/db';
import { conversations, orders } from '../persistence/schema';
import { withTenant } from '../persistence/tenant';
import type { Runtime } from '../runtime/runtime';
import { runCheckout, type CheckoutDeps } from './checkout';
import { orderViews } from './order-views.pg';
import { findOrder } from './orders.pg';

export interface OrderRouteDeps {
  db: Db;
  runtime: Runtime;
  checkout: CheckoutDeps;
}

/** `<created_at ms>.<id>`: newest first, ties broken by id. */
const encodeCursor = (o: { createdAt: Date; id: string }) => `${o.createdAt.getTime()}.${o.id}`;
function decodeCursor(cursor: string): SQL | undefined {
  const [ms, id] = cursor.split('.');
  const at = new Date(Number(ms));
  if (!id || Number.isNaN(at.getTime()))
    throw new AppError('bad_request', { message: 'Bad cursor.' });
  return or(lt(orders.createdAt, at), and(eq(orders.createdAt, at), lt(orders.id, id)));
}

/** Checkout refusals an agent can act on, in words. */
const REFUSALS: Record<string, [AppError['code'], string]> = {
  unknown_product: ['bad_request', 'An item is not in the catalog (or is switched off).'],
  mixed_currency: ['bad_request', 'The items are priced in different currencies.'],
  out_of_stock: ['conflict', 'There is not enough stock for this order.'],
  no_payment_provider: ['conflict', 'No payment provider is enabled for this currency.'],
  provider_unavailable: ['unavailable', 'The payment provider did not answer. Try again shortly.'],
};

/** `GET /api/orders`, `GET /api/orders/:id` (status and provider references), agent orders. */
export function orderRoutes(deps: OrderRouteDeps): Route[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/orders',
      access: 'member',
      query: orderListQuerySchema,
      handler: (ctx) =>
        withTenant(db, ctx.auth.businessId, async (tx) => {
          const { businessId } = ctx.auth;
          const { status, conversationId, cursor, limit } = ctx.query;
          const rows = await tx
            .select()
            .from(orders)
            .where(
              and(
                eq(orders.businessId, businessId),
                status ? eq(orders.status, status) : undefined,
                conversationId ? eq(orders.conversationId, conversationId) : undefined,
                cursor ? decodeCursor(cursor) : undefined,
              ),
            )
            .orderBy(desc(orders.createdAt), desc(orders.id))
            .limit(limit + 1);
          const page = rows.slice(0, limit);
          const next = rows.length > limit ? page[page.length - 1] : undefined;
          return json({
            items: await orderViews(tx, businessId, page),
            nextCursor: next ? encodeCursor(next) : null,
          } satisfies OrderListResponse);
        }),
    }),

    defineRoute({
      method: 'GET',
      path: '/api/orders/:id',
      access: 'member',
      handler: (ctx) =>
        withTenant(db, ctx.auth.businessId, async (tx) => {
          const order = await findOrder(tx, ctx.auth.businessId, uuidParam(ctx.params.id));
          if (!order) throw new AppError('not_found');
          const [view] = await orderViews(tx, ctx.auth.businessId, [order]);
          return json(view);
        }),
    }),

    defineRoute({
      method: 'POST',
      path: '/api/orders',
      access: 'member',
      body: { kind: 'json', schema: orderCreateRequestSchema },
      async handler(ctx) {
        const { businessId } = ctx.auth;
        const { conversationId, items } = ctx.body;
        const idempotencyKey = `agent:${ctx.body.idempotencyKey ?? randomUUID()}`;
        const [conversation, replayed] = await withTenant(db, businessId, async (tx) => {
          const [row] = await tx
            .select({ state: conversations.state })
            .from(conversations)
            .where(
              and(eq(conversations.id, conversationId), eq(conversations.businessId, businessId)),
            );
          const [earlier] = await tx
            .select()
            .from(orders)
            .where(
              and(eq(orders.businessId, businessId), eq(orders.idempotencyKey, idempotencyKey)),
            );
          return [row, earlier && (await orderViews(tx, businessId, [earlier]))[0]] as const;
        });
        if (!conversation) throw new AppError('not_found');
        // The same request again (a client retry): the order it made, not a second one.
        if (replayed) return json(replayed, 200);
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
          (work) => withTenant(db, businessId, work),
          {
            businessId,
            conversationId,
            items,
            idempotencyKey,
            attributedTo: 'agent',
          },
        );
        if (!result.ok) {
          const [code, message] = REFUSALS[result.reason] ?? [
            'conflict',
            'The payment provider refused the payment link.',
          ];
          throw new AppError(code, { message });
        }
        // The conversation sends the link and arms its expiry, exactly as for the bot's checkout.
        const { ok: _ok, ...created } = result;
        await deps.runtime.ingest([
          {
            businessId,
            conversationId,
            source: 'agent',
            sourceEventId: `order:${result.orderId}:${result.reference}`,
            type: 'checkout.created',
            payload: created,
          },
        ]);
        const view = await withTenant(db, businessId, async (tx) => {
          const order = await findOrder(tx, businessId, result.orderId);
          return order ? (await orderViews(tx, businessId, [order]))[0] : undefined;
        });
        return json(view, 201);
      },
    }),
  ];
}
