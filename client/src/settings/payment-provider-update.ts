import type { Role } from '../../../shared/domain';
import type { PaymentProviderUpdateRequest } from '../../../shared/settings.schema';

/** Whoever holds the payment keys receives the shop's money, so only the owner may set them. */
export const canChangePaymentKeys = (role: Role) => role === 'owner';

export interface ProviderFormValues {
  password: string;
  secretKey: string;
  webhookSecret: string;
  publicKey: string;
  clearWebhookSecret: boolean;
  clearPublicKey: boolean;
  enabled: boolean;
}

/**
 * The PUT body: an empty secret keeps the stored one, a ticked "remove" clears it. Keys are
 * trimmed (a pasted key often brings a space or newline); the password goes as typed, since
 * spaces can be part of it.
 */
export function providerUpdate(values: ProviderFormValues): PaymentProviderUpdateRequest {
  const body: PaymentProviderUpdateRequest = {
    password: values.password,
    enabled: values.enabled,
  };
  const secretKey = values.secretKey.trim();
  if (secretKey) body.secretKey = secretKey;
  if (values.clearWebhookSecret) body.webhookSecret = null;
  else if (values.webhookSecret.trim()) body.webhookSecret = values.webhookSecret.trim();
  if (values.clearPublicKey) body.publicKey = null;
  else if (values.publicKey.trim()) body.publicKey = values.publicKey.trim();
  return body;
}
