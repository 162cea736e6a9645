import type { PaymentProvider } from '../../../shared/domain';

/** What each provider calls its keys, and where in its dashboard they are found. */
export interface ProviderCopy {
  name: string;
  secretKey: string;
  secretKeyHint: string;
  webhookSecret: string | null;
  webhookSecretHint: string;
  publicKeyHint: string;
  webhookHelp: string;
}

export const COPY: Readonly<Record<PaymentProvider, ProviderCopy>> = {
  stripe: {
    name: 'Stripe',
    secretKey: 'Secret key',
    secretKeyHint: 'Starts with sk_live_ or sk_test_ (Developers → API keys).',
    webhookSecret: 'Webhook signing secret',
    webhookSecretHint: 'Starts with whsec_; Stripe shows it after you add the endpoint below.',
    publicKeyHint: 'Optional. Starts with pk_.',
    webhookHelp:
      'In Stripe, Developers → Webhooks → Add endpoint, paste this URL and select the checkout.session events (completed, expired, async_payment_succeeded and async_payment_failed).',
  },
  paystack: {
    name: 'Paystack',
    secretKey: 'Secret key',
    secretKeyHint: 'Starts with sk_live_ or sk_test_ (Settings → API Keys & Webhooks).',
    webhookSecret: null,
    webhookSecretHint: '',
    publicKeyHint: 'Optional. Starts with pk_.',
    webhookHelp:
      'In Paystack, Settings → API Keys & Webhooks, paste this URL as the Webhook URL. Paystack signs with your secret key, so there is no separate webhook secret.',
  },
  flutterwave: {
    name: 'Flutterwave',
    secretKey: 'Secret key',
    secretKeyHint: 'Starts with FLWSECK (Settings → API Keys).',
    webhookSecret: 'Secret hash',
    webhookSecretHint: 'The secret hash you set next to the webhook URL in Flutterwave.',
    publicKeyHint: 'Optional. Starts with FLWPUBK.',
    webhookHelp:
      'In Flutterwave, Settings → Webhooks, paste this URL and set a secret hash; enter the same hash here.',
  },
};
