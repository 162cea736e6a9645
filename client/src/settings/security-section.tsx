import { useState, type FormEvent } from 'react';
import type { TwoFactorSetupResponse } from '../../../shared/auth.schema';
import { disableTwoFactor, enableTwoFactor, fetchMe, startTwoFactorSetup } from '../api/auth.api';
import { useMe, useSession } from '../auth/session';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { TextField } from '../ui/field';
import { PageHeader } from '../ui/page-header';
import { groupSecret, svgDataUrl } from '../ui/svg-data-url';
import { useAction } from '../ui/use-action';
import { RecoveryCodes } from './recovery-codes';

/** Two-factor authentication for the signed-in person. */
export function SecuritySection() {
  const me = useMe();
  const { updateUser } = useSession();
  const [codes, setCodes] = useState<string[] | null>(null);

  const refreshUser = async () => {
    try {
      updateUser((await fetchMe()).user);
    } catch {
      // The change is made; the badge catches up on the next load.
    }
  };

  return (
    <section>
      <PageHeader
        level={2}
        title="Security"
        description="Two-factor authentication asks for a code from your phone at every sign-in, so a stolen password alone cannot open your account."
      />
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
      ) : me.user.twoFactorEnabled ? (
        <DisableTwoFactor onDisabled={() => void refreshUser()} />
      ) : (
        <EnableTwoFactor
          onEnabled={(recovery) => {
            setCodes(recovery);
            void refreshUser();
          }}
        />
      )}
    </section>
  );
}

function EnableTwoFactor({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const [setup, setSetup] = useState<TwoFactorSetupResponse | null>(null);
  const [code, setCode] = useState('');
  const start = useAction(startTwoFactorSetup);
  const enable = useAction(enableTwoFactor);

  const begin = async () => {
    const answer = await start.run();
    if (answer) setSetup(answer);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await enable.run(code.replace(/\s/g, ''));
    if (answer) onEnabled(answer.recoveryCodes);
  };

  if (!setup) {
    return (
      <div className="card">
        <div className="card__header">
          <h3 className="card__title">Two-factor authentication</h3>
          <span className="badge badge--muted">Off</span>
        </div>
        {start.error ? <Alert tone="error">{start.error.humanMessage}</Alert> : null}
        <p>
          You need an authenticator app such as 1Password, Google Authenticator, Microsoft
          Authenticator or Authy.
        </p>
        <Button variant="primary" busy={start.busy} onClick={() => void begin()}>
          Set up two-factor authentication
        </Button>
      </div>
    );
  }

  return (
    <form
      className="card form"
      onSubmit={(e) => void onSubmit(e)}
      aria-labelledby="totp-setup-heading"
    >
      <h3 className="card__title" id="totp-setup-heading">
        Scan, then confirm
      </h3>
      <ol className="steps">
        <li>
          <p>Scan this code with your authenticator app.</p>
          <img
            className="qr"
            src={svgDataUrl(setup.qrSvg)}
            alt="QR code that adds Parley to your authenticator app"
            width={192}
            height={192}
          />
          <p className="muted small">Cannot scan? Enter this key in the app instead:</p>
          <div className="webhook-url__row">
            <code className="secret" data-testid="totp-secret" data-secret={setup.secret}>
              {groupSecret(setup.secret)}
            </code>
            <CopyButton value={setup.secret} label="Copy key" />
          </div>
        </li>
        <li>
          <TextField
            label="Enter the 6-digit code the app shows"
            name="totp-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            required
            value={code}
            onValue={(v) => setCode(v.replace(/[^\d ]/g, ''))}
            error={enable.error?.humanMessage}
          />
        </li>
      </ol>
      <div className="form__actions">
        <Button type="submit" variant="primary" busy={enable.busy}>
          Turn on two-factor authentication
        </Button>
        <Button variant="ghost" onClick={() => setSetup(null)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function DisableTwoFactor({ onDisabled }: { onDisabled: () => void }) {
  const [code, setCode] = useState('');
  const [done, setDone] = useState(false);
  const disable = useAction(async (value: string) => {
    await disableTwoFactor(value);
    return true;
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await disable.run(code.trim())) {
      setDone(true);
      onDisabled();
    }
  };

  return (
    <form className="card form" onSubmit={(e) => void onSubmit(e)}>
      <div className="card__header">
        <h3 className="card__title">Two-factor authentication</h3>
        <span className="badge badge--ok">{done ? 'Off' : 'On'}</span>
      </div>
      <p>
        Sign-ins to your account need a code from your authenticator app, or one of your recovery
        codes.
      </p>
      <TextField
        label="To turn it off, enter a code from your app or a recovery code"
        name="disable-code"
        autoComplete="one-time-code"
        spellCheck={false}
        required
        value={code}
        onValue={setCode}
        error={disable.error?.humanMessage}
      />
      <div className="form__actions">
        <Button type="submit" variant="danger" busy={disable.busy}>
          Turn off two-factor authentication
        </Button>
      </div>
    </form>
  );
}
