import { useState, type FormEvent } from 'react';
import { PAYMENT_PROVIDERS, type PaymentProvider } from '../../../shared/domain';
import type {
  PaymentProviderSettings,
  PaymentProviderUpdateRequest,
} from '../../../shared/settings.schema';
import { getPaymentProvider, savePaymentProvider } from '../api/settings.api';
import { useMe } from '../auth/session';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';
import { formatDateTime } from '../ui/format';
import { LoadState } from '../ui/load-state';
import { PageHeader } from '../ui/page-header';
import { PasswordField } from '../ui/password-field';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { COPY } from './payment-provider-copy';
import { ProviderHeading, ProviderSummary, WebhookUrl } from './payment-provider-summary';
import { canChangePaymentKeys, providerUpdate } from './payment-provider-update';

/**
 * Stripe, Paystack and Flutterwave keys: write-only secrets, the webhook URL to paste. Only the
 * owner changes them, with the password each time; admins see the masked settings.
 */
export function PaymentProvidersSection() {
  const me = useMe();
  const editable = canChangePaymentKeys(me.role);
  return (
    <section>
      <PageHeader
        level={2}
        title="Payments"
        description="Connect a payment provider so the assistant can send payment links. Keys are encrypted; only their first and last characters are shown. A conversation counts as paid only when the provider's signed webhook confirms it."
      />
      {editable ? null : (
        <Alert tone="info" title="View only">
          Only the owner can change payment keys: whoever holds them receives the shop's money. Ask
          the owner of {me.business.name} if a key needs changing.
        </Alert>
      )}
      <div className="stack">
        {PAYMENT_PROVIDERS.map((provider) => (
          <ProviderCard
            key={provider}
            provider={provider}
            editable={editable}
            ownerEmail={me.user.email}
          />
        ))}
      </div>
    </section>
  );
}

function ProviderCard({
  provider,
  editable,
  ownerEmail,
}: {
  provider: PaymentProvider;
  editable: boolean;
  ownerEmail: string;
}) {
  const settings = useResource(() => getPaymentProvider(provider), [provider]);
  return (
    <article className="card" aria-labelledby={`provider-${provider}`}>
      <LoadState state={settings.state} reload={settings.reload} what={COPY[provider].name}>
        {(data) =>
          editable ? (
            <ProviderForm
              settings={data}
              ownerEmail={ownerEmail}
              onSaved={(next) => settings.update(() => next)}
            />
          ) : (
            <ProviderSummary settings={data} />
          )
        }
      </LoadState>
    </article>
  );
}

function ProviderForm({
  settings,
  ownerEmail,
  onSaved,
}: {
  settings: PaymentProviderSettings;
  ownerEmail: string;
  onSaved: (next: PaymentProviderSettings) => void;
}) {
  const copy = COPY[settings.provider];
  const [secretKey, setSecretKey] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [clearWebhookSecret, setClearWebhookSecret] = useState(false);
  const [clearPublicKey, setClearPublicKey] = useState(false);
  const [enabled, setEnabled] = useState(settings.enabled || !settings.configured);
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const save = useAction((body: PaymentProviderUpdateRequest) =>
    savePaymentProvider(settings.provider, body),
  );
  const fields = save.error?.fieldErrors() ?? {};
  const needsSecret = !settings.configured && secretKey.trim() === '';

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const next = await save.run(
      providerUpdate({
        password,
        secretKey,
        webhookSecret,
        publicKey,
        clearWebhookSecret,
        clearPublicKey,
        enabled,
      }),
    );
    if (next) {
      setSecretKey('');
      setWebhookSecret('');
      setPublicKey('');
      setClearWebhookSecret(false);
      setClearPublicKey(false);
      setPassword('');
      setSaved(true);
      onSaved(next);
    }
  };

  const keep = (mask: string | null) =>
    mask ? `Stored: ${mask}. Leave empty to keep it.` : undefined;

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)}>
      <ProviderHeading settings={settings} />
      <WebhookUrl settings={settings} />
      {save.error && Object.keys(fields).length === 0 ? (
        <Alert tone="error">{save.error.humanMessage}</Alert>
      ) : null}
      {saved ? (
        <Alert tone="success">
          {copy.name} settings saved. A confirmation e-mail is on its way to {ownerEmail}.
        </Alert>
      ) : null}
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
      {/* Apart from the keys: it confirms the save, it is not another setting. */}
      <div className="form__confirm">
        <div className="form__narrow">
          <PasswordField
            label="Your password"
            name={`${settings.provider}-password`}
            autoComplete="current-password"
            hint="Asked for every change to payment keys; each change is also confirmed to you by e-mail."
            value={password}
            onValue={setPassword}
            error={fields.password}
          />
        </div>
        <div className="form__actions">
          <Button type="submit" variant="primary" busy={save.busy} disabled={needsSecret}>
            {settings.configured ? 'Save changes' : `Connect ${copy.name}`}
          </Button>
          {settings.updatedAt ? (
            <span className="muted">Last changed {formatDateTime(settings.updatedAt)}</span>
          ) : null}
        </div>
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
