import { useState, type FormEvent } from 'react';
import type { TwoFactorSetupResponse } from '../../../shared/auth.schema';
import { disableTwoFactor, enableTwoFactor, startTwoFactorSetup } from '../api/auth.api';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { TextField } from '../ui/field';
import { PasswordField } from '../ui/password-field';
import { groupSecret, svgDataUrl } from '../ui/svg-data-url';
import { useAction } from '../ui/use-action';

const PASSWORD_HINT =
  'Asked again so that nobody using a device you left signed in can change how you sign in.';

/** Off: the password first, then the QR code and a code from the app to confirm it. */
export function EnableTwoFactor({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const [setup, setSetup] = useState<TwoFactorSetupResponse | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const start = useAction(startTwoFactorSetup);
  const enable = useAction(enableTwoFactor);
  const startFields = start.error?.fieldErrors() ?? {};

  const begin = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await start.run(password);
    if (answer) {
      // Not kept around once it has done its job.
      setPassword('');
      setSetup(answer);
    }
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
          <h3 className="card__title" id="totp-heading">
            Two-factor authentication
          </h3>
          <span className="badge badge--muted">Off</span>
        </div>
        <p>
          Asks for a code from your phone at every sign-in, so a stolen password alone cannot open
          your account. You need an authenticator app such as 1Password, Google Authenticator,
          Microsoft Authenticator or Authy.
        </p>
        <form className="form" onSubmit={(e) => void begin(e)} aria-labelledby="totp-heading">
          {start.error && !startFields.password ? (
            <Alert tone="error">{start.error.humanMessage}</Alert>
          ) : null}
          <div className="form__narrow">
            <PasswordField
              label="Your password"
              name="totp-setup-password"
              autoComplete="current-password"
              hint={PASSWORD_HINT}
              value={password}
              onValue={setPassword}
              error={startFields.password}
            />
          </div>
          <div className="form__actions">
            <Button type="submit" variant="primary" busy={start.busy}>
              Set up two-factor authentication
            </Button>
          </div>
        </form>
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

/** On: a code from the app (or a recovery code) and the password turn it off. */
export function DisableTwoFactor({ onDisabled }: { onDisabled: () => void }) {
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const disable = useAction(async (value: string, current: string) => {
    await disableTwoFactor(value, current);
    return true;
  });
  const fields = disable.error?.fieldErrors() ?? {};

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await disable.run(code.trim(), password)) {
      setDone(true);
      setPassword('');
      onDisabled();
    }
  };

  return (
    <div className="card">
      <div className="card__header">
        <h3 className="card__title" id="totp-heading">
          Two-factor authentication
        </h3>
        <span className={`badge ${done ? 'badge--muted' : 'badge--ok'}`}>
          {done ? 'Off' : 'On'}
        </span>
      </div>
      <p>
        Sign-ins to your account need a code from your authenticator app, or one of your recovery
        codes. To turn it off, enter a code and your password.
      </p>
      <form className="form" onSubmit={(e) => void onSubmit(e)} aria-labelledby="totp-heading">
        {disable.error && !fields.code && !fields.password ? (
          <Alert tone="error">{disable.error.humanMessage}</Alert>
        ) : null}
        <div className="form__grid">
          <TextField
            label="Code from your app, or a recovery code"
            name="disable-code"
            autoComplete="one-time-code"
            spellCheck={false}
            required
            value={code}
            onValue={setCode}
            error={fields.code}
          />
          <PasswordField
            label="Your password"
            name="totp-disable-password"
            autoComplete="current-password"
            hint={PASSWORD_HINT}
            value={password}
            onValue={setPassword}
            error={fields.password}
          />
        </div>
        <div className="form__actions">
          <Button type="submit" variant="danger" busy={disable.busy}>
            Turn off two-factor authentication
          </Button>
        </div>
      </form>
    </div>
  );
}
