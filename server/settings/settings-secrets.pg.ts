import { and, eq } from 'drizzle-orm';
import type { PaymentProvider } from '../../shared/domain';
import type { SecretBox } from '../crypto/secret-box';
import type { Db } from '../persistence/db';
import { integrations, paymentProviderSettings } from '../persistence/schema';

/**
 * The contexts (AES-GCM additional data) each stored secret is sealed with. Binding a
 * ciphertext to its row means a copied ciphertext does not open anywhere else.
 */
export const integrationTokenContext = (integrationId: string) =>
  `integration:${integrationId}:access_token`;
export const paymentSecretContext = (
  businessId: string,
  provider: PaymentProvider,
  field: 'secret_key' | 'webhook_secret' | 'public_key',
) => `payment:${businessId}:${provider}:${field}`;

/**
 * Decrypted secrets for system code (Graph API sends, webhook verification). Never returned
 * to a client or logged; the HTTP API only ever shows the masks.
 */
export async function loadIntegrationAccessToken(
  db: Db,
  box: SecretBox,
  integrationId: string,
): Promise<string | null> {
  const [row] = await db
    .select({ enc: integrations.accessTokenEnc })
    .from(integrations)
    .where(eq(integrations.id, integrationId));
  return row ? box.decrypt(row.enc, integrationTokenContext(integrationId)) : null;
}

export interface PaymentProviderSecrets {
  enabled: boolean;
  secretKey: string;
  webhookSecret: string | null;
  publicKey: string | null;
}

export async function loadPaymentProviderSecrets(
  db: Db,
  box: SecretBox,
  businessId: string,
  provider: PaymentProvider,
): Promise<PaymentProviderSecrets | null> {
  const [row] = await db
    .select()
    .from(paymentProviderSettings)
    .where(
      and(
        eq(paymentProviderSettings.businessId, businessId),
        eq(paymentProviderSettings.provider, provider),
      ),
    );
  if (!row) return null;
  const open = (enc: string | null, field: Parameters<typeof paymentSecretContext>[2]) =>
    enc === null ? null : box.decrypt(enc, paymentSecretContext(businessId, provider, field));
  return {
    enabled: row.enabled,
    secretKey: open(row.secretKeyEnc, 'secret_key') as string,
    webhookSecret: open(row.webhookSecretEnc, 'webhook_secret'),
    publicKey: open(row.publicKeyEnc, 'public_key'),
  };
}
