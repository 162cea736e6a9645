import { z } from 'zod';
import type { PaymentProvider } from '../domain';
import { metaWebhookAckSchema } from '../meta-webhook.schema';
import { defineContract } from './contract';

/** The answer a provider needs: a 200; the body is only read by people. */
export const receivedAckSchema = z.object({ received: z.literal(true) });

const SIGNATURE_HEADERS = {
  stripe: { 'stripe-signature': { description: 'Stripe’s signature of the raw body.' } },
  paystack: { 'x-paystack-signature': { description: 'HMAC-SHA512 of the raw body.' } },
  flutterwave: {
    'verif-hash': { description: 'The secret hash (v3 webhooks).' },
    'flutterwave-signature': { description: 'HMAC-SHA256 of the raw body (v4 webhooks).' },
  },
} as const;

const payment = <P extends PaymentProvider>(provider: P) =>
  defineContract({
    method: 'POST',
    path: `/api/webhooks/${provider}/:businessId`,
    access: 'public',
    tag: 'webhooks',
    summary: `A ${provider} payment event for one business`,
    description:
      'Verified with the business’s own secret on the raw bytes; 200 only once the payment’s event is stored (or there was nothing to store).',
    rateLimit: 'signed',
    headers: SIGNATURE_HEADERS[provider],
    body: { kind: 'raw', contentTypes: ['application/json'] },
    responses: { 200: { description: 'Received.', json: receivedAckSchema } },
    errors: ['unauthorized', 'unavailable'],
  });

export const webhookContracts = {
  metaVerify: defineContract({
    method: 'GET',
    path: '/api/webhooks/meta',
    access: 'public',
    tag: 'webhooks',
    summary: 'Meta’s subscription check: echoes `hub.challenge` for the right verify token',
    rateLimit: 'signed',
    query: z.object({
      'hub.mode': z.string().optional(),
      'hub.verify_token': z.string().optional(),
      'hub.challenge': z.string().optional(),
    }),
    responses: {
      200: { description: 'The challenge.', content: { 'text/plain': {} } },
    },
    errors: ['forbidden'],
  }),
  meta: defineContract({
    method: 'POST',
    path: '/api/webhooks/meta',
    access: 'public',
    tag: 'webhooks',
    summary: 'A signed delivery of Messenger, Instagram or WhatsApp events',
    rateLimit: 'signed',
    headers: { 'x-hub-signature-256': { description: 'HMAC-SHA256 of the raw body.' } },
    body: { kind: 'raw', contentTypes: ['application/json'] },
    responses: { 200: { description: 'Stored (or not ours).', json: metaWebhookAckSchema } },
    errors: ['unauthorized'],
  }),
  stripe: payment('stripe'),
  paystack: payment('paystack'),
  flutterwave: payment('flutterwave'),
} as const;
