import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { CheckoutItem } from '../../shared/conversation.events';
import type { PaymentProvider } from '../../shared/domain';
import type { Db } from '../persistence/db';
import { contacts, conversations } from '../persistence/schema';
import {
  findOrCreateOrder,
  itemsKeyOf,
  lockConversationCheckout,
  otherLiveCheckout,
  priceItems,
  type OrderOutcome,
  type OrderRow,
} from './orders.pg';
import {
  abandonPayment,
  insertPaymentAttempt,
  latestPaymentOf,
  storePaymentLink,
  type PaymentRow,
} from './payments.pg';
import { pickProvider, type ProviderRegistry } from './provider-registry';
import { ProviderError, type PaymentLink, type PaymentProviderClient } from './providers/provider';

/** Runs `work` in one transaction: the system's for effects, the tenant's for agent requests. */
export type TxRunner = <T>(work: (db: Db) => Promise<T>) => Promise<T>;

export interface CheckoutDeps {
  registry: ProviderRegistry;
  log: Logger;
  /** The link's lifetime, and how long a pending order is reused for the same request. */
  checkoutTtlMs: number;
  baseUrl(): string;
  /** Pauses between tries of a provider that is down (tests shorten them). */
  retryDelaysMs?: readonly number[];
}

export interface CheckoutRequest {
  businessId: string;
  conversationId: string;
  items: readonly CheckoutItem[];
  /** Derived from the triggering event (`checkout:<effect id>`, `agent:<request key>`). */
  idempotencyKey: string;
  attributedTo: 'bot' | 'agent';
}

export type CheckoutResult =
  | {
      ok: true;
      orderId: string;
      provider: PaymentProvider;
      reference: string;
      url: string;
      amountMinor: number;
      currency: string;
    }
  | { ok: false; reason: string };

/** Another job is creating the link of the order this one would reuse: try again shortly. */
export class LinkInProgressError extends Error {
  constructor(readonly orderId: string) {
    super(`a payment link for order ${orderId} is being created`);
    this.name = 'LinkInProgressError';
  }
}

type Prepared =
  | { ok: false; reason: string }
  | { ok: true; order: OrderRow; payment: PaymentRow; customer: Customer };

interface Customer {
  name: string | null;
  email: string;
}

const IN_PROGRESS_MS = 2 * 60 * 1000;
const DEFAULT_DELAYS = [500, 2000] as const;

const ready = (order: OrderRow, payment: PaymentRow): CheckoutResult => ({
  ok: true,
  orderId: order.id,
  provider: payment.provider,
  reference: payment.reference,
  url: payment.checkoutUrl ?? '',
  amountMinor: order.totalMinor,
  currency: order.currency,
});

/**
 * A checkout (docs/architecture.md, "Commerce"): prices the items from the catalog, creates the
 * order or reuses it (the same request retried, or the same contact asking for the same items while
 * it is pending), then gets a payment link from the business's provider with an idempotency key,
 * and reuses a link that already exists. Never throws for a refusal: the conversation is told why.
 */
export async function runCheckout(
  deps: CheckoutDeps,
  transaction: TxRunner,
  request: CheckoutRequest,
): Promise<CheckoutResult> {
  for (let burnt = 0; ; burnt++) {
    const prepared = await transaction((db) => prepare(deps, db, request));
    if (!prepared.ok) return prepared;
    const { order, payment } = prepared;
    if (payment.checkoutUrl || payment.status === 'succeeded') return ready(order, payment);

    const client = await deps.registry.client(request.businessId, payment.provider);
    if (!client) return { ok: false, reason: 'no_payment_provider' };
    const outcome = await createLink(deps, client, order, payment, prepared.customer);
    if ('url' in outcome) {
      await transaction((db) => storePaymentLink(db, payment, outcome));
      return ready(order, { ...payment, checkoutUrl: outcome.url });
    }
    await transaction((db) => abandonPayment(db, payment, outcome.reason));
    // A reference the provider already knows (an attempt whose answer was lost): next attempt.
    if (outcome.reason !== 'provider_duplicate_reference' || burnt >= 2) {
      deps.log.warn(
        { event: 'checkout.link_failed', orderId: order.id, reason: outcome.reason },
        'no payment link',
      );
      return { ok: false, reason: outcome.reason };
    }
  }
}

async function prepare(deps: CheckoutDeps, db: Db, request: CheckoutRequest): Promise<Prepared> {
  const { businessId, conversationId } = request;
  await lockConversationCheckout(db, conversationId);
  const [conversation] = await db
    .select({ contactId: conversations.contactId, name: contacts.name, profile: contacts.profile })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.id, conversationId), eq(conversations.businessId, businessId)));
  if (!conversation) return { ok: false, reason: 'no_conversation' };

  const priced = await priceItems(db, businessId, request.items);
  if (!priced.ok) return priced;
  const provider = pickProvider(await deps.registry.enabled(db, businessId), priced.currency);
  if (!provider) return { ok: false, reason: 'no_payment_provider' };
  const itemsKey = itemsKeyOf(request.items);
  const live = await otherLiveCheckout(
    db,
    { businessId, conversationId, idempotencyKey: request.idempotencyKey, itemsKey },
    deps.checkoutTtlMs,
  );
  if (live) return { ok: false, reason: 'checkout_in_progress' };

  const { order, reused } = await findOrCreateOrder(db, {
    businessId,
    conversationId,
    contactId: conversation.contactId,
    idempotencyKey: request.idempotencyKey,
    itemsKey,
    items: priced.items,
    totalMinor: priced.totalMinor,
    currency: priced.currency,
    attributedTo: request.attributedTo,
    reuseWithinMs: deps.checkoutTtlMs,
  });
  if (order.status !== 'pending') return { ok: false, reason: `order_${order.status}` };
  if (reused === 'duplicate') {
    deps.log.info(
      { event: 'checkout.order_reused', orderId: order.id, conversationId },
      'same items still pending for this contact: reusing the order and its link',
    );
  }

  const payment = await attemptFor(db, order, provider, reused);
  return { ok: true, order, payment, customer: customerOf(conversation) };
}

/**
 * The payment attempt this checkout uses: the order's pending one (its link is reused), its
 * succeeded one (paid already, and the conversation missed it: presenting that attempt lets the
 * machine match the payment it kept instead of sending a second link for money already taken),
 * or a new one (none yet, the last failed, or the business switched provider).
 */
async function attemptFor(
  db: Db,
  order: OrderRow,
  provider: PaymentProvider,
  reused: OrderOutcome['reused'],
): Promise<PaymentRow> {
  const payment = await latestPaymentOf(db, order.businessId, order.id);
  if (
    payment?.status === 'pending' &&
    !payment.checkoutUrl &&
    reused === 'duplicate' &&
    Date.now() - payment.createdAt.getTime() < IN_PROGRESS_MS
  ) {
    throw new LinkInProgressError(order.id);
  }
  if (payment?.status === 'succeeded') return payment;
  if (payment?.status === 'pending' && payment.provider === provider) return payment;
  return insertPaymentAttempt(db, order, provider);
}

/** Providers want an email; chat customers rarely give one. `.invalid` never delivers. */
function customerOf(c: { contactId: string; name: string | null; profile: unknown }): Customer {
  const email = (c.profile as { email?: unknown } | null)?.email;
  return {
    name: c.name,
    email:
      typeof email === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)
        ? email
        : `customer-${c.contactId}@customers.parley.invalid`,
  };
}

async function createLink(
  deps: CheckoutDeps,
  client: PaymentProviderClient,
  order: OrderRow,
  payment: PaymentRow,
  customer: Customer,
): Promise<PaymentLink | { reason: string }> {
  const delays = deps.retryDelaysMs ?? DEFAULT_DELAYS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.createLink({
        reference: payment.reference,
        amountMinor: order.totalMinor,
        currency: order.currency,
        items: order.items,
        customerEmail: customer.email,
        customerName: customer.name,
        description: `Order ${order.id.slice(0, 8).toUpperCase()}`,
        returnUrl: `${deps.baseUrl()}/checkout/complete?reference=${payment.reference}`,
        expiresAt: new Date(Date.now() + deps.checkoutTtlMs),
        // The reference names the order (itself keyed by the triggering event) and the attempt.
        idempotencyKey: `parley-link-${payment.reference}`,
        metadata: { orderId: order.id, businessId: order.businessId },
      });
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      const delay = delays[attempt];
      if (!err.retryable || delay === undefined) return { reason: `provider_${err.code}` };
      deps.log.info(
        { event: 'checkout.provider_retry', provider: client.name, attempt, code: err.code },
        'payment provider unavailable; trying again',
      );
      await sleep(delay);
    }
  }
}
