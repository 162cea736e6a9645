import { useState, type FormEvent } from 'react';
import type { CreateInvitationResponse, Invitation } from '../../../shared/auth.schema';
import { inviteMember } from '../api/team.api';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { Field, TextField } from '../ui/field';
import { useAction } from '../ui/use-action';

/** Invites by email; the link is shown once, for the inviter to pass on. */
export function InviteForm({ onInvited }: { onInvited: (invitation: Invitation) => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'admin' | 'agent'>('agent');
  const [sent, setSent] = useState<CreateInvitationResponse | null>(null);
  const invite = useAction(inviteMember);
  const fields = invite.error?.fieldErrors() ?? {};

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSent(null);
    const created = await invite.run({ email: email.trim(), role });
    if (created) {
      setSent(created);
      setEmail('');
      onInvited(created.invitation);
    }
  };

  const link = sent
    ? `${window.location.origin}/accept-invitation?token=${encodeURIComponent(sent.token)}`
    : '';

  return (
    <form className="card form" onSubmit={(e) => void onSubmit(e)} aria-labelledby="invite-heading">
      <h3 className="card__title" id="invite-heading">
        Invite someone
      </h3>
      {invite.error && !fields.email ? (
        <Alert tone="error">{invite.error.humanMessage}</Alert>
      ) : null}
      {sent ? (
        <Alert tone="success" title={`Invitation for ${sent.invitation.email} created`}>
          <p>Send this link to them yourself. It is shown only now and works once, for 7 days.</p>
          <div className="webhook-url__row">
            <code className="break" data-testid="invitation-link">
              {link}
            </code>
            <CopyButton value={link} label="Copy link" />
          </div>
        </Alert>
      ) : null}
      <div className="form__grid">
        <TextField
          label="Email"
          type="email"
          name="invite-email"
          autoComplete="off"
          required
          value={email}
          onValue={setEmail}
          error={fields.email}
        />
        <Field
          label="Role"
          hint={
            role === 'admin'
              ? 'Admins manage channels, payments, AI, catalog and the team.'
              : 'Agents answer conversations in the inbox.'
          }
        >
          {(control) => (
            <select
              className="input"
              name="invite-role"
              {...control}
              value={role}
              onChange={(e) => setRole(e.target.value as 'admin' | 'agent')}
            >
              <option value="agent">Agent</option>
              <option value="admin">Admin</option>
            </select>
          )}
        </Field>
      </div>
      <div className="form__actions">
        <Button type="submit" variant="primary" busy={invite.busy}>
          Create invitation
        </Button>
      </div>
    </form>
  );
}
