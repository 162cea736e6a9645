import { useState, type FormEvent } from 'react';
import { PAYMENT_PROVIDERS, type PaymentProvider } from '../../../shared/domain';
import type {
  PaymentProviderSettings,
  PaymentProviderUpdateRequest,
} from '../../../shared/settings.schema';
import { getPaymentProvider, savePaymentProvider } from '../api/settings.api';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { TextField } from '../ui/field';
import { formatDateTime } from '../ui/format';
import { LoadState } from '../ui/load-state';
import { PageHeader } from '../ui/page-header';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';

interface ProviderCopy {
  name: string;
  secretKey: string;
  secretKeyHint: string;
  webhookSecret: string | null;
  webhookSecretHint: string;
  publicKeyHint: string;
  webhookHelp: string;
}

const COPY: Readonly<Record<PaymentProvider, ProviderCopy>> = {
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

/** Stripe, Paystack and Flutterwave keys: write-only secrets, the webhook URL to paste. */
export function PaymentProvidersSection() {
  return (
    <section>
      <PageHeader
        level={2}
        title="Payments"
        description="Connect a payment provider so the assistant can send payment links. Keys are encrypted; only their first and last characters are shown. A conversation counts as paid only when the provider's signed webhook confirms it."
      />
      <div className="stack">
        {PAYMENT_PROVIDERS.map((provider) => (
          <ProviderCard key={provider} provider={provider} />
        ))}
      </div>
    </section>
  );
}

function ProviderCard({ provider }: { provider: PaymentProvider }) {
  const settings = useResource(() => getPaymentProvider(provider), [provider]);
  return (
    <article className="card" aria-labelledby={`provider-${provider}`}>
      <LoadState state={settings.state} reload={settings.reload} what={COPY[provider].name}>
        {(data) => <ProviderForm settings={data} onSaved={(next) => settings.update(() => next)} />}
      </LoadState>
    </article>
  );
}

function ProviderForm({
  settings,
  onSaved,
}: {
  settings: PaymentProviderSettings;
  onSaved: (next: PaymentProviderSettings) => void;
}) {
  const copy = COPY[settings.provider];
  const [secretKey, setSecretKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [clearWebhookSecret, setClearWebhookSecret] = useState(false);
  const [clearPublicKey, setClearPublicKey] = useState(false);
  const [enabled, setEnabled] = useState(settings.enabled || !settings.configured);
  const [saved, setSaved] = useState(false);
  const save = useAction((body: PaymentProviderUpdateRequest) =>
    savePaymentProvider(settings.provider, body),
  );
  const fields = save.error?.fieldErrors() ?? {};
  const needsSecret = !settings.configured && secretKey.trim() === '';

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const body: PaymentProviderUpdateRequest = { enabled };
    if (secretKey.trim()) body.secretKey = secretKey.trim();
    if (clearWebhookSecret) body.webhookSecret = null;
    else if (webhookSecret.trim()) body.webhookSecret = webhookSecret.trim();
    if (clearPublicKey) body.publicKey = null;
    else if (publicKey.trim()) body.publicKey = publicKey.trim();
    const next = await save.run(body);
    if (next) {
      setSecretKey('');
      setWebhookSecret('');
      setPublicKey('');
      setClearWebhookSecret(false);
      setClearPublicKey(false);
      setSaved(true);
      onSaved(next);
    }
  };

  const keep = (mask: string | null) =>
    mask ? `Stored: ${mask}. Leave empty to keep it.` : undefined;

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)}>
      <div className="card__header">
        <h3 className="card__title" id={`provider-${settings.provider}`}>
          {copy.name}
        </h3>
        <span className={`badge ${settings.enabled ? 'badge--ok' : 'badge--muted'}`}>
          {settings.configured ? (settings.enabled ? 'Enabled' : 'Disabled') : 'Not connected'}
        </span>
      </div>
      <div className="webhook-url">
        <p className="field__label" id={`webhook-${settings.provider}`}>
          Webhook URL
        </p>
        <div className="webhook-url__row">
          <code
            aria-labelledby={`webhook-${settings.provider}`}
            data-testid={`webhook-url-${settings.provider}`}
          >
            {settings.webhookUrl}
          </code>
          <CopyButton value={settings.webhookUrl} label="Copy URL" />
        </div>
        <p className="field__hint">{copy.webhookHelp}</p>
      </div>
      {save.error && Object.keys(fields).length === 0 ? (
        <Alert tone="error">{save.error.humanMessage}</Alert>
      ) : null}
      {saved ? <Alert tone="success">{copy.name} settings saved.</Alert> : null}
      <div className="form__grid">
        <TextField
          label={copy.secretKey}
          type="password"
          autoComplete="off"
          spellCheck={false}
          required={!settings.configured}
          hint={keep(settings.secretKey) ?? copy.secretKeyHint}
          value={secretKey}
          onValue={setSecretKey}
          error={fields.secretKey}
        />
        {copy.webhookSecret ? (
          <SecretWithClear
            label={copy.webhookSecret}
            hint={keep(settings.webhookSecret) ?? copy.webhookSecretHint}
            stored={settings.webhookSecret !== null}
            value={webhookSecret}
            onValue={setWebhookSecret}
            clear={clearWebhookSecret}
            onClear={setClearWebhookSecret}
            error={fields.webhookSecret}
          />
        ) : null}
        <SecretWithClear
          label="Public key"
          hint={keep(settings.publicKey) ?? copy.publicKeyHint}
          stored={settings.publicKey !== null}
          value={publicKey}
          onValue={setPublicKey}
          clear={clearPublicKey}
          onClear={setClearPublicKey}
          error={fields.publicKey}
        />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Offer {copy.name} payment links to customers
      </label>
      <div className="form__actions">
        <Button type="submit" variant="primary" busy={save.busy} disabled={needsSecret}>
          {settings.configured ? 'Save changes' : `Connect ${copy.name}`}
        </Button>
        {settings.updatedAt ? (
          <span className="muted">Last changed {formatDateTime(settings.updatedAt)}</span>
        ) : null}
      </div>
    </form>
  );
}

interface SecretWithClearProps {
  label: string;
  hint: string | undefined;
  stored: boolean;
  value: string;
  onValue: (v: string) => void;
  clear: boolean;
  onClear: (v: boolean) => void;
  error: string | undefined;
}

function SecretWithClear(props: SecretWithClearProps) {
  return (
    <div>
      <TextField
        label={props.label}
        type="password"
        autoComplete="off"
        spellCheck={false}
        disabled={props.clear}
        hint={props.hint}
        value={props.value}
        onValue={props.onValue}
        error={props.error}
      />
      {props.stored ? (
        <label className="checkbox checkbox--small">
          <input
            type="checkbox"
            checked={props.clear}
            onChange={(e) => props.onClear(e.target.checked)}
          />
          Remove the stored {props.label.toLowerCase()}
        </label>
      ) : null}
    </div>
  );
}
