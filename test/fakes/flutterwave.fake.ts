import { startHttpFake, type FakeResponse, type HttpFake, type RouteHandler } from './http-fake';
import { randomHex, randomNumericId } from './ids';
import { flutterwaveChargeCompleted } from './payment-payloads';
import { bearerToken } from './request-matching';
import { signFlutterwaveDelivery, type SignedDelivery } from './signing';

export interface FakeFlutterwaveOptions {
  /** When set, only this key is accepted; otherwise any `FLWSECK…` key is. */
  readonly secretKey?: string;
  /** Default dashboard secret hash for `signedEvent`. */
  readonly secretHash?: string;
  readonly latencyMs?: number;
}

export interface FlutterwavePayment {
  readonly txRef: string;
  /** Major units (e.g. 15000.5 NGN). */
  readonly amount: number;
  readonly currency: string;
  readonly email: string;
  readonly redirectUrl: string;
  readonly meta: unknown;
  readonly link: string;
  /** No transaction exists until the customer tries to pay: verify says "not found" until then. */
  status: 'pending' | 'successful' | 'failed';
  charge: Record<string, unknown> | undefined;
}

export type FlutterwaveChargeEvent = ReturnType<typeof flutterwaveChargeCompleted>;

export interface FakeFlutterwave extends HttpFake {
  readonly env: { readonly FLUTTERWAVE_API_URL: string };
  payment(txRef: string): FlutterwavePayment | undefined;
  /** The customer paid (optionally another amount): verify reports it; returns `charge.completed`. */
  markPaid(txRef: string, paid?: { amount?: number; currency?: string }): FlutterwaveChargeEvent;
  /** The charge failed: verify reports `failed`; returns the (also `charge.completed`) event. */
  markFailed(txRef: string): FlutterwaveChargeEvent;
  signedEvent(event: unknown, secretHash?: string): SignedDelivery;
}

/** Flutterwave's error envelope: `{"status": "error", "message": "…", "data": null}`. */
export function flutterwaveError(status: number, message: string): FakeResponse {
  return { status, body: { status: 'error', message, data: null } };
}

const notFound = () => flutterwaveError(400, 'No transaction was found for this id');

function toAmount(value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : NaN;
}

/** What verify adds to the webhook's `data`. */
function verifyData(payment: FlutterwavePayment, charge: Record<string, unknown>) {
  const amount = Number(charge.amount);
  return {
    ...charge,
    device_fingerprint: 'N/A',
    app_fee: Math.round(amount * 0.014 * 100) / 100,
    merchant_fee: 0,
    processor_response: payment.status === 'successful' ? 'Approved' : 'Declined',
    auth_model: 'PIN',
    ip: '102.89.0.1',
    narration: 'CARD Transaction ',
    account_id: 17321,
    amount_settled: amount - Math.round(amount * 0.014 * 100) / 100,
    meta: payment.meta ?? null,
  };
}

/** Fake Flutterwave v3: hosted payments and both verify endpoints. */
export async function startFakeFlutterwave(
  options: FakeFlutterwaveOptions = {},
): Promise<FakeFlutterwave> {
  const payments = new Map<string, FlutterwavePayment>();

  const guarded =
    (handler: RouteHandler): RouteHandler =>
    (request, params) => {
      const key = bearerToken(request);
      const ok =
        key &&
        (options.secretKey === undefined ? key.startsWith('FLWSECK') : key === options.secretKey);
      return ok ? handler(request, params) : flutterwaveError(401, 'Invalid authorization key');
    };

  const create: RouteHandler = (request) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const customer = (body.customer ?? {}) as { email?: unknown };
    if (typeof body.tx_ref !== 'string' || body.tx_ref === '')
      return flutterwaveError(400, 'tx_ref is required');
    const amount = toAmount(body.amount);
    if (Number.isNaN(amount))
      return flutterwaveError(400, 'amount is required and must be a positive number');
    if (typeof customer.email !== 'string')
      return flutterwaveError(400, 'customer.email is required');
    if (typeof body.redirect_url !== 'string')
      return flutterwaveError(400, 'redirect_url is required');
    const link = `https://checkout.flutterwave.com/v3/hosted/pay/${randomHex(10)}`;
    payments.set(body.tx_ref, {
      txRef: body.tx_ref,
      amount,
      currency: typeof body.currency === 'string' ? body.currency : 'NGN',
      email: customer.email,
      redirectUrl: body.redirect_url,
      meta: body.meta,
      link,
      status: 'pending',
      charge: undefined,
    });
    return { status: 200, body: { status: 'success', message: 'Hosted Link', data: { link } } };
  };

  const fetched = (payment: FlutterwavePayment | undefined): FakeResponse => {
    if (!payment?.charge) return notFound();
    const data = verifyData(payment, payment.charge);
    return {
      status: 200,
      body: { status: 'success', message: 'Transaction fetched successfully', data },
    };
  };
  const byReference: RouteHandler = (request) => fetched(payments.get(request.query.tx_ref ?? ''));
  const byId: RouteHandler = (_request, { id = '' }) =>
    fetched([...payments.values()].find((p) => String(p.charge?.id) === id));

  const http = await startHttpFake({
    routes: [
      { method: 'POST', path: '/v3/payments', handle: guarded(create) },
      { method: 'GET', path: '/v3/transactions/verify_by_reference', handle: guarded(byReference) },
      { method: 'GET', path: '/v3/transactions/:id/verify', handle: guarded(byId) },
    ],
    defaultFailure: flutterwaveError(500, 'An error occurred. Please try again'),
    notFound: () => flutterwaveError(404, 'Route not found'),
    latencyMs: options.latencyMs,
  });

  const settle = (
    txRef: string,
    status: 'successful' | 'failed',
    paid: { amount?: number; currency?: string },
  ) => {
    const payment = payments.get(txRef);
    if (!payment) throw new Error(`fake Flutterwave: no payment ${txRef}`);
    const event = flutterwaveChargeCompleted({
      txRef,
      id: (payment.charge?.id as number | undefined) ?? randomNumericId(9),
      amount: paid.amount ?? payment.amount,
      currency: paid.currency ?? payment.currency,
      status,
      email: payment.email,
    });
    payment.status = status;
    payment.charge = event.data;
    return event;
  };

  return Object.assign(http, {
    env: { FLUTTERWAVE_API_URL: http.url },
    payment: (txRef: string) => payments.get(txRef),
    markPaid: (txRef: string, paid: { amount?: number; currency?: string } = {}) =>
      settle(txRef, 'successful', paid),
    markFailed: (txRef: string) => settle(txRef, 'failed', {}),
    signedEvent(event: unknown, secretHash = options.secretHash) {
      if (!secretHash) throw new Error('fake Flutterwave: no secret hash given');
      return signFlutterwaveDelivery(event, secretHash);
    },
  });
}
