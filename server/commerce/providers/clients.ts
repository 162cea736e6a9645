import type { PaymentProvider as ProviderName } from '../../../shared/domain';
import { createFlutterwaveClient } from './flutterwave';
import { createPaystackClient } from './paystack';
import type { PaymentProviderClient, ProviderCredentials, ProviderEndpoints } from './provider';
import { createStripeClient } from './stripe';

/** A client for one business's account at `provider`. */
export function createProviderClient(
  provider: ProviderName,
  credentials: ProviderCredentials,
  endpoints: ProviderEndpoints,
): PaymentProviderClient {
  switch (provider) {
    case 'stripe':
      return createStripeClient(credentials, endpoints);
    case 'paystack':
      return createPaystackClient(credentials, endpoints);
    case 'flutterwave':
      return createFlutterwaveClient(credentials, endpoints);
  }
}
