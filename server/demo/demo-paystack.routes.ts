import { demoContracts } from '../../shared/api/demo.contract';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { demoPaystackInitializeSchema } from '../../shared/demo.schema';
import type { SecretBox } from '../crypto/secret-box';
import { defineRoute, json, type Route } from '../http/route';
import type { Database } from '../persistence/db';
import { demoPayPageRoutes } from './demo-pay-page.routes';
import { chargeOf, createDemoLedger, type DemoLedger } from './demo-paystack-ledger';
import { loadDemoShop, type DemoShop } from './demo-shop.pg';

export interface DemoPaystackDeps {
  database: Database;
  box: SecretBox;
  log: Logger;
  /** Where a person opens the pay page: PUBLIC_URL, else this node. */
  publicUrl(): string;
  /** This node's own URL: the pay page's webhook goes through the node's real route. */
  nodeUrl(): string;
}

/** Paystack's error envelope: `{"status": false, "message": "…"}` (wire-specs.md §5). */
const paystackError = <const S extends 400 | 401>(status: S, message: string) =>
  json({ status: false as const, message }, status);

const describedMetadata = z.object({ description: z.string().max(200) });

/** Paystack's wording for the field it refuses first. */
const REFUSALS: Record<string, string> = {
  email: 'Invalid Email Address Passed',
  amount: 'Invalid Amount Sent',
  currency: 'Currency not supported by merchant',
  reference: 'Invalid transaction reference',
  callback_url: 'Invalid callback_url',
};

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

const sameKey = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * The demo's stand-in for Paystack, on the node itself and only when the demo is on: Parley's
 * own Paystack client talks to it for the demo shop (`endpointsFor` in the provider registry),
 * and a small hosted pay page takes the place of Paystack's checkout.
 */
export function demoPaystackRoutes(deps: DemoPaystackDeps): Route[] {
  const ledger = createDemoLedger();
  return [...apiRoutes(deps, ledger), ...demoPayPageRoutes({ ...deps, ledger })];
}

function apiRoutes(deps: DemoPaystackDeps, ledger: DemoLedger): Route[] {
  /** The demo shop, when the request carries its secret key (no other key opens anything). */
  async function authorized(headers: ReadonlyMap<string, string>): Promise<DemoShop | null> {
    const key = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '')?.[1];
    const shop = await loadDemoShop(deps.database, deps.box);
    return shop && key && sameKey(key, shop.secretKey) ? shop : null;
  }
  const invalidKey = () => paystackError(401, 'Invalid key');

  return [
    defineRoute(demoContracts.paystackInitialize, async (ctx) => {
      const shop = await authorized(ctx.headers);
      if (!shop) return invalidKey();
      const parsed = demoPaystackInitializeSchema.safeParse(parseJson(ctx.body));
      if (!parsed.success) {
        const field = String(parsed.error.issues[0]?.path[0] ?? '');
        return paystackError(400, REFUSALS[field] ?? 'Invalid request');
      }
      const body = parsed.data;
      const tx = ledger.open({
        // Paystack makes one up when the merchant sends none.
        reference: body.reference ?? randomBytes(5).toString('hex'),
        businessId: shop.businessId,
        shopName: shop.name,
        amount: body.amount,
        currency: body.currency,
        email: body.email,
        description: describedMetadata.safeParse(body.metadata).data?.description ?? null,
        metadata: body.metadata ?? '',
      });
      if (!tx) return paystackError(400, 'Duplicate Transaction Reference');
      ctx.log.info(
        { event: 'demo.paystack_initialized', reference: tx.reference, amount: tx.amount },
        'demo payment link created',
      );
      const base = deps.publicUrl().replace(/\/+$/, '');
      return json({
        status: true,
        message: 'Authorization URL created',
        data: {
          authorization_url: `${base}/demo/pay/${encodeURIComponent(tx.reference)}`,
          access_code: tx.accessCode,
          reference: tx.reference,
        },
      });
    }),
    defineRoute(demoContracts.paystackVerify, async (ctx) => {
      const shop = await authorized(ctx.headers);
      if (!shop) return invalidKey();
      const tx = ledger.get(ctx.params.reference);
      if (!tx || tx.businessId !== shop.businessId) {
        return paystackError(400, 'Transaction reference not found');
      }
      return json({ status: true, message: 'Verification successful', data: chargeOf(tx) });
    }),
  ];
}
