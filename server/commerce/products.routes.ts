import { commerceContracts } from '../../shared/api/commerce.contract';
import { and, asc, eq } from 'drizzle-orm';
import type { Product, ProductListResponse } from '../../shared/commerce.schema';
import { AppError } from '../errors';
import { uuidParam } from '../http/params';
import { defineRoute, json, noContent, type Route } from '../http/route';
import type { Database } from '../persistence/db';
import { isUniqueViolation } from '../persistence/pg-errors';
import { products } from '../persistence/schema';

type ProductRow = typeof products.$inferSelect;

function toDto(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceMinor: row.priceMinor,
    currency: row.currency,
    stock: row.stock,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const skuTaken = () =>
  new AppError('conflict', { message: 'Another product already has this SKU.' });

/** The catalog (api.md): members read it (agents quote prices), owners and admins change it. */
export function productRoutes(deps: { database: Database }): Route[] {
  const { database } = deps;
  const where = (businessId: string, id: string) =>
    and(eq(products.businessId, businessId), eq(products.id, id));
  return [
    defineRoute(commerceContracts.listProducts, (ctx) =>
      database.transaction({ tenant: ctx.auth.businessId }, async ({ db: tx }) => {
        const rows = await tx
          .select()
          .from(products)
          .where(eq(products.businessId, ctx.auth.businessId))
          .orderBy(asc(products.sku));
        return json({ items: rows.map(toDto) } satisfies ProductListResponse);
      }),
    ),

    defineRoute(commerceContracts.createProduct, async (ctx) => {
      const { businessId } = ctx.auth;
      try {
        const [row] = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
          tx
            .insert(products)
            .values({
              businessId,
              sku: ctx.body.sku,
              name: ctx.body.name,
              description: ctx.body.description ?? null,
              priceMinor: ctx.body.priceMinor,
              currency: ctx.body.currency,
              stock: ctx.body.stock ?? null,
            })
            .returning(),
        );
        return json(toDto(row as ProductRow), 201);
      } catch (err) {
        if (isUniqueViolation(err)) throw skuTaken();
        throw err;
      }
    }),

    defineRoute(commerceContracts.updateProduct, async (ctx) => {
      const { businessId } = ctx.auth;
      const id = uuidParam(ctx.params.id);
      try {
        const [row] = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
          tx
            .update(products)
            .set({ ...ctx.body, updatedAt: new Date() })
            .where(where(businessId, id))
            .returning(),
        );
        if (!row) throw new AppError('not_found');
        return json(toDto(row));
      } catch (err) {
        if (isUniqueViolation(err)) throw skuTaken();
        throw err;
      }
    }),

    defineRoute(commerceContracts.deleteProduct, async (ctx) => {
      const { businessId } = ctx.auth;
      const id = uuidParam(ctx.params.id);
      // Orders keep their own copy of each line, so deleting a product changes no order.
      const deleted = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
        tx.delete(products).where(where(businessId, id)).returning({ id: products.id }),
      );
      if (deleted.length === 0) throw new AppError('not_found');
      return noContent();
    }),
  ];
}
