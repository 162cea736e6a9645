import { createApiClient } from './api-client';

/**
 * Serialises refreshes across tabs with the Web Locks API where the browser has it; without it
 * each tab still refreshes single-flight on its own.
 */
async function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined' || !('locks' in navigator)) return fn();
  let result: T | undefined;
  await navigator.locks.request('parley-auth-refresh', async () => {
    result = await fn();
  });
  return result as T;
}

/** The app's API client. */
export const api = createApiClient({ withRefreshLock });
