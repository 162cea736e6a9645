import type { ReactNode } from 'react';
import { describeError } from '../api/api-error';
import { Alert } from './alert';
import { Button } from './button';
import type { ResourceState } from './use-resource';

interface LoadStateProps<T> {
  state: ResourceState<T>;
  reload: () => void;
  /** What is loading, for the spinner's label: "the team". */
  what: string;
  children: (data: T) => ReactNode;
}

/** A resource's loading and error states, and its content once there. */
export function LoadState<T>({ state, reload, what, children }: LoadStateProps<T>) {
  if (state.status === 'loading') return <Spinner label={`Loading ${what}…`} />;
  if (state.status === 'error') {
    return (
      <Alert
        tone="error"
        title={`Could not load ${what}`}
        action={<Button onClick={reload}>Try again</Button>}
      >
        {describeError(state.error)}
      </Alert>
    );
  }
  return <>{children(state.data)}</>;
}

export function Spinner({ label }: { label: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
