import { useEffect, useRef, useState } from 'react';
import { Button } from '../ui/button';

interface ConfirmButtonProps {
  label: string;
  /** The specific action, read out and shown on the second step: "Remove WhatsApp Main store". */
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => Promise<void> | void;
}

/**
 * A destructive action in two presses, in place: no modal to trap focus in, and no browser
 * `confirm()` that hides what is being removed.
 */
export function ConfirmButton({ label, confirmLabel, busy, onConfirm }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <Button
        size="small"
        variant="ghost"
        onClick={() => setAsking(true)}
        aria-label={confirmLabel}
      >
        {label}
      </Button>
    );
  }
  return (
    <span className="confirm">
      <Button
        size="small"
        variant="danger"
        ref={confirmRef}
        busy={busy}
        onClick={() => {
          void Promise.resolve(onConfirm()).finally(() => setAsking(false));
        }}
      >
        {`Yes, ${label.toLowerCase()}`}
      </Button>
      <Button size="small" variant="ghost" onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </span>
  );
}
