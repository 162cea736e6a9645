import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box';
import type { Database } from '../persistence/db';
import { saveSettings, sealChanges, whereSettings } from '../settings/payment-settings.pg';
import { paymentProviderSettings } from '../persistence/schema';
import { loadPaymentProviderSecrets } from '../settings/settings-secrets.pg';

/** The demo shop as its Paystack stand-in knows it: whose key it accepts and signs with. */
export interface DemoShop {
  businessId: string;
  name: string;
  secretKey: string;
}

/**
 * Paystack for the demo shop, sealed and saved the way the settings API saves a key, so the
 * checkout, the webhook check and the settings page treat it like any tenant's. A shop that has
 * settings already (a data folder seeded by this version, or an owner who changed the key or
 * switched Paystack off) is left as it is.
 */
export async function ensureDemoPaystack(
  database: Database,
  box: SecretBox,
  businessId: string,
): Promise<void> {
  const [existing] = await database.db
    .select({ provider: paymentProviderSettings.provider })
    .from(paymentProviderSettings)
    .where(whereSettings(businessId, 'paystack'));
  if (existing) return;
  // The shape of a Paystack test key; it opens nothing outside this node's stand-in.
  const secretKey = `sk_test_${randomBytes(20).toString('hex')}`;
  const changes = sealChanges(box, businessId, 'paystack', { enabled: true, secretKey });
  await saveSettings(database.db, businessId, 'paystack', changes);
}

/** Read per request: a key changed on the settings page applies to the next call. */
export async function loadDemoShop(database: Database, box: SecretBox): Promise<DemoShop | null> {
  const [shop] = await database.sql.query<{ id: string; name: string }>(
    `select id, name from businesses where is_demo limit 1`,
  );
  if (!shop) return null;
  const secrets = await loadPaymentProviderSecrets(database.db, box, shop.id, 'paystack');
  return secrets ? { businessId: shop.id, name: shop.name, secretKey: secrets.secretKey } : null;
}
