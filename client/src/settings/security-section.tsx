import { useState } from 'react';
import { fetchMe } from '../api/auth.api';
import { useMe, useSession } from '../auth/session';
import { PageHeader } from '../ui/page-header';
import { ChangePasswordCard } from './change-password-card';
import { RecoveryCodes } from './recovery-codes';
import { SignOutEverywhereCard } from './sign-out-everywhere-card';
import { DisableTwoFactor, EnableTwoFactor } from './two-factor-card';

/** The signed-in person's own sign-in: password, two-factor authentication, open sessions. */
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
        description="How you sign in to Parley, and where you are signed in. These settings are yours alone; everyone on the team has their own."
      />
      <ChangePasswordCard />
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
      <SignOutEverywhereCard />
    </section>
  );
}
