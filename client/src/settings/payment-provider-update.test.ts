import { describe, expect, it } from 'vitest';
import { paymentProviderUpdateRequestSchema } from '../../../shared/settings.schema';
import {
  canChangePaymentKeys,
  providerUpdate,
  type ProviderFormValues,
} from './payment-provider-update';

const blank: ProviderFormValues = {
  password: 'my pass phrase ',
  secretKey: '',
  webhookSecret: '',
  publicKey: '',
  clearWebhookSecret: false,
  clearPublicKey: false,
  enabled: true,
};

describe('payment provider save', () => {
  it('lets only the owner change the keys', () => {
    expect(canChangePaymentKeys('owner')).toBe(true);
    expect(canChangePaymentKeys('admin')).toBe(false);
    expect(canChangePaymentKeys('agent')).toBe(false);
  });

  it('sends the password as typed and leaves empty secrets out, so the stored ones stay', () => {
    const body = providerUpdate({ ...blank, enabled: false });
    expect(body).toEqual({ password: 'my pass phrase ', enabled: false });
    expect(paymentProviderUpdateRequestSchema.safeParse(body).success).toBe(true);
  });

  it('trims pasted keys and sends null for a secret to remove', () => {
    const body = providerUpdate({
      ...blank,
      secretKey: '  sk_test_123\n',
      webhookSecret: 'whsec_typed but removed',
      clearWebhookSecret: true,
      publicKey: ' pk_test_9 ',
    });
    expect(body).toEqual({
      password: 'my pass phrase ',
      enabled: true,
      secretKey: 'sk_test_123',
      webhookSecret: null,
      publicKey: 'pk_test_9',
    });
    expect(providerUpdate({ ...blank, publicKey: '   ', clearPublicKey: true }).publicKey).toBe(
      null,
    );
    expect('publicKey' in providerUpdate({ ...blank, publicKey: '   ' })).toBe(false);
  });
});
