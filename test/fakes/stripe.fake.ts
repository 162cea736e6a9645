import Stripe from 'stripe';
import { decodeForm } from './form-encoding';
import { startHttpFake, type FakeResponse, type HttpFake, type RouteHandler } from './http-fake';
import { randomAlphanumeric } from './ids';
import { stripeEvent } from './payment-payloads';
import { bearerToken, type RecordedRequest } from './request-matching';
import { signStripeDelivery, type SignedDelivery } from './signing';
import {
  createSession,
  lineItemsList,
  stripeError,
  type FakeStripePrice,
  type StoredSession,
} from './stripe-checkout';

export { stripeError, type FakeStripePrice } from './stripe-checkout';

export interface FakeStripeOptions {
  /** When set, only this key is accepted; otherwise any `sk_…`/`rk_…` key is. */
  readonly secretKey?: string;
  /** Prices that line items may reference by id. */
  readonly prices?: Readonly<Record<string, FakeStripePrice>>;
  /** Default endpoint secret for `signedEvent`. */
  readonly webhookSecret?: string;
  readonly latencyMs?: number;
}

/** A Stripe event object, as `stripe.webhooks.constructEvent` returns it. */
export type FakeStripeEvent = ReturnType<typeof stripeEvent>;

export interface FakeStripe extends HttpFake {
  readonly env: { readonly STRIPE_API_URL: string };
  /** `new Stripe(key, { ...fake.clientOptions, maxNetworkRetries: 0 })`. */
  readonly clientOptions: { host: string; port: number; protocol: 'http' };
  /** The current Checkout Session object, or undefined. */
  session(id: string): Record<string, unknown> | undefined;
  /** The customer paid: the session completes and its `checkout.session.completed` is returned. */
  completeSession(
    id: string,
    options?: { paymentStatus?: 'paid' | 'unpaid'; customerEmail?: string },
  ): FakeStripeEvent;
  /** An event of `type` carrying the session as it is now. */
  sessionEvent(id: string, type: string): FakeStripeEvent;
  /** The event as Stripe would POST it, signed with `secret` (default: the option). */
  signedEvent(event: FakeStripeEvent, secret?: string): SignedDelivery;
}

interface Remembered {
  readonly fingerprint: string;
  readonly response: FakeResponse;
}

function authenticate(request: RecordedRequest, secretKey: string | undefined) {
  const key = bearerToken(request);
  if (!key) {
    return stripeError(
      401,
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  const valid = secretKey === undefined ? /^(sk|rk)_(test|live)_/.test(key) : key === secretKey;
  if (!valid)
    return stripeError(401, `Invalid API Key provided: ${key.slice(0, 8)}********${key.slice(-4)}`);
  return undefined;
}

/**
 * Stripe's idempotency: a key replays the first answer (with `Idempotent-Replayed: true`); the
 * same key with other parameters is an `idempotency_error`. Failed validations are not saved.
 */
function idempotent(handler: RouteHandler, memory: Map<string, Remembered>): RouteHandler {
  return async (request, params) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string') return handler(request, params);
    const fingerprint = `${request.method} ${request.path} ${request.rawBody.toString()}`;
    const seen = memory.get(key);
    if (seen && seen.fingerprint !== fingerprint) {
      return stripeError(
        400,
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        { type: 'idempotency_error' },
      );
    }
    if (seen) {
      return {
        ...seen.response,
        headers: { ...seen.response.headers, 'idempotent-replayed': 'true' },
      };
    }
    const response = await handler(request, params);
    if (response.status < 400) memory.set(key, { fingerprint, response });
    return response;
  };
}

/** Fake Stripe API: Checkout Sessions create / retrieve / line_items / expire. */
export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const sessions = new Map<string, StoredSession>();
  const memory = new Map<string, Remembered>();
  const prices = options.prices ?? {};

  const guarded =
    (handler: RouteHandler): RouteHandler =>
    (request, params) =>
      authenticate(request, options.secretKey) ?? handler(request, params);

  const noSuchSession = (id: string) =>
    stripeError(404, `No such checkout.session: '${id}'`, {
      code: 'resource_missing',
      param: 'session',
    });

  const create: RouteHandler = (request) => {
    const built = createSession((request.body ?? {}) as Record<string, unknown>, prices);
    if ('status' in built) return built;
    sessions.set(String(built.session.id), built);
    return { status: 200, body: built.session };
  };

  const retrieve: RouteHandler = (request, { id = '' }) => {
    const stored = sessions.get(id);
    if (!stored) return noSuchSession(id);
    const query = decodeForm(new URLSearchParams(request.query).toString());
    const expand = Array.isArray(query.expand) ? query.expand : [];
    const body = expand.includes('line_items')
      ? { ...stored.session, line_items: lineItemsList(stored) }
      : stored.session;
    return { status: 200, body };
  };

  const listLineItems: RouteHandler = (_request, { id = '' }) => {
    const stored = sessions.get(id);
    return stored ? { status: 200, body: lineItemsList(stored) } : noSuchSession(id);
  };

  const expire: RouteHandler = (_request, { id = '' }) => {
    const stored = sessions.get(id);
    if (!stored) return noSuchSession(id);
    if (stored.session.status !== 'open') {
      return stripeError(
        400,
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${String(stored.session.status)}".`,
      );
    }
    stored.session = { ...stored.session, status: 'expired', url: null };
    return { status: 200, body: stored.session };
  };

  const http = await startHttpFake({
    routes: [
      {
        method: 'POST',
        path: '/v1/checkout/sessions',
        handle: guarded(idempotent(create, memory)),
      },
      { method: 'GET', path: '/v1/checkout/sessions/:id', handle: guarded(retrieve) },
      {
        method: 'GET',
        path: '/v1/checkout/sessions/:id/line_items',
        handle: guarded(listLineItems),
      },
      {
        method: 'POST',
        path: '/v1/checkout/sessions/:id/expire',
        handle: guarded(idempotent(expire, memory)),
      },
    ],
    defaultFailure: stripeError(500),
    notFound: (r) => stripeError(404, `Unrecognized request URL (${r.method}: ${r.path}).`),
    headers: () => ({
      'request-id': `req_${randomAlphanumeric(14)}`,
      'stripe-version': Stripe.API_VERSION,
    }),
    latencyMs: options.latencyMs,
  });

  const mustGet = (id: string) => {
    const stored = sessions.get(id);
    if (!stored) throw new Error(`fake Stripe: no session ${id}`);
    return stored;
  };
  const sessionEvent = (id: string, type: string) =>
    stripeEvent({
      session: structuredClone(mustGet(id).session),
      type,
      apiVersion: Stripe.API_VERSION,
    });

  return Object.assign(http, {
    env: { STRIPE_API_URL: http.url },
    clientOptions: {
      host: '127.0.0.1',
      port: Number(new URL(http.url).port),
      protocol: 'http' as const,
    },
    session: (id: string) => sessions.get(id)?.session,
    completeSession(
      id: string,
      opts: { paymentStatus?: 'paid' | 'unpaid'; customerEmail?: string } = {},
    ) {
      const stored = mustGet(id);
      const email = opts.customerEmail ?? stored.session.customer_email ?? 'buyer@example.com';
      stored.session = {
        ...stored.session,
        status: 'complete',
        payment_status: opts.paymentStatus ?? 'paid',
        payment_intent: stored.session.mode === 'payment' ? `pi_${randomAlphanumeric(24)}` : null,
        customer_details: {
          email,
          name: null,
          phone: null,
          address: null,
          tax_exempt: 'none',
          tax_ids: [],
        },
        url: null,
      };
      return sessionEvent(id, 'checkout.session.completed');
    },
    sessionEvent,
    signedEvent(event: FakeStripeEvent, secret = options.webhookSecret) {
      if (!secret) throw new Error('fake Stripe: no webhook secret given');
      return signStripeDelivery(event, secret);
    },
  });
}
