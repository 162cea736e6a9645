import { z } from 'zod';
import {
  demoGraphErrorSchema,
  demoGraphProfileSchema,
  demoGraphSentSchema,
  demoPayFormSchema,
  demoPaystackErrorSchema,
  demoPaystackInitializedSchema,
  demoPaystackInitializeSchema,
  demoPaystackVerifiedSchema,
} from '../demo.schema';
import { defineContract } from './contract';

const HTML = { 'text/html': { description: 'The page.' } } as const;
const SECRET_KEY = {
  authorization: { description: 'Bearer: the demo shop’s Paystack secret key.', required: true },
} as const;
const paystackRefusal = (description: string) => ({ description, json: demoPaystackErrorSchema });

export const demoContracts = {
  graphProfile: defineContract({
    method: 'GET',
    path: '/demo/graph/:version/:id',
    access: 'public',
    tag: 'demo',
    summary: 'The Graph API’s User Profile, for simulated customers',
    rateLimit: 'none',
    query: z.object({ fields: z.string().optional(), access_token: z.string().optional() }),
    responses: {
      200: { description: 'The profile.', json: demoGraphProfileSchema },
      400: { description: 'No such customer, as Graph says it.', json: demoGraphErrorSchema },
    },
  }),
  graphSend: defineContract({
    method: 'POST',
    path: '/demo/graph/:version/:account/messages',
    access: 'public',
    tag: 'demo',
    summary: 'The Send API (`me`) and WhatsApp Cloud (`:phone_number_id`) stand-in',
    rateLimit: 'none',
    body: {
      kind: 'raw',
      contentTypes: ['application/json'],
      schema: z.unknown().describe('A Send API or WhatsApp Cloud message.'),
    },
    responses: { 200: { description: 'Accepted, Graph-shaped.', json: demoGraphSentSchema } },
  }),
  paystackInitialize: defineContract({
    method: 'POST',
    path: '/demo/paystack/transaction/initialize',
    access: 'public',
    tag: 'demo',
    summary: 'Paystack’s transaction/initialize, for the demo shop',
    rateLimit: 'none',
    headers: SECRET_KEY,
    body: { kind: 'raw', contentTypes: ['application/json'], schema: demoPaystackInitializeSchema },
    responses: {
      200: { description: 'The pay page’s link.', json: demoPaystackInitializedSchema },
      400: paystackRefusal('Refused, in Paystack’s words.'),
      401: paystackRefusal('Not the demo shop’s key.'),
    },
  }),
  paystackVerify: defineContract({
    method: 'GET',
    path: '/demo/paystack/transaction/verify/:reference',
    access: 'public',
    tag: 'demo',
    summary: 'Paystack’s transaction/verify, for the demo shop',
    rateLimit: 'none',
    headers: SECRET_KEY,
    responses: {
      200: { description: 'The charge.', json: demoPaystackVerifiedSchema },
      400: paystackRefusal('Unknown reference.'),
      401: paystackRefusal('Not the demo shop’s key.'),
    },
  }),
  payPageCss: defineContract({
    method: 'GET',
    path: '/demo/pay.css',
    access: 'public',
    tag: 'demo',
    summary: 'The pay page’s stylesheet',
    rateLimit: 'none',
    responses: { 200: { description: 'The stylesheet.', content: { 'text/css': {} } } },
  }),
  payPage: defineContract({
    method: 'GET',
    path: '/demo/pay/:reference',
    access: 'public',
    tag: 'demo',
    summary: 'The hosted pay page a demo payment link opens',
    rateLimit: 'none',
    responses: {
      200: { description: 'Pay or Decline, or how it ended.', content: HTML },
      404: { description: 'No such payment.', content: HTML },
    },
  }),
  payPageSubmit: defineContract({
    method: 'POST',
    path: '/demo/pay/:reference',
    access: 'public',
    tag: 'demo',
    summary: 'Pay or decline; sends the webhook Paystack would',
    rateLimit: 'none',
    body: {
      kind: 'raw',
      contentTypes: ['application/x-www-form-urlencoded'],
      schema: demoPayFormSchema,
    },
    responses: {
      303: {
        description: 'Back to the page, which shows the result.',
        headers: { location: { description: 'The pay page.' } },
      },
      400: { description: 'Neither button.', content: HTML },
      404: { description: 'No such payment.', content: HTML },
    },
  }),
} as const;
