import { useEffect, useRef, useState } from 'react';
import { useConnectionStatus } from './connection';

/**
 * Visible whenever the app is not live, so nobody mistakes a frozen inbox for a quiet one, and
 * for a moment after it is live again (what was missed has been fetched by then).
 */
export function ConnectionBanner() {
  const status = useConnectionStatus();
  const [backOnline, setBackOnline] = useState(false);
  const wasAway = useRef(false);

  useEffect(() => {
    if (status.state !== 'online') {
      wasAway.current = true;
      setBackOnline(false);
      return;
    }
    if (!wasAway.current) return;
    wasAway.current = false;
    setBackOnline(true);
    const timer = setTimeout(() => setBackOnline(false), 4000);
    return () => clearTimeout(timer);
  }, [status.state]);

  let text: string | null = null;
  let tone = 'warning';
  if (status.state === 'reconnecting') {
    text =
      status.attempt > 1
        ? `Reconnecting… (attempt ${status.attempt}). Live updates are paused; anything missed is fetched as soon as the connection is back.`
        : 'Reconnecting… Live updates are paused; anything missed is fetched as soon as the connection is back.';
  } else if (status.state === 'offline') {
    text = 'You are offline. Parley will catch up when your connection is back.';
    tone = 'error';
  } else if (backOnline) {
    text = 'Back online. Everything is up to date.';
    tone = 'success';
  }

  return (
    <div className="connection-banner-slot" role="status" aria-live="polite">
      {text ? (
        <div
          className={`connection-banner connection-banner--${tone}`}
          data-state={status.state}
          data-testid="connection-banner"
        >
          {status.state !== 'online' ? (
            <span className="spinner spinner--inline" aria-hidden="true" />
          ) : null}
          {text}
        </div>
      ) : null}
    </div>
  );
}
