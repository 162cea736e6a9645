import { ProviderError, type ProviderErrorKind } from '../llm-provider';
import type { AiProviderName } from '../settings';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes each SDK exports under the same names (wire-specs §7.3). */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIUserAbortError: ErrorClass;
}

/**
 * Maps whatever an SDK threw to a `ProviderError`. An abort is ours (the deadline), so it is a
 * timeout like the SDK's own; every kind is a reason to try the next provider.
 */
export function toProviderError(
  provider: AiProviderName,
  err: unknown,
  classes: SdkErrorClasses,
  signal: AbortSignal,
): ProviderError {
  if (err instanceof ProviderError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(provider, kindOf(err, classes, signal), message, { cause: err });
}

function kindOf(err: unknown, classes: SdkErrorClasses, signal: AbortSignal): ProviderErrorKind {
  if (signal.aborted || err instanceof classes.APIConnectionTimeoutError) return 'timeout';
  if (err instanceof classes.APIUserAbortError) return 'timeout';
  if (err instanceof classes.APIConnectionError) return 'connection';
  if (err instanceof classes.APIError) {
    const status = (err as Error & { status?: unknown }).status;
    if (typeof status !== 'number') return 'unknown';
    if (status === 429) return 'rate_limited';
    if (status === 401 || status === 403) return 'auth';
    if (status === 408) return 'timeout';
    if (status >= 500) return 'server_error';
    return 'bad_request';
  }
  return 'unknown';
}
