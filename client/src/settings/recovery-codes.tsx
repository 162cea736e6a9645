import { useState } from 'react';
import { Alert } from '../ui/alert';
import { Button } from '../ui/button';
import { CopyButton } from '../ui/copy-button';
import { downloadText } from '../ui/download';

/** The ten recovery codes, shown once, right after two-factor authentication is turned on. */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  const text = codes.join('\n');
  return (
    <div className="card">
      <Alert tone="success" title="Two-factor authentication is on">
        Save these recovery codes somewhere safe, such as a password manager. Each one signs you in
        once if you lose your phone. They are not shown again.
      </Alert>
      <ul className="recovery-codes" aria-label="Recovery codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="form__row">
        <CopyButton value={text} label="Copy codes" />
        <Button size="small" onClick={() => downloadText('parley-recovery-codes.txt', `${text}\n`)}>
          Download as a file
        </Button>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />I have
        saved my recovery codes
      </label>
      <div className="form__actions">
        <Button variant="primary" disabled={!saved} onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
