import { signOutEverywhere } from '../api/auth.api';
import { useSession } from '../auth/session';
import { Alert } from '../ui/alert';
import { useAction } from '../ui/use-action';
import { ConfirmButton } from './confirm-button';

/** Ends every session of the account, this one too: for a lost phone or a shared computer. */
export function SignOutEverywhereCard() {
  const { signOut } = useSession();
  const end = useAction(async () => {
    await signOutEverywhere();
    return true;
  });

  return (
    <div className="card" role="group" aria-labelledby="sign-out-everywhere-heading">
      <h3 className="card__title" id="sign-out-everywhere-heading">
        Sign out everywhere
      </h3>
      <p>
        Signs you out on every phone, tablet and computer where you use Parley, this one included.
        Use it after losing a device or signing in on one that is not yours. If someone may know
        your password, change the password instead: that also signs out every other device.
      </p>
      {end.error ? <Alert tone="error">{end.error.humanMessage}</Alert> : null}
      <div className="form__actions">
        <ConfirmButton
          label="Sign out everywhere"
          confirmLabel="Sign out everywhere, this device included"
          busy={end.busy}
          onConfirm={async () => {
            // The server has already ended this session too; signing out here forgets it locally.
            if (await end.run()) await signOut({ notice: 'You have signed out on every device.' });
          }}
        />
      </div>
    </div>
  );
}
