import { z } from 'zod';
import { providerJson } from './http-json';
import {
  ProviderError,
  type PaymentProviderClient,
  type ProviderCredentials,
  type ProviderEndpoints,
  type Verification,
} from './provider';

/** docs/wire-specs.md §5: `{status, message, data}`; `status: true` only means the call worked. */
const envelope = <T extends z.ZodType>(data: T) =>
  z.object({ status: z.boolean(), message: z.string().default(''), data: data.nullish() });

const initializeSchema = envelope(
  z.object({ authorization_url: z.url(), access_code: z.string(), reference: z.string() }),
);

export const paystackTransactionSchema = z.object({
  id: z.number(),
  status: z.string(),
  reference: z.string(),
  /** Minor units (kobo, pesewas, cents). */
  amount: z.number().int(),
  currency: z.string(),
  gateway_response: z.string().nullish(),
});
const verifySchema = envelope(paystackTransactionSchema);

/**
 * Paystack over fetch: `POST /transaction/initialize` (amount in minor units) and
 * `GET /transaction/verify/:reference`. Paystack takes no idempotency key; a reference is
 * single-use instead, and a repeated one is refused as a duplicate.
 */
export function createPaystackClient(
  credentials: ProviderCredentials,
  endpoints: ProviderEndpoints,
): PaymentProviderClient {
  const base = endpoints.paystackApiUrl;
  const timeoutMs = endpoints.timeoutMs ?? 15_000;
  const call = <S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ) =>
    providerJson(
      'paystack',
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
    name: 'paystack',
    async createLink(request) {
      const { status, body } = await call('POST', '/transaction/initialize', initializeSchema, {
        email: request.customerEmail,
        amount: request.amountMinor,
        currency: request.currency,
        reference: request.reference,
        callback_url: request.returnUrl,
        metadata: { ...request.metadata, description: request.description },
      });
      if (status === 200 && body.status && body.data) {
        // The transaction id comes with verify; the access code is not an id worth keeping.
        return { url: body.data.authorization_url, providerPaymentId: null };
      }
      const duplicate = /duplicate/i.test(body.message);
      throw new ProviderError(
        'paystack',
        duplicate ? 'duplicate_reference' : 'invalid_request',
        `initialize refused (${status})`,
      );
    },
    async verify(payment): Promise<Verification> {
      const { status, body } = await call(
        'GET',
        `/transaction/verify/${encodeURIComponent(payment.reference)}`,
        verifySchema,
      );
      // 400 "Transaction reference not found": nobody paid, or it is not ours.
      if (status !== 200 || !body.status || !body.data) return { status: 'pending' };
      const tx = body.data;
      if (tx.reference !== payment.reference) return { status: 'pending' };
      if (tx.status === 'success') {
        return {
          status: 'succeeded',
          reference: tx.reference,
          amountMinor: tx.amount,
          currency: tx.currency.toUpperCase(),
          providerPaymentId: String(tx.id),
        };
      }
      if (tx.status === 'failed' || tx.status === 'reversed') {
        return {
          status: 'failed',
          reference: tx.reference,
          reason: tx.gateway_response?.slice(0, 200) || tx.status,
          providerPaymentId: String(tx.id),
        };
      }
      return { status: 'pending' };
    },
    // Paystack has no way to cancel an initialized transaction; expiry is Parley's alone.
    expire: () => Promise.resolve(),
  };
}
