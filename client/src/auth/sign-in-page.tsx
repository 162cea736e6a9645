import { useCallback, useState, type FormEvent } from 'react';
import type { LoginRequest } from '../../../shared/auth.schema';
import { login } from '../api/auth.api';
import { ApiError } from '../api/api-error';
import { Link } from '../router/link';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';
import { PasswordField } from '../ui/password-field';
import { useAction } from '../ui/use-action';
import { AuthLayout } from './auth-layout';

type Step = 'credentials' | 'second-factor';

/**
 * Email and password, then (when 2FA is on) the code from the authenticator app or one of the
 * recovery codes. The server answers `totp_required` to the right password without a code.
 */
export function SignInPage({ notice }: { notice: string | null }) {
  const [step, setStep] = useState<Step>('credentials');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const attempt = useCallback(async (body: LoginRequest) => {
    try {
      return await login(body);
    } catch (err) {
      // The right password without a code: ask for the second factor; that is not an error.
      if (err instanceof ApiError && err.code === 'totp_required' && !body.totp) {
        setStep('second-factor');
        return null;
      }
      throw err;
    }
  }, []);
  const submit = useAction(attempt);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const totp = step === 'second-factor' ? code.trim() : undefined;
    void submit.run({ email, password, ...(totp ? { totp } : {}) });
  };

  const error = submit.error;

  return (
    <AuthLayout
      title={step === 'credentials' ? 'Sign in' : 'Two-factor check'}
      footer={
        <p>
          New to Parley? <Link to="/register">Create a business account</Link>
        </p>
      }
    >
      {notice && !error ? <Alert tone="info">{notice}</Alert> : null}
      {error ? <Alert tone="error">{error.humanMessage}</Alert> : null}
      <form className="form" onSubmit={onSubmit}>
        {step === 'credentials' ? (
          <>
            <TextField
              label="Email"
              type="email"
              name="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onValue={setEmail}
            />
            <PasswordField
              label="Password"
              name="password"
              autoComplete="current-password"
              value={password}
              onValue={setPassword}
            />
            <Button type="submit" variant="primary" busy={submit.busy}>
              Sign in
            </Button>
          </>
        ) : (
          <SecondFactorFields
            email={email}
            code={code}
            setCode={setCode}
            useRecovery={useRecovery}
            setUseRecovery={setUseRecovery}
            busy={submit.busy}
            error={error}
            onBack={() => {
              setStep('credentials');
              setCode('');
              submit.clearError();
            }}
          />
        )}
      </form>
    </AuthLayout>
  );
}

interface SecondFactorProps {
  email: string;
  code: string;
  setCode: (code: string) => void;
  useRecovery: boolean;
  setUseRecovery: (on: boolean) => void;
  busy: boolean;
  error: ApiError | null;
  onBack: () => void;
}

function SecondFactorFields(props: SecondFactorProps) {
  const { code, setCode, useRecovery, setUseRecovery, busy } = props;
  return (
    <>
      <p className="muted">
        Signing in as <strong>{props.email}</strong>.{' '}
        {useRecovery
          ? 'Enter one of the recovery codes you saved when you turned on two-factor authentication. Each code works once.'
          : 'Enter the 6-digit code your authenticator app shows for Parley.'}
      </p>
      {useRecovery ? (
        <TextField
          key="recovery"
          label="Recovery code"
          name="recovery-code"
          autoComplete="off"
          spellCheck={false}
          placeholder="xxxxx-xxxxx-xxxxx-xxxxx"
          required
          autoFocus
          value={code}
          onValue={setCode}
        />
      ) : (
        <TextField
          key="totp"
          label="Authentication code"
          name="totp"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]{6,7}"
          maxLength={7}
          required
          autoFocus
          value={code}
          onValue={(v) => setCode(v.replace(/[^\d ]/g, ''))}
        />
      )}
      <Button type="submit" variant="primary" busy={busy}>
        Verify and sign in
      </Button>
      <div className="form__row form__row--between">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode('');
          }}
        >
          {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
        </button>
        <button type="button" className="link-button" onClick={props.onBack}>
          Use another account
        </button>
      </div>
    </>
  );
}
