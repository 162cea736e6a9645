import type { PaymentProvider } from '../../shared/domain';
import {
  paymentProviderSchema,
  paymentProviderUpdateRequestSchema,
  type PaymentProviderSettings,
} from '../../shared/settings.schema';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { defineRoute, json, type Route } from '../http/route';
import { paymentProviderSettings } from '../persistence/schema';
import { withTenant } from '../persistence/tenant';
import type { RouteDeps } from '../route-deps';
import {
  saveSettings,
  sealChanges,
  whereSettings,
  type PaymentSettingsRow,
} from './payment-settings.pg';

/** An unknown provider is a resource that does not exist. */
function providerParam(value: string): PaymentProvider {
  const parsed = paymentProviderSchema.safeParse(value);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data;
}

/** A tenant's payment provider keys (api.md): encrypted at rest, masked on the way out. */
export function paymentProviderRoutes(deps: RouteDeps): Route[] {
  const { db, box } = deps;
  const view = (
    businessId: string,
    provider: PaymentProvider,
    row: PaymentSettingsRow | undefined,
  ): PaymentProviderSettings => ({
    provider,
    configured: row !== undefined,
    enabled: row?.enabled ?? false,
    secretKey: row?.secretKeyMask ?? null,
    webhookSecret: row?.webhookSecretMask ?? null,
    publicKey: row?.publicKeyMask ?? null,
    webhookUrl: `${deps.baseUrl()}/api/webhooks/${provider}/${businessId}`,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  });

  return [
    defineRoute({
      method: 'GET',
      path: '/api/payment-providers/:provider',
      access: 'admin',
      async handler(ctx) {
        const provider = providerParam(ctx.params.provider);
        const { businessId } = ctx.auth;
        const [row] = await withTenant(db, businessId, (tx) =>
          tx.select().from(paymentProviderSettings).where(whereSettings(businessId, provider)),
        );
        return json(view(businessId, provider, row));
      },
    }),

    defineRoute({
      method: 'PUT',
      path: '/api/payment-providers/:provider',
      access: 'admin',
      body: { kind: 'json', schema: paymentProviderUpdateRequestSchema },
      async handler(ctx) {
        const provider = providerParam(ctx.params.provider);
        const { businessId, userId } = ctx.auth;
        const changes = sealChanges(box, businessId, provider, ctx.body);
        const row = await withTenant(db, businessId, async (tx) => {
          const saved = await saveSettings(tx, businessId, provider, changes);
          await writeAudit(tx, {
            businessId,
            actorUserId: userId,
            action: 'payment_provider.updated',
            targetType: 'payment_provider',
            targetId: provider,
            ip: ctx.ip,
            // Which fields changed, never their values.
            meta: {
              enabled: ctx.body.enabled,
              changed: Object.keys(ctx.body).filter((k) => k !== 'enabled'),
            },
          });
          return saved;
        });
        return json(view(businessId, provider, row));
      },
    }),
  ];
}
