import { and, eq } from 'drizzle-orm';
import type { PaymentProvider } from '../../shared/domain';
import type { PaymentProviderUpdateRequest } from '../../shared/settings.schema';
import { maskSecret, type SecretBox } from '../crypto/secret-box';
import { AppError } from '../errors';
import type { Db } from '../persistence/db';
import { paymentProviderSettings } from '../persistence/schema';
import { paymentSecretContext } from './settings-secrets.pg';

export type PaymentSettingsRow = typeof paymentProviderSettings.$inferSelect;
type Changes = Partial<typeof paymentProviderSettings.$inferInsert>;
type Field = Parameters<typeof paymentSecretContext>[2];

export const whereSettings = (businessId: string, provider: PaymentProvider) =>
  and(
    eq(paymentProviderSettings.businessId, businessId),
    eq(paymentProviderSettings.provider, provider),
  );

/**
 * The columns an update writes: each given secret sealed and masked; left out keeps the stored
 * value, `null` clears it. Plaintexts go no further than this function.
 */
export function sealChanges(
  box: SecretBox,
  businessId: string,
  provider: PaymentProvider,
  update: Omit<PaymentProviderUpdateRequest, 'password'>,
): Changes {
  const seal = (value: string, field: Field) =>
    box.encrypt(value, paymentSecretContext(businessId, provider, field));
  const changes: Changes = { enabled: update.enabled };
  if (update.secretKey !== undefined) {
    changes.secretKeyEnc = seal(update.secretKey, 'secret_key');
    changes.secretKeyMask = maskSecret(update.secretKey);
  }
  const { webhookSecret, publicKey } = update;
  if (webhookSecret !== undefined) {
    changes.webhookSecretEnc =
      webhookSecret === null ? null : seal(webhookSecret, 'webhook_secret');
    changes.webhookSecretMask = webhookSecret === null ? null : maskSecret(webhookSecret);
  }
  if (publicKey !== undefined) {
    changes.publicKeyEnc = publicKey === null ? null : seal(publicKey, 'public_key');
    changes.publicKeyMask = publicKey === null ? null : maskSecret(publicKey);
  }
  return changes;
}

/** Updates the tenant's row, or creates it, which needs a secret key. */
export async function saveSettings(
  db: Db,
  businessId: string,
  provider: PaymentProvider,
  changes: Changes,
): Promise<PaymentSettingsRow> {
  const [existing] = await db
    .select()
    .from(paymentProviderSettings)
    .where(whereSettings(businessId, provider));
  if (existing) {
    const [saved] = await db
      .update(paymentProviderSettings)
      .set({ ...changes, updatedAt: new Date() })
      .where(whereSettings(businessId, provider))
      .returning();
    return saved as PaymentSettingsRow;
  }
  const { secretKeyEnc, secretKeyMask } = changes;
  if (!secretKeyEnc || !secretKeyMask) {
    const message = 'A secret key is required the first time.';
    throw new AppError('bad_request', { message, issues: [{ path: 'body.secretKey', message }] });
  }
  const [created] = await db
    .insert(paymentProviderSettings)
    .values({ ...changes, businessId, provider, secretKeyEnc, secretKeyMask })
    .returning();
  return created as PaymentSettingsRow;
}
