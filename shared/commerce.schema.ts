import { z } from 'zod';
import { checkoutItemSchema } from './conversation.events';
import { ORDER_STATUSES, PAYMENT_PROVIDERS, PAYMENT_STATUSES } from './domain';

/**
 * docs/api.md, "Commerce" and the catalog under "Integrations and settings". Money is always
 * integer minor units plus an ISO 4217 code (docs/api.md, "Conventions").
 */

// The messages are the catalog form's too: the page validates with these same schemas.
const sku = z
  .string()
  .trim()
  .min(1, 'Enter a SKU.')
  .max(64, 'Use at most 64 characters.')
  .regex(/^[A-Za-z0-9._-]+$/, 'Use letters, digits, dots, dashes or underscores.');
const currency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'Use a three-letter currency code, like USD.')
  .transform((c) => c.toUpperCase());
const priceMinor = z.number().int().min(0, 'The price cannot be negative.').max(1e12);
const stock = z.number().int().min(0).max(1e9).nullable();

export const productCreateRequestSchema = z.object({
  sku,
  name: z.string().trim().min(1, 'Enter a name.').max(200),
  priceMinor,
  currency,
  /** Leave out (or null) for an item whose stock is not tracked. */
  stock: stock.optional(),
  description: z.string().trim().max(2000).nullable().optional(),
});
export type ProductCreateRequest = z.infer<typeof productCreateRequestSchema>;

export const productUpdateRequestSchema = productCreateRequestSchema
  .partial()
  .extend({ active: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type ProductUpdateRequest = z.infer<typeof productUpdateRequestSchema>;

export const productSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  priceMinor: z.number(),
  currency: z.string(),
  stock: z.number().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Product = z.infer<typeof productSchema>;

export const productListResponseSchema = z.object({ items: z.array(productSchema) });
export type ProductListResponse = z.infer<typeof productListResponseSchema>;

export const orderItemSchema = z.object({
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number(),
  unitPriceMinor: z.number(),
});

export const paymentSchema = z.object({
  id: z.string(),
  provider: z.enum(PAYMENT_PROVIDERS),
  /** Parley's reference (what the provider echoes back: client_reference_id, reference, tx_ref). */
  reference: z.string(),
  /** The provider's own id when known: `cs_…`, a Paystack or Flutterwave transaction id. */
  providerPaymentId: z.string().nullable(),
  status: z.enum(PAYMENT_STATUSES),
  amountMinor: z.number(),
  currency: z.string(),
  checkoutUrl: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  failureReason: z.string().nullable(),
  createdAt: z.string(),
});
export type Payment = z.infer<typeof paymentSchema>;

export const orderSchema = z.object({
  id: z.string(),
  conversationId: z.string().nullable(),
  contactId: z.string().nullable(),
  status: z.enum(ORDER_STATUSES),
  items: z.array(orderItemSchema),
  totalMinor: z.number(),
  currency: z.string(),
  attributedTo: z.enum(['bot', 'agent']),
  payments: z.array(paymentSchema),
  invoice: z.object({ id: z.string(), number: z.string() }).nullable(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
});
export type Order = z.infer<typeof orderSchema>;

export const orderListQuerySchema = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  conversationId: z.uuid().optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const orderListResponseSchema = z.object({
  items: z.array(orderSchema),
  nextCursor: z.string().nullable(),
});
export type OrderListResponse = z.infer<typeof orderListResponseSchema>;

/**
 * An agent's order for a conversation: priced from the catalog now, a payment link sent by the
 * conversation (it enters `checkout`). A retried request with the same key reuses the order.
 */
export const orderCreateRequestSchema = z.object({
  conversationId: z.uuid(),
  items: z.array(checkoutItemSchema).min(1).max(20),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9:._-]{8,100}$/)
    .optional(),
});
export type OrderCreateRequest = z.infer<typeof orderCreateRequestSchema>;

export const invoiceSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  number: z.string(),
  items: z.array(orderItemSchema),
  totalMinor: z.number(),
  currency: z.string(),
  customerName: z.string().nullable(),
  orderStatus: z.enum(ORDER_STATUSES),
  issuedAt: z.string(),
  /** The PDF for members (bearer token) and the signed link the customer was sent. */
  pdfUrl: z.string(),
  customerUrl: z.string(),
});
export type Invoice = z.infer<typeof invoiceSchema>;

/**
 * What the owner is told about money (socket event `commerce:notice`, and email when SMTP is
 * configured). `payment_mismatch` and `payment_unmatched` mean money may have moved without an
 * order being fulfilled: someone should look.
 */
export const commerceNoticeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('order_paid'),
    businessId: z.string(),
    orderId: z.string(),
    conversationId: z.string().nullable(),
    provider: z.enum(PAYMENT_PROVIDERS),
    reference: z.string(),
    amountMinor: z.number(),
    currency: z.string(),
  }),
  z.object({
    kind: z.enum(['payment_mismatch', 'payment_unmatched']),
    businessId: z.string(),
    orderId: z.string(),
    provider: z.enum(PAYMENT_PROVIDERS),
    reference: z.string(),
    reason: z.string(),
  }),
]);
export type CommerceNotice = z.infer<typeof commerceNoticeSchema>;
