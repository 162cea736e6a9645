import type { PaymentProviderSettings } from '../../../shared/settings.schema';
import { CopyButton } from '../ui/copy-button';
import { formatDateTime } from '../ui/format';
import { COPY } from './payment-provider-copy';

/** Shown the same to the owner, who edits, and to admins, who only read. */
export function ProviderHeading({ settings }: { settings: PaymentProviderSettings }) {
  return (
    <div className="card__header">
      <h3 className="card__title" id={`provider-${settings.provider}`}>
        {COPY[settings.provider].name}
      </h3>
      <span className={`badge ${settings.enabled ? 'badge--ok' : 'badge--muted'}`}>
        {settings.configured ? (settings.enabled ? 'Enabled' : 'Disabled') : 'Not connected'}
      </span>
    </div>
  );
}

export function WebhookUrl({ settings }: { settings: PaymentProviderSettings }) {
  return (
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
      <p className="field__hint">{COPY[settings.provider].webhookHelp}</p>
    </div>
  );
}

/** What an admin sees: the masks and the state, nothing to type into. */
export function ProviderSummary({ settings }: { settings: PaymentProviderSettings }) {
  const copy = COPY[settings.provider];
  const masked = (value: string | null) =>
    value ? <code className="masked">{value}</code> : <span className="muted">Not set</span>;
  return (
    <>
      <ProviderHeading settings={settings} />
      <WebhookUrl settings={settings} />
      <dl className="facts">
        <div className="facts__row">
          <dt>{copy.secretKey}</dt>
          <dd>{masked(settings.secretKey)}</dd>
        </div>
        {copy.webhookSecret ? (
          <div className="facts__row">
            <dt>{copy.webhookSecret}</dt>
            <dd>{masked(settings.webhookSecret)}</dd>
          </div>
        ) : null}
        <div className="facts__row">
          <dt>Public key</dt>
          <dd>{masked(settings.publicKey)}</dd>
        </div>
        <div className="facts__row">
          <dt>Payment links</dt>
          <dd>{settings.enabled ? 'Offered to customers' : 'Not offered'}</dd>
        </div>
        {settings.updatedAt ? (
          <div className="facts__row">
            <dt>Last changed</dt>
            <dd>{formatDateTime(settings.updatedAt)}</dd>
          </div>
        ) : null}
      </dl>
    </>
  );
}
