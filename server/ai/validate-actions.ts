import type { AiAction, CheckoutItem } from '../../shared/conversation.events';
import type { Database } from '../persistence/db';
import type { ParsedAction } from './control-tags';

/**
 * Semantic checks on the tags the parser found: the SKUs exist and are for sale, quantities are
 * positive and in stock, one checkout at a time, an invoice needs an order. What passes becomes
 * the `actions` of `ai.replied`; the rest is reported so it can be logged and counted.
 */

export interface ActionFacts {
  /** The business's active products named by the reply, keyed by lower-case SKU. */
  products: ReadonlyMap<string, { sku: string; stock: number | null; currency: string }>;
  /** A payment link is out (`conversations.snapshot->'context'->'checkout'`). */
  checkoutPending: boolean;
  /** The conversation has an order an invoice could be for. */
  hasOrder: boolean;
}

export type ActionRejection =
  | 'unknown_sku'
  | 'bad_quantity'
  | 'out_of_stock'
  | 'mixed_currency'
  | 'too_many_items'
  | 'checkout_pending'
  | 'no_order'
  | 'duplicate'
  | 'superseded_by_handoff';

export interface RejectedAction {
  reason: ActionRejection;
  action: ParsedAction['type'];
  detail?: string;
}

const MAX_QTY = 1000;
const MAX_ITEMS = 20;

export function validateActions(
  parsed: readonly ParsedAction[],
  facts: ActionFacts,
): { actions: AiAction[]; rejected: RejectedAction[] } {
  const rejected: RejectedAction[] = [];
  const actions: AiAction[] = [];
  const seen = new Set<ParsedAction['type']>();
  const checkoutTags = parsed.filter((a) => a.type === 'checkout');

  for (const action of parsed) {
    if (seen.has(action.type)) {
      // Several CHECKOUT tags are one basket (the model may write one tag per item).
      if (action.type !== 'checkout') rejected.push({ reason: 'duplicate', action: action.type });
      continue;
    }
    seen.add(action.type);
    if (action.type === 'checkout') {
      const result = checkCheckout(
        checkoutTags.flatMap((c) => c.items),
        facts,
      );
      if ('reason' in result) rejected.push(result);
      else actions.push({ type: 'checkout', items: result.items });
    } else if (action.type === 'invoice' && !facts.hasOrder) {
      rejected.push({ reason: 'no_order', action: 'invoice' });
    } else actions.push(action);
  }

  // A handoff means a person takes over: the bot starts nothing else in the same breath.
  if (!actions.some((a) => a.type === 'handoff')) return { actions, rejected };
  for (const a of actions) {
    if (a.type !== 'handoff') rejected.push({ reason: 'superseded_by_handoff', action: a.type });
  }
  return { actions: actions.filter((a) => a.type === 'handoff'), rejected };
}

function checkCheckout(
  requested: { sku: string; qty: number }[],
  facts: ActionFacts,
): { items: CheckoutItem[] } | RejectedAction {
  const refuse = (reason: ActionRejection, detail?: string): RejectedAction => ({
    reason,
    action: 'checkout',
    ...(detail ? { detail } : {}),
  });
  if (facts.checkoutPending) return refuse('checkout_pending');
  const basket = new Map<string, CheckoutItem>();
  const currencies = new Set<string>();
  for (const { sku, qty } of requested) {
    const product = facts.products.get(sku.toLowerCase());
    if (!product) return refuse('unknown_sku', sku);
    if (!Number.isInteger(qty) || qty <= 0) return refuse('bad_quantity', `${sku}: ${qty}`);
    currencies.add(product.currency.toUpperCase());
    const item = basket.get(product.sku) ?? { sku: product.sku, qty: 0 };
    item.qty += qty;
    basket.set(product.sku, item);
  }
  if (currencies.size > 1) return refuse('mixed_currency');
  if (basket.size > MAX_ITEMS) return refuse('too_many_items');
  for (const item of basket.values()) {
    const product = facts.products.get(item.sku.toLowerCase());
    if (item.qty > MAX_QTY) return refuse('bad_quantity', `${item.sku}: ${item.qty}`);
    if (product?.stock != null && item.qty > product.stock) {
      return refuse('out_of_stock', `${item.sku}: ${item.qty} > ${product.stock}`);
    }
  }
  return { items: [...basket.values()] };
}

/**
 * Reads the facts fresh after the model answered (stock and the pending checkout may have moved
 * during the call), for just the SKUs the reply names.
 */
export async function loadActionFacts(
  database: Database,
  businessId: string,
  conversationId: string,
  parsed: readonly ParsedAction[],
): Promise<ActionFacts> {
  const skus = parsed.flatMap((a) => (a.type === 'checkout' ? a.items.map((i) => i.sku) : []));
  const products =
    skus.length === 0
      ? []
      : await database.sql.query<{ sku: string; stock: number | null; currency: string }>(
          `select sku, stock, currency from products
            where business_id = $1 and active and lower(sku) = any($2::text[])`,
          [businessId, [...new Set(skus.map((s) => s.toLowerCase()))]],
        );
  const [conversation] = await database.sql.query<{ pending: boolean; has_order: boolean }>(
    `select coalesce(jsonb_typeof(snapshot->'context'->'checkout') = 'object', false) as pending,
            coalesce(snapshot->'context'->>'lastOrderId', snapshot->'context'->'checkout'->>'orderId') is not null as has_order
       from conversations where id = $1 and business_id = $2`,
    [conversationId, businessId],
  );
  return {
    products: new Map(products.map((p) => [p.sku.toLowerCase(), p])),
    checkoutPending: conversation?.pending ?? false,
    hasOrder: conversation?.has_order ?? false,
  };
}
