import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { inflateSync } from 'node:zlib';
import type { Product } from '../../shared/commerce.schema';
import type { AiAction } from '../../shared/conversation.events';
import type { PaymentProvider } from '../../shared/domain';
import { createLogger, type Logger } from '../../server/logger';
import type { RunningNode } from '../../server/main';
import type { Database } from '../../server/persistence/db';
import type { OutboundMessage, OutboundSender } from '../../server/runtime/effects';
import type { Runtime } from '../../server/runtime/runtime';
import type { SignedDelivery } from '../fakes/signing';
import { registerBusiness, type Signup } from './auth';
import { request } from './http';
import { lastCustomerText } from './probe';
import { given, waitUntil } from './seed';
import { postMetaText } from './meta';

/**
 * The shop the commerce tests sell from: a business registered through the API, one payment
 * provider configured through `/api/payment-providers/:provider`, a catalog, and a WhatsApp
 * number customers write to with signed Meta webhooks.
 */
export interface Shop {
  owner: Signup;
  businessId: string;
  token: string;
  phoneId: string;
  products: Product[];
}

/**
 * The AI stand-in (the real bot is built on another branch), registered as the `ai-reply`
 * effect handler: "buy SKU xN [SKU xN…]" → a checkout action, "invoice" → an invoice action,
 * "status" → an order-status action, anything else an echo.
 */
export function aiActionsFor(text: string): { text: string; actions: AiAction[] } {
  const buy = /^buy\s+(.+)$/i.exec(text.trim());
  if (buy) {
    const items = [...(buy[1] ?? '').matchAll(/([A-Za-z0-9._-]+)\s+x(\d+)/g)].map((m) => ({
      sku: m[1] as string,
      qty: Number(m[2]),
    }));
    return {
      text: 'Great choice! Preparing your payment link.',
      actions: [{ type: 'checkout', items }],
    };
  }
  if (/^invoice$/i.test(text.trim())) return { text: '', actions: [{ type: 'invoice' }] };
  if (/^status$/i.test(text.trim())) return { text: '', actions: [{ type: 'order_status' }] };
  return { text: `echo: ${text}`, actions: [] };
}

/** Start options for commerce tests: the AI stand-in and a sender that records. */
export function shopRuntime(database: () => Database, sent: OutboundMessage[]) {
  const sender: OutboundSender = {
    send(message) {
      sent.push(message);
      return Promise.resolve({ ok: true, providerMessageId: `wamid.out-${sent.length}` });
    },
  };
  const configureRuntime = (runtime: Runtime) => {
    runtime.handle('ai-reply', async (job) => {
      const reply = aiActionsFor(await lastCustomerText(database(), job.conversationId));
      return {
        source: 'ai',
        event: {
          type: 'ai.replied',
          requestId: (job.params as { requestId: string }).requestId,
          ...reply,
        },
      };
    });
  };
  return { configureRuntime, outboundSender: sender };
}

/** Log lines of a node, parsed: tests assert that every refusal says why. */
export function captureLogs(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { log: createLogger({ level: 'info', nodeId: 'commerce', destination: sink }), lines };
}

export interface ProviderSetup {
  provider: PaymentProvider;
  secretKey: string;
  webhookSecret?: string;
}

export const CATALOG = [
  { sku: 'MUG', name: 'Blue mug', priceMinor: 2500, stock: 10 },
  { sku: 'TOTE', name: 'Canvas tote', priceMinor: 1200, stock: 5 },
] as const;

export async function openShop(
  node: RunningNode,
  setup: ProviderSetup,
  currency: string,
): Promise<Shop> {
  const owner = await registerBusiness(node.url);
  const token = owner.accessToken;
  const settings = await request(node.url, `/api/payment-providers/${setup.provider}`, {
    method: 'PUT',
    token,
    json: {
      secretKey: setup.secretKey,
      ...(setup.webhookSecret ? { webhookSecret: setup.webhookSecret } : {}),
      enabled: true,
      password: owner.password,
    },
  });
  if (settings.status !== 200) throw new Error(`provider settings: ${settings.status}`);
  const products: Product[] = [];
  for (const p of CATALOG) {
    const res = await request<Product>(node.url, '/api/products', {
      token,
      json: { ...p, currency },
    });
    if (res.status !== 201) throw new Error(`product: ${res.status} ${res.text}`);
    products.push(res.body);
  }
  const phoneId = `phone-${randomBytes(6).toString('hex')}`;
  await given(node.app.database).integration(owner.business.id, {
    channel: 'whatsapp',
    externalId: phoneId,
  });
  return { owner, businessId: owner.business.id, token, phoneId, products };
}

/** A customer writes to the shop on WhatsApp: a signed Meta webhook, as Meta sends it. */
export async function customerSays(node: RunningNode, shop: Shop, from: string, text: string) {
  const res = await postMetaText(node.url, {
    channel: 'whatsapp',
    pageOrPhoneId: shop.phoneId,
    from,
    text,
  });
  if (res.status !== 200) throw new Error(`meta webhook: ${res.status} ${res.text}`);
}

export function postPaymentWebhook(
  node: RunningNode,
  provider: PaymentProvider,
  businessId: string,
  delivery: SignedDelivery,
  tamper?: (body: string) => string,
) {
  return request(node.url, `/api/webhooks/${provider}/${businessId}`, {
    method: 'POST',
    body: tamper ? tamper(delivery.body) : delivery.body,
    headers: { ...delivery.headers },
  });
}

/** The one outbound message to this customer's conversation that `match`es. */
export const waitForMessage = (
  sent: OutboundMessage[],
  conversationId: () => string | undefined,
  match: RegExp,
  what: string,
) =>
  waitUntil(
    () =>
      Promise.resolve(
        sent.find((m) => m.conversationId === conversationId() && match.test(m.text)),
      ),
    what,
  );

/**
 * The text a PDF draws, read back without a PDF library: inflate each content stream and join
 * the strings of its `TJ`/`Tj` operators (pdfkit writes standard-font text as hex strings).
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  const streams = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  for (const m of raw.matchAll(streams)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(m[1] ?? '', 'latin1')).toString('latin1');
    } catch {
      content = m[1] ?? '';
    }
    for (const op of content.matchAll(/\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\((.*?)\)\s*Tj/g)) {
      const parts = op[1] ?? (op[2] !== undefined ? `<${op[2]}>` : `(${op[3] ?? ''})`);
      let line = '';
      for (const s of parts.matchAll(/<([0-9a-fA-F]*)>|\(((?:\\.|[^\\)])*)\)/g)) {
        line += s[1] !== undefined ? Buffer.from(s[1], 'hex').toString('latin1') : (s[2] ?? '');
      }
      out.push(line);
    }
  }
  return out.join('\n');
}
