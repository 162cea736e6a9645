import { commerceContracts } from '../../shared/api/commerce.contract';
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { OrderListResponse } from '../../shared/commerce.schema';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, type Route } from '../http/route';
import type { Database } from '../persistence/db';
import { orders } from '../persistence/schema';
import { isUuid } from '../persistence/tenant';
import type { Runtime } from '../runtime/runtime';
import { createAgentOrder } from './agent-order';
import type { CheckoutDeps } from './checkout';
import { orderViews } from './order-views.pg';
import { findOrder } from './orders.pg';

export interface OrderRouteDeps {
  database: Database;
  runtime: Runtime;
  checkout: CheckoutDeps;
}

/** `<created_at ms>.<id>`: newest first, ties broken by id. */
const encodeCursor = (o: { createdAt: Date; id: string }) => `${o.createdAt.getTime()}.${o.id}`;
/** Milliseconds up to the end of year 9999: beyond it a Date is sent as `+275760-…`, a 500. */
const CURSOR = /^(\d{1,15})\.([0-9a-f-]{36})$/i;
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
function decodeCursor(cursor: string): SQL | undefined {
  const [, ms, id] = CURSOR.exec(cursor) ?? [];
  const at = new Date(Number(ms));
  if (!ms || !id || !isUuid(id) || Number(ms) > LAST_MS)
    throw new AppError('bad_request', { message: 'Bad cursor.' });
  return or(lt(orders.createdAt, at), and(eq(orders.createdAt, at), lt(orders.id, id)));
}

/** `GET /api/orders`, `GET /api/orders/:id` (status and provider references), agent orders. */
export function orderRoutes(deps: OrderRouteDeps): Route[] {
  const { database } = deps;
  return [
    defineRoute(commerceContracts.listOrders, (ctx) =>
      database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
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
    ),

    defineRoute(commerceContracts.getOrder, (ctx) =>
      database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
        const order = await findOrder(tx, ctx.auth.businessId, uuidParam(ctx.params.id));
        if (!order) throw new AppError('not_found');
        const [view] = await orderViews(tx, ctx.auth.businessId, [order]);
        if (!view) throw new AppError('not_found');
        return json(view);
      }),
    ),

    defineRoute(commerceContracts.createOrder, async (ctx) => {
      const { status, order } = await createAgentOrder(deps, ctx.auth, ctx.body);
      // Read back after its own commit: only a concurrent erasure leaves nothing to show.
      if (!order) throw new AppError('not_found');
      return json(order, status);
    }),
  ];
}
