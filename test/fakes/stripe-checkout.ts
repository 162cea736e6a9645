import type { FakeResponse } from './http-fake';
import { randomAlphanumeric, unixSeconds } from './ids';

/** A price the fake knows, for line items that reference `price: 'price_…'`. */
export interface FakeStripePrice {
  readonly unit_amount: number;
  readonly currency: string;
  readonly name?: string;
}

export interface StoredLineItem {
  readonly id: string;
  readonly description: string;
  readonly quantity: number;
  readonly unitAmount: number;
  readonly currency: string;
  readonly priceId: string;
}

export interface StoredSession {
  session: Record<string, unknown>;
  readonly lineItems: StoredLineItem[];
}

/**
 * Stripe's error envelope, `{"error": {type, message, code?, param?, doc_url?}}`; stripe-node
 * turns it into `StripeInvalidRequestError`, `StripeAuthenticationError`, `StripeRateLimitError`…
 */
export function stripeError(
  status: number,
  message?: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): FakeResponse {
  const defaults: Record<number, Record<string, unknown>> = {
    400: { type: 'invalid_request_error', message: 'Invalid request.' },
    401: { type: 'invalid_request_error', message: 'Invalid API Key provided.' },
    402: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' },
    404: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such object.' },
    429: {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message:
        'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
    },
    500: { type: 'api_error', message: 'An unknown error occurred' },
  };
  const base = defaults[status] ?? defaults[status >= 500 ? 500 : 400]!;
  const code = (extra.code ?? base.code) as string | undefined;
  return {
    status,
    headers,
    body: {
      error: {
        ...base,
        ...(message ? { message } : {}),
        ...(code
          ? { doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` }
          : {}),
        ...extra,
      },
    },
  };
}

const missing = (param: string) =>
  stripeError(400, `Missing required param: ${param}.`, { code: 'parameter_missing', param });

const int = (value: unknown) => (typeof value === 'string' ? Number.parseInt(value, 10) : NaN);

type ItemParams = {
  price?: string;
  quantity?: string;
  price_data?: { currency?: string; unit_amount?: string; product_data?: { name?: string } };
};

function lineItem(
  params: ItemParams,
  index: number,
  prices: Readonly<Record<string, FakeStripePrice>>,
): StoredLineItem | FakeResponse {
  const quantity = params.quantity === undefined ? 1 : int(params.quantity);
  const known = params.price ? prices[params.price] : undefined;
  if (params.price && !known) {
    return stripeError(404, `No such price: '${params.price}'`, {
      code: 'resource_missing',
      param: `line_items[${index}][price]`,
    });
  }
  const currency = known?.currency ?? params.price_data?.currency;
  const unitAmount = known?.unit_amount ?? int(params.price_data?.unit_amount);
  if (!currency) return missing(`line_items[${index}][price_data][currency]`);
  if (!Number.isInteger(unitAmount) || !Number.isInteger(quantity)) {
    return stripeError(400, 'Invalid integer', { param: `line_items[${index}]` });
  }
  return {
    id: `li_${randomAlphanumeric(24)}`,
    description: known?.name ?? params.price_data?.product_data?.name ?? 'Item',
    quantity,
    unitAmount,
    currency,
    priceId: params.price ?? `price_${randomAlphanumeric(24)}`,
  };
}

/** Validates `POST /v1/checkout/sessions` params and builds the open session. */
export function createSession(
  params: Record<string, unknown>,
  prices: Readonly<Record<string, FakeStripePrice>>,
): StoredSession | FakeResponse {
  if (typeof params.mode !== 'string') return missing('mode');
  if (!Array.isArray(params.line_items) || params.line_items.length === 0) {
    return missing('line_items');
  }
  const lineItems: StoredLineItem[] = [];
  for (const [index, item] of (params.line_items as ItemParams[]).entries()) {
    const built = lineItem(item, index, prices);
    if ('status' in built) return built;
    lineItems.push(built);
  }
  const id = `cs_test_a1${randomAlphanumeric(56)}`;
  const created = unixSeconds();
  const amount = lineItems.reduce((sum, li) => sum + li.unitAmount * li.quantity, 0);
  const session = {
    id,
    object: 'checkout.session',
    amount_subtotal: amount,
    amount_total: amount,
    cancel_url: params.cancel_url ?? null,
    client_reference_id: params.client_reference_id ?? null,
    created,
    currency: lineItems[0]?.currency ?? null,
    customer: null,
    customer_details: null,
    customer_email: params.customer_email ?? null,
    expires_at: params.expires_at ? int(params.expires_at) : created + 24 * 3600,
    livemode: false,
    metadata: params.metadata ?? {},
    mode: params.mode,
    payment_intent: null,
    payment_link: null,
    payment_method_types: params.payment_method_types ?? ['card'],
    payment_status: 'unpaid',
    status: 'open',
    success_url: params.success_url ?? null,
    ui_mode: 'hosted',
    url: `https://checkout.stripe.com/c/pay/${id}`,
  };
  return { session, lineItems };
}

/** The `line_items` list object (`expand[]=line_items` or `GET …/line_items`). */
export function lineItemsList(stored: StoredSession) {
  return {
    object: 'list',
    data: stored.lineItems.map((li) => ({
      id: li.id,
      object: 'item',
      amount_discount: 0,
      amount_subtotal: li.unitAmount * li.quantity,
      amount_tax: 0,
      amount_total: li.unitAmount * li.quantity,
      currency: li.currency,
      description: li.description,
      quantity: li.quantity,
      price: {
        id: li.priceId,
        object: 'price',
        currency: li.currency,
        unit_amount: li.unitAmount,
        type: 'one_time',
      },
    })),
    has_more: false,
    url: `/v1/checkout/sessions/${String(stored.session.id)}/line_items`,
  };
}
