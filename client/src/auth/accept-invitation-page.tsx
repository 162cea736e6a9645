import { useRef, useState, type FormEvent } from 'react';
import type { AcceptInvitationRequest } from '../../../shared/auth.schema';
import { acceptInvitation } from '../api/auth.api';
import { Link, Redirect } from '../router/link';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';
import { PasswordField } from '../ui/password-field';
import { useAction } from '../ui/use-action';
import { AuthLayout } from './auth-layout';
import { PasswordChecklist, passwordReady } from './password-checklist';
import { useSession } from './session';

/** `/accept-invitation?token=…`: the link an owner or admin passed on. */
export function AcceptInvitationPage({ token }: { token: string | null }) {
  const session = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  /** Set while accepting: the new session then leads to the inbox, not to the notice below. */
  const accepting = useRef(false);
  const submit = useAction(async (body: AcceptInvitationRequest) => {
    accepting.current = true;
    try {
      return await acceptInvitation(body);
    } catch (err) {
      accepting.current = false;
      throw err;
    }
  });
  const fields = submit.error?.fieldErrors() ?? {};

  if (!token) {
    return (
      <AuthLayout title="Join a team">
        <Alert tone="error">
          This invitation link is incomplete. Open the full link you were sent, or ask for a new
          invitation.
        </Alert>
        <p>
          <Link to="/sign-in">Go to sign in</Link>
        </p>
      </AuthLayout>
    );
  }

  if (session.state.status === 'signedIn') {
    if (accepting.current) return <Redirect to="/inbox" />;
    const { me } = session.state;
    return (
      <AuthLayout title="Join a team">
        <Alert tone="info">
          You are signed in as {me.user.email} ({me.business.name}). An account belongs to one
          business, so sign out first to accept this invitation with a new account.
        </Alert>
        <div className="form__row">
          <Button
            variant="primary"
            onClick={() =>
              void session.signOut({ notice: 'Signed out. Now accept the invitation.', stay: true })
            }
          >
            Sign out
          </Button>
          <Link to="/inbox">Back to the inbox</Link>
        </div>
      </AuthLayout>
    );
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!passwordReady(password)) return;
    void submit.run({ token, name: name.trim(), password });
  };

  return (
    <AuthLayout title="Join your team on Parley">
      <p className="muted">Choose your name and a password to accept the invitation.</p>
      {submit.error ? <Alert tone="error">{submit.error.humanMessage}</Alert> : null}
      <form className="form" onSubmit={onSubmit}>
        <TextField
          label="Your name"
          name="name"
          autoComplete="name"
          required
          maxLength={120}
          autoFocus
          value={name}
          onValue={setName}
          error={fields.name}
        />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="new-password"
          value={password}
          onValue={setPassword}
          error={
            fields.password ??
            (tried && !passwordReady(password)
              ? 'This password does not meet the rules below yet.'
              : undefined)
          }
          hint={<PasswordChecklist password={password} />}
        />
        <Button type="submit" variant="primary" busy={submit.busy}>
          Accept invitation
        </Button>
      </form>
    </AuthLayout>
  );
}
