import { startHttpFake, type FakeResponse, type HttpFake, type RouteHandler } from './http-fake';
import { randomAlphanumeric, randomNumericId } from './ids';
import { paystackChargeSuccess } from './payment-payloads';
import { bearerToken } from './request-matching';
import { signPaystackDelivery, type SignedDelivery } from './signing';

export interface FakePaystackOptions {
  /** When set, only this key is accepted; otherwise any `sk_…` key is. */
  readonly secretKey?: string;
  readonly latencyMs?: number;
}

export interface PaystackTransaction {
  readonly id: number;
  readonly reference: string;
  readonly accessCode: string;
  /** Minor units (kobo, pesewas, cents). */
  readonly amount: number;
  readonly currency: string;
  readonly email: string;
  readonly metadata: unknown;
  readonly callbackUrl: string | undefined;
  /** Paystack reports a link nobody paid as `abandoned`. */
  status: 'abandoned' | 'success' | 'failed';
  /** The charge as verify and `charge.success` report it, once paid. */
  charge: Record<string, unknown> | undefined;
}

export type PaystackChargeEvent = ReturnType<typeof paystackChargeSuccess>;

export interface FakePaystack extends HttpFake {
  readonly env: { readonly PAYSTACK_API_URL: string };
  transaction(reference: string): PaystackTransaction | undefined;
  /** The customer paid (optionally a different amount): verify reports success; returns `charge.success`. */
  markPaid(reference: string, paid?: { amount?: number; currency?: string }): PaystackChargeEvent;
  markFailed(reference: string): void;
  /** The event as Paystack POSTs it, signed with the tenant's secret key. */
  signedEvent(event: PaystackChargeEvent, secretKey?: string): SignedDelivery;
}

/** Paystack's error envelope: `{"status": false, "message": "…"}`. */
export function paystackError(status: number, message: string): FakeResponse {
  return { status, body: { status: false, message } };
}

const REFERENCE = /^[A-Za-z0-9.=-]+$/;

function toAmount(value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : NaN;
}

/** Fake Paystack API: `POST /transaction/initialize`, `GET /transaction/verify/:reference`. */
export async function startFakePaystack(options: FakePaystackOptions = {}): Promise<FakePaystack> {
  const transactions = new Map<string, PaystackTransaction>();

  const guarded =
    (handler: RouteHandler): RouteHandler =>
    (request, params) => {
      const key = bearerToken(request);
      const ok =
        key &&
        (options.secretKey === undefined ? key.startsWith('sk_') : key === options.secretKey);
      return ok ? handler(request, params) : paystackError(401, 'Invalid key');
    };

  const initialize: RouteHandler = (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const email = body.email;
    if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      return paystackError(400, 'Invalid Email Address Passed');
    }
    // Integer minor units only: a major-unit or fractional amount is a bug worth failing loudly.
    const amount = toAmount(body.amount);
    if (Number.isNaN(amount)) return paystackError(400, 'Invalid Amount Sent');
    const reference =
      typeof body.reference === 'string' ? body.reference : randomAlphanumeric(10).toLowerCase();
    if (!REFERENCE.test(reference)) return paystackError(400, 'Invalid transaction reference');
    if (transactions.has(reference)) return paystackError(400, 'Duplicate Transaction Reference');
    const accessCode = randomAlphanumeric(15).toLowerCase();
    transactions.set(reference, {
      id: randomNumericId(10),
      reference,
      accessCode,
      amount,
      currency: typeof body.currency === 'string' ? body.currency : 'NGN',
      email,
      metadata: body.metadata ?? '',
      callbackUrl: typeof body.callback_url === 'string' ? body.callback_url : undefined,
      status: 'abandoned',
      charge: undefined,
    });
    return {
      status: 200,
      body: {
        status: true,
        message: 'Authorization URL created',
        data: {
          authorization_url: `https://checkout.paystack.com/${accessCode}`,
          access_code: accessCode,
          reference,
        },
      },
    };
  };

  const verify: RouteHandler = (_request, { reference = '' }) => {
    const tx = transactions.get(reference);
    if (!tx) return paystackError(400, 'Transaction reference not found');
    const data = tx.charge ?? {
      ...paystackChargeSuccess({
        reference,
        amount: tx.amount,
        currency: tx.currency,
        email: tx.email,
        id: tx.id,
      }).data,
      status: tx.status,
      gateway_response: tx.status === 'failed' ? 'Declined' : 'The transaction was not completed',
      paid_at: null,
      paidAt: null,
      authorization: {},
      fees: null,
      metadata: tx.metadata,
    };
    return { status: 200, body: { status: true, message: 'Verification successful', data } };
  };

  const http = await startHttpFake({
    routes: [
      { method: 'POST', path: '/transaction/initialize', handle: guarded(initialize) },
      { method: 'GET', path: '/transaction/verify/:reference', handle: guarded(verify) },
    ],
    defaultFailure: paystackError(500, 'An error occurred'),
    notFound: () => paystackError(404, 'Not found'),
    latencyMs: options.latencyMs,
  });

  const mustGet = (reference: string) => {
    const tx = transactions.get(reference);
    if (!tx) throw new Error(`fake Paystack: no transaction ${reference}`);
    return tx;
  };

  return Object.assign(http, {
    env: { PAYSTACK_API_URL: http.url },
    transaction: (reference: string) => transactions.get(reference),
    markPaid(reference: string, paid: { amount?: number; currency?: string } = {}) {
      const tx = mustGet(reference);
      const event = paystackChargeSuccess({
        reference,
        id: tx.id,
        amount: paid.amount ?? tx.amount,
        currency: paid.currency ?? tx.currency,
        email: tx.email,
        metadata: tx.metadata,
      });
      // What was asked for stays visible when a test pays a different amount.
      event.data.requested_amount = tx.amount;
      tx.status = 'success';
      tx.charge = event.data;
      return event;
    },
    markFailed(reference: string) {
      const tx = mustGet(reference);
      tx.status = 'failed';
      tx.charge = undefined;
    },
    signedEvent(event: PaystackChargeEvent, secretKey = options.secretKey) {
      if (!secretKey) throw new Error('fake Paystack: no secret key given');
      return signPaystackDelivery(event, secretKey);
    },
  });
}
