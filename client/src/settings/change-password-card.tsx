import { useState, type FormEvent } from 'react';
import type { PasswordChangeRequest } from '../../../shared/auth.schema';
import { changePassword } from '../api/auth.api';
import { PasswordChecklist } from '../auth/password-checklist';
import { useMe } from '../auth/session';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { PasswordField } from '../ui/password-field';
import { useToast } from '../ui/toast';
import { useAction } from '../ui/use-action';
import { passwordChangeProblems } from './password-change';

const PASSWORD_CHANGED_NOTICE =
  'Your password has been changed. Every other device was signed out; this one stays signed in.';

/** A new password; the server signs out every other session and e-mails the member. */
export function ChangePasswordCard() {
  const me = useMe();
  const toast = useToast();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [tried, setTried] = useState(false);
  const change = useAction(async (body: PasswordChangeRequest) => {
    await changePassword(body);
    return true;
  });
  const server = change.error?.fieldErrors() ?? {};
  const local = tried ? passwordChangeProblems(currentPassword, newPassword) : {};

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(passwordChangeProblems(currentPassword, newPassword)).length > 0) return;
    if (await change.run({ currentPassword, newPassword })) {
      setCurrentPassword('');
      setNewPassword('');
      setTried(false);
      toast(PASSWORD_CHANGED_NOTICE, 'success');
    }
  };

  return (
    <div className="card">
      <h3 className="card__title" id="password-heading">
        Change password
      </h3>
      <p>
        Changing it signs you out on every other phone, tablet and computer; this one stays signed
        in. You get an e-mail about it at {me.user.email}.
      </p>
      <form className="form" onSubmit={(e) => void onSubmit(e)} aria-labelledby="password-heading">
        {change.error && !server.currentPassword && !server.newPassword ? (
          <Alert tone="error">{change.error.humanMessage}</Alert>
        ) : null}
        {/* Lets a password manager tell which account the new password belongs to. */}
        <input
          type="email"
          name="username"
          autoComplete="username"
          value={me.user.email}
          readOnly
          hidden
        />
        <div className="form__grid">
          <PasswordField
            label="Current password"
            name="current-password"
            autoComplete="current-password"
            value={currentPassword}
            onValue={setCurrentPassword}
            error={local.currentPassword ?? server.currentPassword}
          />
          <PasswordField
            label="New password"
            name="new-password"
            autoComplete="new-password"
            value={newPassword}
            onValue={setNewPassword}
            error={local.newPassword ?? server.newPassword}
            hint={<PasswordChecklist password={newPassword} />}
          />
        </div>
        <div className="form__actions">
          <Button type="submit" variant="primary" busy={change.busy}>
            Change password
          </Button>
        </div>
      </form>
    </div>
  );
}
