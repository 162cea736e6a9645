import { z } from 'zod';
import { fromMajor, toMajor } from '../money';
import { providerJson } from './http-json';
import {
  ProviderError,
  type PaymentProviderClient,
  type ProviderCredentials,
  type ProviderEndpoints,
  type Verification,
} from './provider';

/** docs/wire-specs.md §6: `{status: "success" | "error", message, data}`. */
const envelope = <T extends z.ZodType>(data: T) =>
  z.object({ status: z.string(), message: z.string().default(''), data: data.nullish() });

const paymentSchema = envelope(z.object({ link: z.url() }));
const transactionSchema = envelope(
  z.object({
    id: z.number(),
    tx_ref: z.string(),
    status: z.string(),
    /** Major units. */
    amount: z.number(),
    currency: z.string(),
    processor_response: z.string().nullish(),
  }),
);

/** Flutterwave's hosted page lives at most 1440 minutes. */
const MAX_SESSION_MINUTES = 1440;

/**
 * Flutterwave v3 over fetch: `POST /v3/payments` (amount in **major** units) and
 * `GET /v3/transactions/verify_by_reference?tx_ref=…`. No idempotency key either: the tx_ref
 * is Parley's reference, and verify is by that reference.
 */
export function createFlutterwaveClient(
  credentials: ProviderCredentials,
  endpoints: ProviderEndpoints,
): PaymentProviderClient {
  const base = endpoints.flutterwaveApiUrl;
  const timeoutMs = endpoints.timeoutMs ?? 15_000;
  const call = <S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ) =>
    providerJson(
      'flutterwave',
      `${base}${path}`,
      {
        method,
        secretKey: credentials.secretKey,
        body,
        timeoutMs,
      },
      schema,
    );

  return {
    name: 'flutterwave',
    async createLink(request) {
      const minutes = Math.ceil((request.expiresAt.getTime() - Date.now()) / 60_000);
      const { status, body } = await call('POST', '/v3/payments', paymentSchema, {
        tx_ref: request.reference,
        amount: toMajor(request.amountMinor, request.currency),
        currency: request.currency,
        redirect_url: request.returnUrl,
        customer: {
          email: request.customerEmail,
          ...(request.customerName ? { name: request.customerName } : {}),
        },
        customizations: { title: request.description.slice(0, 100) },
        meta: request.metadata,
        session_duration: Math.min(MAX_SESSION_MINUTES, Math.max(10, minutes)),
      });
      if (status === 200 && body.status === 'success' && body.data) {
        return { url: body.data.link, providerPaymentId: null };
      }
      throw new ProviderError('flutterwave', 'invalid_request', `payments refused (${status})`);
    },
    async verify(payment): Promise<Verification> {
      const { status, body } = await call(
        'GET',
        `/v3/transactions/verify_by_reference?tx_ref=${encodeURIComponent(payment.reference)}`,
        transactionSchema,
      );
      // "No transaction was found": the customer has not tried to pay yet.
      if (status !== 200 || body.status !== 'success' || !body.data) return { status: 'pending' };
      const tx = body.data;
      if (tx.tx_ref !== payment.reference) return { status: 'pending' };
      const currency = tx.currency.toUpperCase();
      if (tx.status === 'successful') {
        return {
          status: 'succeeded',
          reference: tx.tx_ref,
          amountMinor: fromMajor(tx.amount, currency),
          currency,
          providerPaymentId: String(tx.id),
        };
      }
      if (tx.status === 'failed') {
        return {
          status: 'failed',
          reference: tx.tx_ref,
          reason: tx.processor_response?.slice(0, 200) || 'failed',
          providerPaymentId: String(tx.id),
        };
      }
      return { status: 'pending' };
    },
    // Flutterwave's link dies by `session_duration`; there is nothing to call.
    expire: () => Promise.resolve(),
  };
}
