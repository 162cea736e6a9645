import { createHmac } from 'node:crypto';
import Stripe from 'stripe';

/** A webhook delivery as a provider sends it: the exact bytes and the headers that sign them. */
export interface SignedDelivery {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

type Raw = string | Buffer;

/**
 * JSON the way Meta sends it: compact, every non-ASCII character escaped as `\uXXXX` (lowercase
 * hex) and `/` as `\/`. Meta signs these bytes, so a receiver that re-serialises the parsed body
 * breaks on the first emoji or URL (wire-specs §1.2).
 */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** `X-Hub-Signature-256`: `sha256=` + hex HMAC-SHA256 of the raw bytes, keyed by the app secret. */
export function metaSignature(rawBody: Raw, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Legacy `X-Hub-Signature`: `sha1=` + hex HMAC-SHA1, which Meta still sends alongside. */
export function metaLegacySignature(rawBody: Raw, appSecret: string): string {
  return `sha1=${createHmac('sha1', appSecret).update(rawBody).digest('hex')}`;
}

/** A Meta webhook POST: Meta-style JSON, both signature headers. */
export function signMetaDelivery(payload: unknown, appSecret: string): SignedDelivery {
  const body = metaJson(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': metaSignature(body, appSecret),
      'x-hub-signature': metaLegacySignature(body, appSecret),
    },
  };
}

/**
 * Meta's `signed_request` (deauthorize / data-deletion callbacks): `base64url(sig).base64url(payload)`
 * where `sig` is the raw HMAC-SHA256 of the *encoded* payload string (wire-specs §3).
 */
export function metaSignedRequest(payload: Record<string, unknown>, appSecret: string): string {
  const encoded = Buffer.from(JSON.stringify({ algorithm: 'HMAC-SHA256', ...payload })).toString(
    'base64url',
  );
  const signature = createHmac('sha256', appSecret).update(encoded).digest('base64url');
  return `${signature}.${encoded}`;
}

/** `Stripe-Signature: t=…,v1=…`, made by stripe-node's own test helper. */
export function stripeSignature(rawBody: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload: rawBody, secret, timestamp });
}

export function signStripeDelivery(
  event: unknown,
  secret: string,
  timestamp?: number,
): SignedDelivery {
  const body = JSON.stringify(event, null, 2); // Stripe pretty-prints its webhook bodies
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': stripeSignature(body, secret, timestamp),
    },
  };
}

/** `x-paystack-signature`: hex HMAC-SHA512 of the raw body, keyed by the tenant's secret key. */
export function paystackSignature(rawBody: Raw, secretKey: string): string {
  return createHmac('sha512', secretKey).update(rawBody).digest('hex');
}

export function signPaystackDelivery(event: unknown, secretKey: string): SignedDelivery {
  const body = JSON.stringify(event);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-paystack-signature': paystackSignature(body, secretKey),
    },
  };
}

/**
 * The newer `flutterwave-signature`: base64 HMAC-SHA256 of the raw body keyed by the secret hash.
 * Undocumented; this is the variant wire-specs §6 tells receivers to accept.
 */
export function flutterwaveSignature(rawBody: Raw, secretHash: string): string {
  return createHmac('sha256', secretHash).update(rawBody).digest('base64');
}

/** Flutterwave v3: `verif-hash` is the dashboard secret hash verbatim; the HMAC header rides along. */
export function signFlutterwaveDelivery(event: unknown, secretHash: string): SignedDelivery {
  const body = JSON.stringify(event);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'verif-hash': secretHash,
      'flutterwave-signature': flutterwaveSignature(body, secretHash),
    },
  };
}
