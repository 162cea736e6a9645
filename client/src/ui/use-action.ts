import { useCallback, useState } from 'react';
import { ApiError } from '../api/api-error';

export interface Action<A extends unknown[], R> {
  /** Runs the call; resolves to its result, or undefined when it failed (see `error`). */
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: ApiError | null;
  clearError: () => void;
}

/** A form submit or button press: busy while it runs, its failure kept for display. */
export function useAction<A extends unknown[], R>(call: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        return await call(...args);
      } catch (err) {
        if (!(err instanceof ApiError)) console.error(err);
        setError(err instanceof ApiError ? err : new ApiError('internal', 0, ''));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [call],
  );
  return { run, busy, error, clearError: useCallback(() => setError(null), []) };
}
