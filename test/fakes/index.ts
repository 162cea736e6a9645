/** One import for tests: `import { startFakeMetaGraph, signMetaDelivery } from '../fakes'`. */
export * from './http-fake';
export * from './meta-graph.fake';
export * from './meta-graph-errors';
export * from './openai.fake';
export * from './groq.fake';
export * from './anthropic.fake';
export * from './llm-script';
export * from './stripe.fake';
export * from './paystack.fake';
export * from './flutterwave.fake';
export * from './signing';
export * from './meta-payloads';
export * from './payment-payloads';
