import { Fragment, useState, type FormEvent } from 'react';
import { CHANNELS, type Channel } from '../../../shared/domain';
import { integrationCreateRequestSchema, type Integration } from '../../../shared/settings.schema';
import { createIntegration, deleteIntegration, listIntegrations } from '../api/settings.api';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { Field, TextField } from '../ui/field';
import { formatDate } from '../ui/format';
import { CHANNEL_LABELS } from '../ui/labels';
import { LoadState } from '../ui/load-state';
import { PageHeader } from '../ui/page-header';
import { useAction } from '../ui/use-action';
import { useResource } from '../ui/use-resource';
import { ChangeTokenForm } from './change-token-form';
import { ConfirmButton } from './confirm-button';

const EXTERNAL_ID_HINTS: Readonly<Record<Channel, string>> = {
  messenger: 'The Facebook Page ID (Page settings → About → Page transparency).',
  instagram: 'The Instagram professional account ID.',
  whatsapp: 'The phone number ID from WhatsApp Manager (not the phone number itself).',
};

/** Channel accounts: the Page, Instagram account or WhatsApp number each conversation comes from. */
export function IntegrationsSection() {
  const list = useResource(listIntegrations, []);
  const [changing, setChanging] = useState<string | null>(null);
  const remove = useAction(async (id: string) => {
    await deleteIntegration(id);
    return true;
  });

  return (
    <section aria-labelledby="integrations-heading">
      <PageHeader
        level={2}
        title="Channels"
        description="Connect the Instagram, Messenger and WhatsApp accounts customers write to. Parley asks Meta to confirm that each token controls its account; tokens are stored encrypted and never shown again."
      />
      {remove.error ? <Alert tone="error">{remove.error.humanMessage}</Alert> : null}
      <LoadState state={list.state} reload={list.reload} what="the channels">
        {(data) =>
          data.items.length === 0 ? (
            <div className="empty">
              <p className="empty__title">No channels connected yet</p>
              <p>Add your first account below; conversations start arriving right after.</p>
            </div>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Connected channels</caption>
                <thead>
                  <tr>
                    <th scope="col">Channel</th>
                    <th scope="col">Name</th>
                    <th scope="col">Account ID</th>
                    <th scope="col">Access token</th>
                    <th scope="col">Confirmed by Meta</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((item) => (
                    <Fragment key={item.id}>
                      <tr>
                        <td>
                          <span className={`badge badge--${item.channel}`}>
                            {CHANNEL_LABELS[item.channel]}
                          </span>
                        </td>
                        <td>{item.name ?? <span className="muted">—</span>}</td>
                        <td>
                          <code>{item.externalId}</code>
                        </td>
                        <td>
                          <code className="masked" data-testid="masked-token">
                            {item.accessToken}
                          </code>
                        </td>
                        <td>
                          {item.verifiedAt ? (
                            formatDate(item.verifiedAt)
                          ) : (
                            <span className="muted">Not yet: change the token to check it</span>
                          )}
                        </td>
                        <td className="table__actions">
                          <Button
                            size="small"
                            variant="ghost"
                            onClick={() => setChanging(changing === item.id ? null : item.id)}
                            aria-expanded={changing === item.id}
                          >
                            Change token
                          </Button>
                          <ConfirmButton
                            label="Remove"
                            confirmLabel={`Remove ${CHANNEL_LABELS[item.channel]} ${item.name ?? item.externalId}`}
                            busy={remove.busy}
                            onConfirm={async () => {
                              if (await remove.run(item.id)) {
                                list.update((d) => ({
                                  items: d.items.filter((i) => i.id !== item.id),
                                }));
                              }
                            }}
                          />
                        </td>
                      </tr>
                      {changing === item.id ? (
                        <tr className="table__subrow">
                          <td colSpan={6}>
                            <ChangeTokenForm
                              integration={item}
                              onCancel={() => setChanging(null)}
                              onChanged={(updated) => {
                                setChanging(null);
                                list.update((d) => ({
                                  items: d.items.map((i) => (i.id === updated.id ? updated : i)),
                                }));
                              }}
                            />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </LoadState>
      <AddIntegrationForm
        onAdded={(created) => list.update((d) => ({ items: [...d.items, created] }))}
      />
    </section>
  );
}

function AddIntegrationForm({ onAdded }: { onAdded: (created: Integration) => void }) {
  const [channel, setChannel] = useState<Channel>('whatsapp');
  const [externalId, setExternalId] = useState('');
  const [businessAccountId, setBusinessAccountId] = useState('');
  const [accessToken, setAccessToken] = useState('');
  const [name, setName] = useState('');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const create = useAction(createIntegration);
  const fields = { ...(create.error?.fieldErrors() ?? {}), ...localErrors };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = integrationCreateRequestSchema.safeParse({
      channel,
      externalId,
      ...(channel === 'whatsapp' ? { businessAccountId } : {}),
      accessToken,
      ...(name.trim() ? { name } : {}),
    });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0]);
        errors[key] ??=
          key === 'accessToken'
            ? 'Paste the full access token (at least 10 characters).'
            : key === 'externalId' || key === 'businessAccountId'
              ? 'Use the numeric ID Meta shows for the account.'
              : issue.message;
      }
      setLocalErrors(errors);
      return;
    }
    setLocalErrors({});
    const created = await create.run(parsed.data);
    if (created) {
      onAdded(created);
      setExternalId('');
      setBusinessAccountId('');
      setAccessToken('');
      setName('');
    }
  };

  return (
    <form
      className="card form"
      onSubmit={(e) => void onSubmit(e)}
      aria-labelledby="add-channel-heading"
    >
      <h3 id="add-channel-heading" className="card__title">
        Add a channel
      </h3>
      {create.error && Object.keys(create.error.fieldErrors()).length === 0 ? (
        <Alert tone="error">{create.error.humanMessage}</Alert>
      ) : null}
      <div className="form__grid">
        <Field label="Channel">
          {(control) => (
            <select
              className="input"
              name="channel"
              {...control}
              value={channel}
              onChange={(e) => setChannel(e.target.value as Channel)}
            >
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {CHANNEL_LABELS[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label="Account ID"
          name="externalId"
          required
          spellCheck={false}
          autoComplete="off"
          hint={EXTERNAL_ID_HINTS[channel]}
          value={externalId}
          onValue={setExternalId}
          error={fields.externalId}
        />
        {channel === 'whatsapp' ? (
          <TextField
            label="WhatsApp Business Account ID"
            name="businessAccountId"
            required
            spellCheck={false}
            autoComplete="off"
            hint="Shown next to the phone number ID in WhatsApp Manager, under API setup."
            value={businessAccountId}
            onValue={setBusinessAccountId}
            error={fields.businessAccountId}
          />
        ) : null}
        <TextField
          label="Access token"
          name="accessToken"
          type="password"
          required
          spellCheck={false}
          autoComplete="off"
          hint="A long-lived token from Meta for this account. Meta is asked to confirm it controls the account; the token is then encrypted and only its first and last characters are shown."
          value={accessToken}
          onValue={setAccessToken}
          error={fields.accessToken}
        />
        <TextField
          label="Display name"
          name="name"
          maxLength={120}
          hint="Optional, for your team: “Main store WhatsApp”."
          value={name}
          onValue={setName}
          error={fields.name}
        />
      </div>
      <div className="form__actions">
        <Button type="submit" variant="primary" busy={create.busy}>
          Connect channel
        </Button>
      </div>
    </form>
  );
}
