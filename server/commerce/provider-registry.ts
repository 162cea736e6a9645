import { and, eq } from 'drizzle-orm';
import { PAYMENT_PROVIDERS, type PaymentProvider } from '../../shared/domain';
import type { SecretBox } from '../crypto/secret-box';
import type { Db } from '../persistence/db';
import { paymentProviderSettings } from '../persistence/schema';
import {
  loadPaymentProviderSecrets,
  type PaymentProviderSecrets,
} from '../settings/settings-secrets.pg';
import { latestPaymentOf } from './payments.pg';
import { createProviderClient } from './providers/clients';
import type { PaymentProviderClient, ProviderEndpoints } from './providers/provider';

/**
 * Currencies each African provider settles (their docs' lists, trimmed to what a shop sells
 * in); Stripe takes any. A checkout goes to the first enabled provider that takes its currency.
 */
const SUPPORTED: Record<PaymentProvider, ReadonlySet<string> | 'any'> = {
  stripe: 'any',
  paystack: new Set(['NGN', 'GHS', 'ZAR', 'KES', 'USD', 'XOF', 'EGP']),
  flutterwave: new Set([
    'NGN',
    'GHS',
    'KES',
    'UGX',
    'TZS',
    'ZAR',
    'RWF',
    'XAF',
    'XOF',
    'ZMW',
    'MWK',
    'EGP',
    'USD',
    'EUR',
    'GBP',
  ]),
};

export function pickProvider(
  enabled: readonly PaymentProvider[],
  currency: string,
): PaymentProvider | null {
  for (const p of PAYMENT_PROVIDERS) {
    if (!enabled.includes(p)) continue;
    const s = SUPPORTED[p];
    if (s === 'any' || s.has(currency.toUpperCase())) return p;
  }
  return null;
}

export interface ProviderRegistry {
  /** Providers the business has configured and switched on. */
  enabled(db: Db, businessId: string): Promise<PaymentProvider[]>;
  /** Decrypted settings (system code only: webhook checks and provider calls). */
  secrets(businessId: string, provider: PaymentProvider): Promise<PaymentProviderSecrets | null>;
  /** A client on the business's own account, or null when it has none. */
  client(businessId: string, provider: PaymentProvider): Promise<PaymentProviderClient | null>;
}

/** Secrets are read and decrypted per use: a key changed in settings applies to the next call. */
export function createProviderRegistry(deps: {
  db: Db;
  box: SecretBox;
  endpoints: ProviderEndpoints;
  /**
   * Endpoints of one business that differ from everyone's: the demo shop pays through the
   * node's own stand-in for Paystack, while real businesses on the same node use Paystack.
   */
  endpointsFor?: (businessId: string) => Partial<ProviderEndpoints> | null;
}): ProviderRegistry {
  const secrets = (businessId: string, provider: PaymentProvider) =>
    loadPaymentProviderSecrets(deps.db, deps.box, businessId, provider);
  return {
    async enabled(db, businessId) {
      const rows = await db
        .select({ provider: paymentProviderSettings.provider })
        .from(paymentProviderSettings)
        .where(
          and(
            eq(paymentProviderSettings.businessId, businessId),
            eq(paymentProviderSettings.enabled, true),
          ),
        );
      return rows.map((r) => r.provider);
    },
    secrets,
    async client(businessId, provider) {
      const s = await secrets(businessId, provider);
      if (!s) return null;
      const endpoints = { ...deps.endpoints, ...deps.endpointsFor?.(businessId) };
      return createProviderClient(provider, { secretKey: s.secretKey }, endpoints);
    },
  };
}

/**
 * Stops the order's latest link at its provider while it is still pending, where the provider
 * can (Stripe), so it cannot take money for an order nobody waits for any more.
 */
export async function voidPendingLink(
  db: Db,
  registry: ProviderRegistry,
  businessId: string,
  orderId: string,
): Promise<void> {
  const latest = await latestPaymentOf(db, businessId, orderId);
  if (latest?.status !== 'pending') return;
  const client = await registry.client(businessId, latest.provider);
  await client?.expire(latest);
}
