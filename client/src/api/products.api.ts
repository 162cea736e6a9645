import { z } from 'zod';
import { api } from './client';

/**
 * The catalog (docs/api.md, "Integrations and settings": `GET|POST /api/products`,
 * `PATCH|DELETE /api/products/:id`). Its zod schema joins `shared/` with the commerce routes;
 * until then this mirrors the contract, and a server without the routes answers 404, which
 * the page explains.
 */
export const productSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  priceMinor: z.number().int(),
  currency: z.string(),
  stock: z.number().int().nullable().optional(),
  description: z.string().nullable().optional(),
});
export type Product = z.infer<typeof productSchema>;

export const productInputSchema = z.object({
  sku: z
    .string()
    .trim()
    .min(1, 'Enter a SKU.')
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'Use letters, digits, dots, dashes or underscores.'),
  name: z.string().trim().min(1, 'Enter a name.').max(200),
  priceMinor: z.number().int().min(0, 'The price cannot be negative.'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'Use a three-letter currency code, like USD.'),
  stock: z.number().int().min(0).nullable().optional(),
  description: z.string().max(2000).nullable().optional(),
});
export type ProductInput = z.infer<typeof productInputSchema>;

/** A list may come as `{items}` (like every other list) or as a bare array. */
const productListSchema = z
  .union([z.object({ items: z.array(productSchema) }), z.array(productSchema)])
  .transform((value) => (Array.isArray(value) ? value : value.items));

export const listProducts = () => api.request('/api/products', { schema: productListSchema });

export const createProduct = (body: ProductInput) =>
  api.request('/api/products', { body, schema: productSchema });

export const updateProduct = (id: string, body: Partial<ProductInput>) =>
  api.request(`/api/products/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body,
    schema: productSchema,
  });

export const deleteProduct = (id: string) =>
  api.request(`/api/products/${encodeURIComponent(id)}`, { method: 'DELETE' });
