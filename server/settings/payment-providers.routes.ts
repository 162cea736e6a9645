import { settingsContracts } from '../../shared/api/settings.contract';
import type { PaymentProvider } from '../../shared/domain';
import { paymentProviderSchema, type PaymentProviderSettings } from '../../shared/settings.schema';
import { writeAudit } from '../audit/audit.pg';
import { AppError } from '../errors';
import { defineRoute, json, type Route } from '../http/route';
import { paymentProviderSettings } from '../persistence/schema';
import { confirmPassword } from '../auth/reauth';
import { findUserById } from '../auth/users.pg';
import type { RouteDeps } from '../route-deps';
import {
  saveSettings,
  sealChanges,
  whereSettings,
  type PaymentSettingsRow,
} from './payment-settings.pg';

const PROVIDER_NAMES: Record<PaymentProvider, string> = {
  stripe: 'Stripe',
  paystack: 'Paystack',
  flutterwave: 'Flutterwave',
};

/** An unknown provider is a resource that does not exist. */
function providerParam(value: string): PaymentProvider {
  const parsed = paymentProviderSchema.safeParse(value);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data;
}

/** A tenant's payment provider keys (api.md): encrypted at rest, masked on the way out. */
export function paymentProviderRoutes(deps: RouteDeps): Route[] {
  const { database, box } = deps;
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
    defineRoute(settingsContracts.getPaymentProvider, async (ctx) => {
      const provider = providerParam(ctx.params.provider);
      const { businessId } = ctx.auth;
      const [row] = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
        tx.select().from(paymentProviderSettings).where(whereSettings(businessId, provider)),
      );
      return json(view(businessId, provider, row));
    }),

    // Owner only, with the password, and the owner is told: whoever holds these keys receives
    // the shop's money, so an admin (or a stolen token) must not swap them (security review L8).
    defineRoute(settingsContracts.savePaymentProvider, async (ctx) => {
      const provider = providerParam(ctx.params.provider);
      const { businessId, userId } = ctx.auth;
      const owner = await database.transaction({ tenant: businessId }, ({ db: tx }) =>
        findUserById(tx, userId),
      );
      if (!owner) throw new AppError('unauthorized');
      await confirmPassword(deps, owner, ctx.body.password);
      const { password: _password, ...update } = ctx.body;
      const changes = sealChanges(box, businessId, provider, update);
      const changed = Object.keys(update).filter((k) => k !== 'enabled');
      const row = await database.transaction({ tenant: businessId }, async ({ db: tx }) => {
        const saved = await saveSettings(tx, businessId, provider, changes);
        await writeAudit(tx, {
          businessId,
          actorUserId: userId,
          action: 'payment_provider.updated',
          targetType: 'payment_provider',
          targetId: provider,
          ip: ctx.ip,
          // Which fields changed, never their values.
          meta: { enabled: update.enabled, changed },
        });
        return saved;
      });
      await deps.email.send(
        {
          businessId,
          to: { role: 'owner' },
          subject: `Parley: your ${PROVIDER_NAMES[provider]} settings were changed`,
          text: [
            `The ${PROVIDER_NAMES[provider]} settings of your shop were changed by ${owner.email}.`,
            `Changed: ${changed.length > 0 ? changed.join(', ') : 'nothing but on/off'}; ${PROVIDER_NAMES[provider]} is ${update.enabled ? 'on' : 'off'}.`,
            `From IP address: ${ctx.ip}`,
            '',
            'Payments go to the account these keys belong to. If this was not you, change your password and the keys at once.',
          ].join('\n'),
        },
        `payment-settings:${businessId}:${provider}:${row.updatedAt.toISOString()}`,
      );
      return json(view(businessId, provider, row));
    }),
  ];
}
