import { webhookContracts } from '../../shared/api/webhooks.contract';
import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import { metaDeliverySchema } from '../../shared/meta-webhook.schema';
import { AppError } from '../errors';
import { content, defineRoute, json, type Route } from '../http/route';
import { cleanUnsafeText } from '../http/unsafe-text';
import type { Metrics } from '../metrics';
import type { Database } from '../persistence/db';
import type { Runtime } from '../runtime/runtime';
import type { ContactProfiles } from './contact-profiles';
import { ingestMetaEvents } from './meta-intake';
import { normalizeMetaDelivery } from './meta-normalize';
import { verifyMetaSignature } from './meta-signature';

export interface MetaWebhookDeps {
  database: Database;
  runtime: Runtime;
  metrics: Metrics;
  log: Logger;
  appSecret: string;
  verifyToken: string;
  profiles?: ContactProfiles;
}

/** `GET|POST /api/webhooks/meta` (docs/api.md, "Webhooks"; docs/wire-specs.md §1). */
export function metaWebhookRoutes(deps: MetaWebhookDeps): Route[] {
  const unrouted = new Counter({
    name: 'parley_meta_unrouted_events_total',
    help: 'Meta events for a channel account no business has connected (answered 200, not stored)',
    labelNames: ['channel'] as const,
    registers: [deps.metrics.registry],
  });
  const skipped = new Counter({
    name: 'parley_meta_skipped_items_total',
    help: 'Items of signed Meta deliveries that did not parse or are not handled',
    registers: [deps.metrics.registry],
  });
  const cleaned = new Counter({
    name: 'parley_meta_cleaned_strings_total',
    help: 'Strings of signed Meta deliveries whose NUL or unpaired surrogates were replaced',
    registers: [deps.metrics.registry],
  });

  return [
    defineRoute(webhookContracts.metaVerify, (ctx) => {
      const q = ctx.query;
      // Any non-200 fails Meta's verification; 403 on a wrong token, like Meta's sample app.
      if (
        q['hub.mode'] !== 'subscribe' ||
        q['hub.verify_token'] !== deps.verifyToken ||
        !q['hub.challenge']
      ) {
        throw new AppError('forbidden', { message: 'Verification failed.' });
      }
      return content(q['hub.challenge'], 'text/plain; charset=utf-8');
    }),
    defineRoute(webhookContracts.meta, async (ctx) => {
      if (!verifyMetaSignature(ctx.body, ctx.headers.get('x-hub-signature-256'), deps.appSecret)) {
        throw new AppError('unauthorized', { message: 'The signature does not match.' });
      }
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(ctx.body.toString('utf8'));
      } catch {
        throw new AppError('bad_request', { message: 'The body is not valid JSON.' });
      }
      // The signature covers the bytes as sent; what PostgreSQL cannot store is replaced with
      // U+FFFD, so the message still arrives and the rest of the batch is not refused with it.
      const clean = cleanUnsafeText(parsedJson);
      if (clean.cleaned > 0) {
        cleaned.inc(clean.cleaned);
        ctx.log.info(
          { event: 'meta.text_cleaned', strings: clean.cleaned },
          'unstorable characters replaced',
        );
      }
      const delivery = metaDeliverySchema.safeParse(clean.value);
      if (!delivery.success) {
        // Signed by Meta but of an object Parley does not subscribe to: acknowledge, or Meta
        // keeps retrying it.
        skipped.inc();
        return json({ received: 0 });
      }
      const { events, skipped: skippedItems } = normalizeMetaDelivery(delivery.data);
      if (skippedItems > 0) skipped.inc(skippedItems);
      const result = await ingestMetaEvents({ ...deps, unrouted }, events);
      return json({ received: events.length, ...result });
    }),
  ];
}
