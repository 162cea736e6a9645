import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { chargeOf, type DemoTransaction } from './demo-paystack-ledger';

/** Paystack retries a delivery that was not answered 200; the demo tries a few times, soon. */
const RETRY_DELAYS_MS = [500, 2000] as const;

/** `charge.success`, or for a declined card the failed charge Parley's receiver reads. */
export function chargeEvent(tx: DemoTransaction): { event: string; data: Record<string, unknown> } {
  return {
    event: tx.status === 'success' ? 'charge.success' : 'charge.failed',
    data: chargeOf(tx),
  };
}

/** `x-paystack-signature`: lowercase hex HMAC-SHA512 of the raw body keyed by the secret key. */
export function signPaystackBody(body: string, secretKey: string): string {
  return createHmac('sha512', secretKey).update(body).digest('hex');
}

/**
 * POSTs the signed event to the node's real `/api/webhooks/paystack/:businessId` over HTTP, so
 * the signature check, the re-verification against the stand-in, the machine and fulfilment
 * all run as they would for Paystack. True once the node answered 200.
 */
export async function deliverPaystackEvent(deps: {
  nodeUrl: string;
  secretKey: string;
  tx: DemoTransaction;
  log: Logger;
}): Promise<boolean> {
  const { tx, log } = deps;
  const body = JSON.stringify(chargeEvent(tx));
  const url = `${deps.nodeUrl.replace(/\/+$/, '')}/api/webhooks/paystack/${tx.businessId}`;
  const context = { reference: tx.reference, status: tx.status };
  for (let attempt = 0; ; attempt++) {
    let answer: number | string;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-paystack-signature': signPaystackBody(body, deps.secretKey),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (res.status === 200) {
        log.info({ event: 'demo.paystack_webhook_delivered', ...context }, 'demo webhook sent');
        return true;
      }
      answer = res.status;
    } catch (err) {
      answer = err instanceof Error ? err.name : 'error';
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined) {
      log.warn(
        { event: 'demo.paystack_webhook_failed', ...context, answer },
        'the node did not take the demo payment webhook',
      );
      return false;
    }
    await sleep(delay);
  }
}
