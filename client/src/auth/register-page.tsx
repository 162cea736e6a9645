import { useState, type FormEvent } from 'react';
import { register } from '../api/auth.api';
import { Link } from '../router/link';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';
import { PasswordField } from '../ui/password-field';
import { useAction } from '../ui/use-action';
import { AuthLayout } from './auth-layout';
import { PasswordChecklist, passwordReady } from './password-checklist';

/** A new business and its owner; signed in straight after. */
export function RegisterPage() {
  const [businessName, setBusinessName] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const submit = useAction(register);
  const fields = submit.error?.fieldErrors() ?? {};

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!passwordReady(password)) return;
    void submit.run({
      businessName: businessName.trim(),
      email: email.trim(),
      password,
      ...(name.trim() ? { name: name.trim() } : {}),
    });
  };

  return (
    <AuthLayout
      title="Create your business account"
      footer={
        <p>
          Already have an account? <Link to="/sign-in">Sign in</Link>
        </p>
      }
    >
      <p className="muted">
        You will be the owner. Invite your team and connect your channels once you are in.
      </p>
      {submit.error ? <Alert tone="error">{submit.error.humanMessage}</Alert> : null}
      <form className="form" onSubmit={onSubmit}>
        <TextField
          label="Business name"
          name="businessName"
          autoComplete="organization"
          required
          maxLength={120}
          autoFocus
          value={businessName}
          onValue={setBusinessName}
          error={fields.businessName}
        />
        <TextField
          label="Your name"
          name="name"
          autoComplete="name"
          maxLength={120}
          hint="Optional. Your team sees it next to your replies."
          value={name}
          onValue={setName}
          error={fields.name}
        />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onValue={setEmail}
          error={fields.email}
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
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
