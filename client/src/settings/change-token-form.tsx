import { useState, type FormEvent } from 'react';
import type { Integration } from '../../../shared/settings.schema';
import { changeIntegrationToken } from '../api/settings.api';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';
import { CHANNEL_LABELS } from '../ui/labels';
import { useAction } from '../ui/use-action';

/**
 * A new access token for a connected account, in place: the account keeps receiving messages
 * while Meta confirms the new token, and the old one stays if Meta does not.
 */
export function ChangeTokenForm({
  integration,
  onChanged,
  onCancel,
}: {
  integration: Integration;
  onChanged: (updated: Integration) => void;
  onCancel: () => void;
}) {
  const [accessToken, setAccessToken] = useState('');
  const change = useAction(changeIntegrationToken);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const updated = await change.run(integration.id, { accessToken: accessToken.trim() });
    if (updated) onChanged(updated);
  };

  return (
    <form
      className="form form--inline"
      onSubmit={(e) => void onSubmit(e)}
      aria-label={`New token for ${CHANNEL_LABELS[integration.channel]} ${integration.name ?? integration.externalId}`}
    >
      <TextField
        label="New access token"
        name="accessToken"
        type="password"
        required
        minLength={10}
        spellCheck={false}
        autoComplete="off"
        hint="Meta is asked to confirm it controls this account; until then the current token keeps working."
        value={accessToken}
        onValue={setAccessToken}
        error={change.error?.humanMessage}
      />
      <div className="form__actions">
        <Button type="submit" variant="primary" size="small" busy={change.busy}>
          Save token
        </Button>
        <Button size="small" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
