import { useState, type FormEvent } from 'react';
import { deleteAccount, downloadExport } from '../api/account.api';
import { useMe, useSession } from '../auth/session';
import { navigate } from '../router/location';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';
import { PasswordField } from '../ui/password-field';
import { PageHeader } from '../ui/page-header';
import { downloadText } from '../ui/download';
import { useAction } from '../ui/use-action';

/** The business's own data: take it with you, or erase it (owner only). */
export function PrivacySection() {
  return (
    <section>
      <PageHeader
        level={2}
        title="Privacy and data"
        description="Everything Parley holds for your business, to download or to erase."
      />
      <ExportCard />
      <DeleteCard />
    </section>
  );
}

function ExportCard() {
  const [done, setDone] = useState(false);
  const exporter = useAction(async () => {
    const { text, filename } = await downloadExport();
    downloadText(filename, text, 'application/json');
    return true;
  });
  return (
    <div className="card">
      <h3 className="card__title">Export</h3>
      <p>
        One JSON file with your business, team, channels, catalog, contacts, conversations,
        messages, orders, payments and audit log. Secrets stay masked.
      </p>
      {exporter.error ? <Alert tone="error">{exporter.error.humanMessage}</Alert> : null}
      {done ? <Alert tone="success">The export has been downloaded.</Alert> : null}
      <Button
        busy={exporter.busy}
        onClick={() => {
          setDone(false);
          void exporter.run().then((ok) => setDone(Boolean(ok)));
        }}
      >
        Download export
      </Button>
    </div>
  );
}

function DeleteCard() {
  const me = useMe();
  const { endLocally } = useSession();
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [confirmName, setConfirmName] = useState('');
  const remove = useAction(async () => {
    await deleteAccount({ password, ...(totp.trim() ? { totp: totp.trim() } : {}) });
    return true;
  });
  const matches = confirmName.trim() === me.business.name.trim();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!matches) return;
    if (await remove.run()) {
      endLocally(`${me.business.name} and all of its data have been erased.`);
      navigate('/sign-in', { replace: true });
    }
  };

  return (
    <form
      className="card card--danger form"
      onSubmit={(e) => void onSubmit(e)}
      aria-labelledby="delete-heading"
    >
      <h3 className="card__title" id="delete-heading">
        Delete the business
      </h3>
      <p>
        This erases <strong>{me.business.name}</strong>: every member account, channel, product,
        contact, conversation and message. Customers' orders are kept only as an anonymous record.
        It cannot be undone; download an export first if you may need anything.
      </p>
      {remove.error ? <Alert tone="error">{remove.error.humanMessage}</Alert> : null}
      <div className="form__grid">
        <PasswordField
          label="Your password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
        />
        {me.user.twoFactorEnabled ? (
          <TextField
            label="Two-factor code or recovery code"
            autoComplete="one-time-code"
            spellCheck={false}
            required
            value={totp}
            onValue={setTotp}
          />
        ) : null}
        <TextField
          label={`Type “${me.business.name}” to confirm`}
          autoComplete="off"
          spellCheck={false}
          required
          value={confirmName}
          onValue={setConfirmName}
        />
      </div>
      <div className="form__actions">
        <Button
          type="submit"
          variant="danger"
          busy={remove.busy}
          disabled={!matches || password === ''}
        >
          Delete business and all data
        </Button>
      </div>
    </form>
  );
}
