import { demoContracts } from '../../shared/api/demo.contract';
import { demoPayFormSchema } from '../../shared/demo.schema';
import type { SecretBox } from '../crypto/secret-box';
import { content, defineRoute, type Route } from '../http/route';
import type { Database } from '../persistence/db';
import {
  badRequestPage,
  notFoundPage,
  PAY_PAGE_CSP,
  PAY_PAGE_CSS,
  payPage,
  resultPage,
} from './demo-pay-page.html';
import type { DemoLedger } from './demo-paystack-ledger';
import { deliverPaystackEvent } from './demo-paystack-webhook';
import { loadDemoShop } from './demo-shop.pg';

export interface DemoPayPageDeps {
  database: Database;
  box: SecretBox;
  nodeUrl(): string;
  ledger: DemoLedger;
}

const html = <const S extends 200 | 400 | 404>(body: string, status: S) =>
  content(body, 'text/html; charset=utf-8', status, { 'content-security-policy': PAY_PAGE_CSP });

/**
 * `GET /demo/pay/:reference`: the hosted page a payment link opens (Pay or Decline, then the
 * result on every later visit). `POST` settles the transaction, sends the webhook Paystack
 * would, and answers with a redirect to the page (a reload then does not post twice).
 */
export function demoPayPageRoutes(deps: DemoPayPageDeps): Route[] {
  const { ledger } = deps;
  return [
    defineRoute(demoContracts.payPageCss, () =>
      content(PAY_PAGE_CSS, 'text/css; charset=utf-8', 200, {
        'cache-control': 'public, max-age=300',
      }),
    ),
    defineRoute(demoContracts.payPage, (ctx) => {
      const tx = ledger.get(ctx.params.reference);
      if (!tx) return html(notFoundPage(), 404);
      return html(tx.status === 'abandoned' ? payPage(tx) : resultPage(tx), 200);
    }),
    defineRoute(demoContracts.payPageSubmit, async (ctx) => {
      const { reference } = ctx.params;
      if (!ledger.get(reference)) return html(notFoundPage(), 404);
      const form = demoPayFormSchema.safeParse(
        Object.fromEntries(new URLSearchParams(ctx.body.toString('utf8'))),
      );
      if (!form.success) return html(badRequestPage(), 400);
      const shop = await loadDemoShop(deps.database, deps.box);
      const tx = ledger.settle(reference, form.data.outcome === 'pay' ? 'success' : 'failed');
      // Settled before (a second click, another tab): the page shows how it ended.
      if (tx && shop?.businessId !== tx.businessId) {
        ctx.log.warn(
          { event: 'demo.paystack_no_key', reference },
          'the demo shop has no Paystack key to sign the webhook with',
        );
      } else if (tx && shop) {
        ctx.log.info(
          { event: 'demo.paystack_settled', reference, status: tx.status },
          'demo payment settled',
        );
        await deliverPaystackEvent({
          nodeUrl: deps.nodeUrl(),
          secretKey: shop.secretKey,
          tx,
          log: ctx.log,
        });
      }
      return {
        status: 303 as const,
        headers: { location: `/demo/pay/${encodeURIComponent(reference)}` },
      };
    }),
  ];
}
