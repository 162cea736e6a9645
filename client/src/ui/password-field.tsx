import { useState, type ReactNode } from 'react';
import { Field } from './field';

interface PasswordFieldProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  autoComplete: 'current-password' | 'new-password';
  error?: string | undefined;
  hint?: ReactNode;
  name?: string;
}

/** A password input with a show/hide toggle (fewer typos than a second "confirm" field). */
export function PasswordField({
  label,
  value,
  onValue,
  autoComplete,
  error,
  hint,
  name,
}: PasswordFieldProps) {
  const [visible, setVisible] = useState(false);
  return (
    <Field label={label} error={error} hint={hint}>
      {(control) => (
        <div className="input-group">
          <input
            className="input"
            type={visible ? 'text' : 'password'}
            name={name}
            autoComplete={autoComplete}
            required
            spellCheck={false}
            {...control}
            value={value}
            onChange={(e) => onValue(e.target.value)}
          />
          <button
            type="button"
            className="btn btn--ghost btn--small input-group__button"
            aria-pressed={visible}
            aria-controls={control.id}
            onClick={() => setVisible((v) => !v)}
          >
            {visible ? 'Hide' : 'Show'}
          </button>
        </div>
      )}
    </Field>
  );
}
